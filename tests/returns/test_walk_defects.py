"""Defects a new user tripped on walking a round in the admin (issue 14), one test each."""

import csv
import datetime
import io
import shutil

import pytest
from django.core import mail
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone

from forces.models import Force
from returns import deadlines, rounds, stages
from returns.importing.service import import_long
from returns.models import Campaign, Correspondence, FOIRequest
from returns.rounds import DEFAULT_WORDING
from tests.factories import CampaignFactory, FOIRequestFactory, force
from tests.returns import test_statistics_browser as in_browser
from tests.returns.files.helpers import make_campaign

pytestmark = pytest.mark.django_db
D = datetime.date
browser = in_browser.browser  # headless Chromium, as a fixture of this module


@pytest.fixture
def as_caseworker(client, caseworker, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.force_login(caseworker)
    return client


def add_campaign(client, **overrides):
    """The add form as a browser sends it: the wording it offers, unless `overrides` say."""
    offered = client.get("/admin/returns/campaign/add/").context["adminform"].form
    data = {
        "title": "Online child sexual offences 2026",
        "slug": "ocso-2026",
        "measure": "online_child_sexual_offences",
        "periods": "2024/25, 2025/26",
        "request_wording": offered["request_wording"].value(),
        "nations": ["wales", "scotland"],
        "sent_on": "",
    }
    return client.post("/admin/returns/campaign/add/", {**data, **overrides})


def posted(value):
    """A field's value as a browser posts it; None for none (a file is not sent again)."""
    if value is None or isinstance(value, FieldFile):
        return None
    return [str(v) for v in value] if isinstance(value, list | tuple) else value


def form_data(form, prefix=""):
    values = {f"{prefix}{name}": posted(form[name].value()) for name in form.fields}
    return {name: value for name, value in values.items() if value is not None}


def change_form_data(page):
    """Every field of an admin change page (its inlines too) as the browser would post it."""
    data = form_data(page.context["adminform"].form)
    for inline in page.context["inline_admin_formsets"]:
        management = inline.formset.management_form
        for name in management.fields:
            data[f"{management.prefix}-{name}"] = management[name].value()
        for inline_form in inline.formset.forms:
            data |= form_data(inline_form, f"{inline_form.prefix}-")
    return data


# --- The default request wording


def test_it_shows_the_campaign_title_in_the_default_request_email(as_caseworker):
    add_campaign(as_caseworker)
    campaign = Campaign.objects.get(slug="ocso-2026")
    Force.objects.filter(name="Gwent Police").update(foi_email="foi@gwent.example")

    rounds.send_requests(campaign, on_date=D(2026, 1, 5))

    [email] = mail.outbox
    assert 'Gwent Police holds for "Online child sexual offences 2026" for each' in email.body
    assert '""' not in email.body


def test_it_offers_a_default_wording_that_promises_nothing_below_it(as_caseworker):
    page = as_caseworker.get("/admin/returns/campaign/add/").content.decode()

    assert "set out below" not in DEFAULT_WORDING and "below" not in page.split("Yours")[0]
    assert "{campaign}" in DEFAULT_WORDING and "{periods}" in DEFAULT_WORDING


# --- A draft sent by hand


@pytest.fixture
def flagged_draft():
    """A request to a force without an FOI address: the round left it a flagged draft."""
    Force.objects.filter(name="Gwent Police").update(foi_email="")
    foi_request = FOIRequestFactory(
        force=force("Gwent Police"),
        status=FOIRequest.Status.NOT_SENT,
        sent_on=None,
        received_on=None,
    )
    rounds.send_requests(foi_request.campaign, on_date=D(2026, 1, 5))
    return foi_request.correspondence.get()


def test_it_heads_a_draft_draft_not_sent(as_caseworker, flagged_draft):
    url = reverse("admin:returns_foirequest_change", args=[flagged_draft.request_id])
    page = as_caseworker.get(url).content.decode()

    assert "Request — Draft — not sent (05/01/2026)" in page
    assert "Request sent to force" not in page


def test_it_records_the_request_sent_when_staff_mark_its_draft_sent(as_caseworker, flagged_draft):
    url = reverse("admin:returns_foirequest_change", args=[flagged_draft.request_id])
    data = change_form_data(as_caseworker.get(url))
    prefix = next(key for key, value in data.items() if value == flagged_draft.pk)[: -len("-id")]
    data |= {f"{prefix}-state": "sent", f"{prefix}-date": "2026-01-06"}  # sent the next day

    response = as_caseworker.post(url, data, follow=True)

    foi_request = FOIRequest.objects.get(pk=flagged_draft.request_id)
    assert (foi_request.status, foi_request.sent_on, foi_request.received_on) == (
        "awaiting",
        D(2026, 1, 6),
        D(2026, 1, 6),
    )
    assert foi_request.due_date == deadlines.due_date(D(2026, 1, 6), "foia") == D(2026, 2, 3)
    assert stages.stage_of(foi_request, D(2026, 2, 4)).next_step.kind == "chaser"
    flagged_draft.refresh_from_db()
    assert (flagged_draft.state, flagged_draft.needs_attention) == ("sent", "")
    assert "recorded as sent and received on 6 Jan 2026, due 3 Feb 2026" in (
        response.content.decode()
    )


def test_it_records_the_request_sent_from_the_correspondence_page_too(as_caseworker, flagged_draft):
    url = reverse("admin:returns_correspondence_change", args=[flagged_draft.pk])
    data = form_data(as_caseworker.get(url).context["adminform"].form)

    as_caseworker.post(url, {**data, "state": "sent"})

    foi_request = FOIRequest.objects.get(pk=flagged_draft.request_id)
    assert (foi_request.status, foi_request.sent_on, foi_request.received_on) == (
        "awaiting",
        D(2026, 1, 5),
        D(2026, 1, 5),
    )
    assert foi_request.due_date == D(2026, 2, 2)


def test_it_leaves_a_request_already_sent_as_it_is(flagged_draft):
    FOIRequest.objects.filter(pk=flagged_draft.request_id).update(
        status="answered", sent_on=D(2026, 1, 2), received_on=D(2026, 1, 2)
    )
    Correspondence.objects.filter(pk=flagged_draft.pk).update(state="sent")
    flagged_draft.refresh_from_db()

    assert rounds.record_sent_by_hand(flagged_draft) is None
    assert FOIRequest.objects.get(pk=flagged_draft.request_id).sent_on == D(2026, 1, 2)


# --- Buttons a role cannot use


@pytest.mark.parametrize(
    "persona, shown",
    [("verifier", []), ("caseworker", ["Record response", "Import a force's table"])],
)
def test_it_shows_the_request_page_buttons_only_to_roles_that_may_use_them(
    client, request, persona, shown
):
    foi_request = FOIRequestFactory()
    client.force_login(request.getfixturevalue(persona))

    page = client.get(reverse("admin:returns_foirequest_change", args=[foi_request.pk]))

    html = page.content.decode()
    assert [label for label in ["Record response", "Import a force's table"] if label in html] == (
        shown
    )
    table_import = reverse("admin:returns_figure_import_table", args=[foi_request.pk])
    assert (table_import in html) == bool(shown)


# --- The Record response page


def test_it_styles_the_record_response_page_with_the_admins_date_picker(as_caseworker):
    foi_request = FOIRequestFactory()

    page = as_caseworker.get(
        reverse("admin:returns_foirequest_record_response", args=[foi_request.pk])
    ).content.decode()

    assert 'class="vDateField' in page  # the admin's calendar and "Today" attach to it
    for asset in ["admin/js/core.js", "admin/js/calendar.js", "DateTimeShortcuts.js"]:
        assert asset in page, asset
    assert reverse("admin:jsi18n") in page and "admin/css/forms.css" in page
    assert '<fieldset class="module aligned">' in page and 'class="required"' in page


# --- The campaign form


def test_it_offers_the_measure_codes_already_used_with_help(as_caseworker):
    CampaignFactory(measure="indecent_images_of_children")

    page = as_caseworker.get("/admin/returns/campaign/add/").content.decode()

    assert 'list="id_measure_suggestions"' in page
    assert '<option value="indecent_images_of_children">' in page
    assert '<option value="online_child_sexual_offences">' in page
    assert "What the forces are asked to count" in page


def test_it_fills_the_slug_from_the_title_while_adding(as_caseworker):
    campaign = CampaignFactory()

    adding = as_caseworker.get("/admin/returns/campaign/add/").content.decode()
    changing = as_caseworker.get(f"/admin/returns/campaign/{campaign.pk}/change/")

    assert "data-prepopulated-fields=" in adding
    assert "&quot;id&quot;: &quot;#id_slug&quot;" in adding
    assert "&quot;dependency_ids&quot;: [&quot;#id_title&quot;]" in adding
    assert "#id_slug" not in changing.content.decode()  # its slug names it in commands and URLs


def test_it_shows_the_nations_asked_after_saving(as_caseworker):
    add_campaign(as_caseworker)
    campaign = Campaign.objects.get(slug="ocso-2026")

    page = as_caseworker.get(f"/admin/returns/campaign/{campaign.pk}/change/").content.decode()

    assert "Nations asked" in page and "Wales (4 forces), Scotland (1 force)" in page


# --- The figures Import page's template file


def test_it_offers_a_template_file_on_the_figures_import_page(as_caseworker, caseworker):
    campaign = make_campaign()
    page = as_caseworker.get(reverse("admin:returns_figure_import")).content.decode()
    url = reverse("returns:figure_import_template")
    assert url in page

    download = as_caseworker.get(url)

    assert download["Content-Type"].startswith("text/csv")
    assert "attachment" in download["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(download.content.decode())))
    assert list(rows[0]) == ["force", "period", "measure", "breakdown", "category", "value", "note"]
    kinds = [(row["breakdown"], row["value"], row["note"]) for row in rows]
    assert ("", "323", "") in kinds and ("", "", "not held") in kinds
    assert {"victim_age", "offence_type"} <= {row["breakdown"] for row in rows}
    assert any(row["value"] == "<5" for row in rows)
    # The example imports as it stands (a preview: nothing saved).
    outcome = import_long(campaign, download.content, "template.csv", caseworker, dry_run=True)
    assert outcome.ok, outcome.problems


def test_it_keeps_the_template_file_to_those_who_may_import(client, verifier):
    client.force_login(verifier)

    assert client.get(reverse("returns:figure_import_template")).status_code == 403


# --- The same two forms in a real browser: the admin's scripts run on them


@pytest.mark.skipif(
    not (shutil.which("chromium") and shutil.which("chromedriver")),
    reason="needs chromium and chromedriver (scripts/test installs them)",
)
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_fills_the_slug_and_offers_a_calendar_in_a_browser(live_server, browser, caseworker):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    foi_request = FOIRequestFactory()
    in_browser.log_in(browser, live_server, caseworker)

    browser.get(live_server.url + "/admin/returns/campaign/add/")
    browser.find_element(By.ID, "id_title").send_keys("Online child sexual offences 2026")
    slug = browser.find_element(By.ID, "id_slug")
    WebDriverWait(browser, 10).until(lambda _: slug.get_attribute("value"))
    assert slug.get_attribute("value") == "online-child-sexual-offences-2026"

    url = reverse("admin:returns_foirequest_record_response", args=[foi_request.pk])
    browser.get(live_server.url + url)
    browser.find_element(By.CSS_SELECTOR, ".datetimeshortcuts .date-icon").click()
    calendar = browser.find_element(By.CSS_SELECTOR, ".calendarbox")
    assert calendar.is_displayed()
    browser.find_element(By.LINK_TEXT, "Today").click()
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert browser.find_element(By.ID, "id_responded_on").get_attribute("value") == today
