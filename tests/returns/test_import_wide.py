"""A force's own table (ages down, years across) imported from its request's admin page."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from returns.importing.service import import_wide
from returns.models import Figure, ImportBatch, PlausibilityWarning
from tests.returns.files.helpers import HERE, cells, make_campaign, xlsx_bytes

pytestmark = pytest.mark.django_db
TABLE = (HERE / "northumbria_ages.csv").read_bytes()


def northumbria(campaign):
    return campaign.requests.get(force__name="Northumbria Police")


def test_it_turns_a_realistic_force_table_into_figures(caseworker):
    campaign = make_campaign()

    outcome = import_wide(northumbria(campaign), TABLE, "victim_age", "ages.csv", caseworker)

    assert outcome.ok, outcome.problems
    stored = cells(campaign)
    assert len(stored) == 2 * 20  # Under 1, 1..17, Unknown and Total, for two years
    assert stored["Northumbria Police", "2016/17", "", ""] == ("reported", 330, "", "")
    assert stored["Northumbria Police", "2016/17", "victim_age", "0"][1] == 1
    assert stored["Northumbria Police", "2016/17", "victim_age", "13"][1] == 71
    assert stored["Northumbria Police", "2015/16", "victim_age", "4"][:3] == (
        "suppressed",
        None,
        "*",
    )
    assert stored["Northumbria Police", "2015/16", "victim_age", "unknown"] == (
        "not_held",
        None,
        "",
        "not recorded",
    )
    assert "Total" in outcome.summary.notes[0]
    batch = ImportBatch.objects.get()
    assert (batch.layout, batch.request) == ("wide", northumbria(campaign))


def test_it_warns_when_the_total_row_disagrees_with_its_parts(caseworker):
    campaign = make_campaign()

    outcome = import_wide(northumbria(campaign), TABLE, "victim_age", "ages.csv", caseworker)

    messages = [warning.message for warning in outcome.summary.warnings]
    # 2016/17 ages and Unknown add up to 321 against a Total of 330.
    assert "Northumbria Police 2016/17: the Total row says 330 but its parts add up to 321." in (
        messages
    )
    stored = PlausibilityWarning.objects.get(code="total_disagrees")
    assert (stored.figure.period, stored.figure.value) == ("2016/17", 330)


def test_it_names_the_cell_of_a_bad_value_in_the_forces_table():
    campaign = make_campaign()
    table = TABLE.replace(b"13,21,71,92", b"13,21,7.5,92")

    outcome = import_wide(northumbria(campaign), table, "victim_age", "ages.csv")

    assert outcome.problems == ["Row 17, column 2016/17: '7.5' is not a whole number."]
    assert not Figure.objects.exists()


def test_it_refuses_a_year_the_campaign_did_not_ask_for():
    campaign = make_campaign(periods=["2016/17"])

    outcome = import_wide(northumbria(campaign), TABLE, "victim_age", "ages.csv")

    assert outcome.problems == ["Row 3, column 2015/16: 2015/16 was not asked in this campaign."]


def test_it_previews_then_imports_on_confirm_from_the_request_page(client, caseworker):
    campaign = make_campaign()
    request = northumbria(campaign)
    url = reverse("admin:returns_figure_import_table", args=[request.pk])
    client.force_login(caseworker)
    data = xlsx_bytes([["", "2015/16", "2016/17"], ["Rape", 10, 12], ["Total", 10, 9]])

    preview = client.post(
        url, {"table": SimpleUploadedFile("t.xlsx", data), "breakdown": "offence_type"}
    )

    page = preview.content.decode()
    assert "4 new" in page
    assert "the offence type figures add up to 12, more than the total of 9" in page
    assert not Figure.objects.exists()

    form = preview.context["confirm_form"]
    done = client.post(url, {**{k: form[k].value() for k in form.fields}, "confirm": "1"})

    assert done.status_code == 302
    assert cells(campaign)["Northumbria Police", "2016/17", "offence_type", "Rape"][1] == 12
    assert PlausibilityWarning.objects.filter(code="above_total:offence_type").count() == 1


def test_it_forbids_the_table_import_without_permission(client, verifier):
    campaign = make_campaign()
    client.force_login(verifier)
    url = reverse("admin:returns_figure_import_table", args=[northumbria(campaign).pk])

    assert client.get(url).status_code == 403
