"""Running a round from the admin: create, send, clone, record a response, filter overdue."""

import datetime

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from forces.models import Force
from returns import deadlines
from returns.models import Campaign, Correspondence, FOIRequest, NonWorkingDay
from tests.factories import CampaignFactory, FigureFactory, FOIRequestFactory, UserFactory, force

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def logged_in(client, caseworker, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.force_login(caseworker)
    return client


def add_campaign(client, **overrides):
    data = {
        "title": "Online child sexual offences 2026",
        "slug": "ocso-2026",
        "measure": "online_child_sexual_offences",
        "periods": "2024/25, 2025-26",
        "request_wording": "How many offences did {force} record in {periods}?",
        "nations": ["wales", "scotland"],
        "sent_on": "",
    }
    return client.post("/admin/returns/campaign/add/", {**data, **overrides})


def test_it_creates_a_campaign_and_one_request_per_force_of_the_chosen_nations(logged_in):
    response = add_campaign(logged_in)
    assert response.status_code == 302
    campaign = Campaign.objects.get(slug="ocso-2026")
    assert campaign.periods == ["2024/25", "2025/26"]
    assert sorted(campaign.requests.values_list("force__short_name", flat=True)) == [
        "Dyfed-Powys",
        "Gwent",
        "North Wales",
        "Police Scotland",
        "South Wales",
    ]


def test_it_shows_period_errors_on_the_form_and_creates_nothing(logged_in):
    response = add_campaign(logged_in, periods="2024/26")
    assert response.status_code == 200
    assert "second year must follow the first" in response.content.decode()
    assert not Campaign.objects.exists()


def send_action(client, campaign, **extra):
    return client.post(
        "/admin/returns/campaign/",
        {"action": "send_unsent_requests", "_selected_action": [campaign.pk], **extra},
    )


@pytest.fixture
def send_now(eager_tasks, django_capture_on_commit_callbacks):
    """Press Send, confirmed; the sending task runs inline once the run is committed."""

    def press(client, campaign):
        with django_capture_on_commit_callbacks(execute=True):
            return send_action(client, campaign, confirmed="yes")

    return press


def test_it_asks_before_sending_and_lists_forces_without_an_address(logged_in):
    add_campaign(logged_in)
    Force.objects.filter(short_name="Gwent").update(foi_email="foi@gwent.example")
    response = send_action(logged_in, Campaign.objects.get())
    page = response.content.decode()
    assert "Yes, send them" in page and "foi@gwent.example" in page
    assert "4 forces without an FOI address" in page
    assert not mail.outbox
    assert not FOIRequest.objects.exclude(status="not_sent").exists()


def test_it_sends_one_email_per_force_and_flags_forces_without_an_address(logged_in, send_now):
    add_campaign(logged_in)
    Force.objects.filter(short_name__in=["Gwent", "Police Scotland"]).update(
        foi_email="foi@force.example"
    )
    send_now(logged_in, Campaign.objects.get())
    today = timezone.localdate()
    assert len(mail.outbox) == 2
    to_gwent = next(
        message
        for message in mail.outbox
        if message.to == ["foi@force.example"] and "Gwent Police" in message.body
    )
    assert "How many offences did Gwent Police record in" in to_gwent.body
    gwent = FOIRequest.objects.get(force__short_name="Gwent")
    assert (gwent.status, gwent.sent_on, gwent.received_on) == ("awaiting", today, today)
    assert gwent.due_date is not None
    dyfed = FOIRequest.objects.get(force__short_name="Dyfed-Powys")
    assert dyfed.status == "not_sent" and dyfed.sent_on is None
    draft = dyfed.correspondence.get()
    assert (
        draft.state == Correspondence.State.DRAFT
        and "No FOI email address" in draft.needs_attention
    )
    # Sending again sends nothing twice and drafts nothing twice.
    send_now(logged_in, Campaign.objects.get())
    assert len(mail.outbox) == 2
    assert dyfed.correspondence.count() == 1


def test_it_clones_last_years_campaign_with_the_periods_moved_on(logged_in):
    source = CampaignFactory(slug="ocso-2025", periods=["2023/24", "2024/25"])
    FOIRequestFactory(campaign=source)
    FOIRequestFactory(campaign=source, force=force("Durham Constabulary"))
    page = logged_in.get(f"/admin/returns/campaign/{source.pk}/clone/").content.decode()
    assert 'value="2024/25, 2025/26"' in page
    response = logged_in.post(
        f"/admin/returns/campaign/{source.pk}/clone/",
        {"title": "Round 2026", "slug": "ocso-2026", "periods_text": "2024/25, 2025/26"},
    )
    assert response.status_code == 302
    clone = Campaign.objects.get(slug="ocso-2026")
    assert clone.cloned_from == source and clone.request_wording == source.request_wording
    assert clone.requests.count() == 2 and set(clone.requests.values_list("status", flat=True)) == {
        "not_sent"
    }


def test_it_records_a_response_with_the_reply_file(logged_in):
    foi_request = FOIRequestFactory(received_on=D(2026, 1, 5))
    url = f"/admin/returns/foirequest/{foi_request.pk}/record-response/"
    reply = SimpleUploadedFile("reply.pdf", b"%PDF-1.7 the force's figures", "application/pdf")
    response = logged_in.post(
        url,
        {
            "responded_on": "28/01/2026",
            "outcome": "part",
            "reference": "FOI/2026/123",
            "reply_file": reply,
        },
    )
    assert response.status_code == 302
    foi_request.refresh_from_db()
    assert (foi_request.status, foi_request.outcome, foi_request.reference) == (
        "answered",
        "part",
        "FOI/2026/123",
    )
    assert foi_request.responded_on == D(2026, 1, 28)
    logged = foi_request.correspondence.get(kind="response")
    assert logged.direction == "in" and logged.attachment.read().startswith(b"%PDF")


def test_it_refuses_a_reply_file_whose_content_is_not_its_type(logged_in):
    foi_request = FOIRequestFactory(received_on=D(2026, 1, 5))
    fake = SimpleUploadedFile("reply.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    response = logged_in.post(
        f"/admin/returns/foirequest/{foi_request.pk}/record-response/",
        {"responded_on": "28/01/2026", "outcome": "full", "reply_file": fake},
    )
    assert "is not a real .pdf file" in response.content.decode()
    foi_request.refresh_from_db()
    assert foi_request.status == "awaiting" and not foi_request.correspondence.exists()


def test_it_filters_overdue_and_long_overdue_requests(logged_in):
    today = timezone.localdate()
    campaign = CampaignFactory()
    FOIRequestFactory(campaign=campaign, received_on=today - datetime.timedelta(days=3))
    FOIRequestFactory(
        campaign=campaign,
        force=force("Durham Constabulary"),
        received_on=today - datetime.timedelta(days=40),
    )
    FOIRequestFactory(
        campaign=campaign,
        force=force("Kent Police"),
        received_on=today - datetime.timedelta(days=100),
    )
    FOIRequestFactory(
        campaign=campaign,
        force=force("Essex Police"),
        received_on=today - datetime.timedelta(days=100),
        status="answered",
        responded_on=today,
    )

    def forces(query):
        page = logged_in.get(f"/admin/returns/foirequest/?{query}").content.decode()
        return [name for name in ["Northumbria", "Durham", "Kent", "Essex"] if name in page]

    assert forces("deadline=overdue") == ["Durham", "Kent"]
    assert forces("deadline=long") == ["Kent"]
    assert forces("deadline=open") == ["Northumbria"]


def test_it_explains_the_due_date_on_the_request_page(logged_in):
    foi_request = FOIRequestFactory(received_on=D(2014, 12, 2))
    page = logged_in.get(f"/admin/returns/foirequest/{foi_request.pk}/change/").content.decode()
    assert "5 Jan 2015" in page and "Christmas Day" in page and "Boxing Day" in page


def test_it_recomputes_open_due_dates_when_staff_add_a_non_working_day(client, administrator):
    client.force_login(administrator)
    foi_request = FOIRequestFactory(received_on=D(2026, 1, 5))
    response = client.post(
        "/admin/returns/nonworkingday/add/",
        {"date": "14/01/2026", "name": "Day of mourning", "applies_to": "all"},
        follow=True,
    )
    assert "1 open requests moved" in response.content.decode()
    foi_request.refresh_from_db()
    assert foi_request.due_date == D(2026, 2, 3)
    assert NonWorkingDay.objects.count() == 1


@pytest.mark.parametrize(
    "persona, status",
    [("caseworker", 200), ("verifier", 403), ("outsider", 403), ("administrator", 200)],
)
def test_it_lets_only_those_who_log_requests_create_campaigns(client, request, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get("/admin/returns/campaign/add/").status_code == status


def test_it_delivers_the_flagged_draft_once_the_force_has_an_address(logged_in, send_now):
    add_campaign(logged_in)
    send_now(logged_in, Campaign.objects.get())
    assert not mail.outbox
    Force.objects.filter(short_name="Gwent").update(foi_email="foi@gwent.example")
    send_now(logged_in, Campaign.objects.get())
    assert [message.to for message in mail.outbox] == [["foi@gwent.example"]]
    gwent = FOIRequest.objects.get(force__short_name="Gwent")
    assert gwent.status == "awaiting"
    message = gwent.correspondence.get()
    assert (message.state, message.address, message.needs_attention) == (
        "sent",
        "foi@gwent.example",
        "",
    )


def test_it_links_the_request_page_to_table_import_verification_and_the_board(
    client, verifier, caseworker
):
    foi_request = FOIRequestFactory(received_on=D(2026, 1, 5))
    FigureFactory(request=foi_request, entered_by=UserFactory(username="cass"))
    client.force_login(verifier)
    page = client.get(f"/admin/returns/foirequest/{foi_request.pk}/change/").content.decode()
    assert f"/returns/requests/{foi_request.pk}/verify/" in page
    assert "/returns/overdue/" in page
    # Issue 14: a verifier cannot import, so is not offered it (test_walk_defects.py).
    assert f"/admin/returns/figure/import-table/{foi_request.pk}/" not in page
    client.force_login(caseworker)
    page = client.get(f"/admin/returns/foirequest/{foi_request.pk}/change/").content.decode()
    assert f"/admin/returns/figure/import-table/{foi_request.pk}/" in page


def test_it_links_the_campaign_page_to_statistics_and_the_dataset(client, verifier):
    client.force_login(verifier)
    campaign = CampaignFactory(slug="ocso-2019")
    page = client.get(f"/admin/returns/campaign/{campaign.pk}/change/").content.decode()
    assert "/returns/statistics/ocso-2019/" in page
    assert "/returns/campaigns/ocso-2019/dataset/" in page


@pytest.mark.parametrize(
    "persona, links",
    [
        ("verifier", ["/returns/overdue/", "/returns/statistics/", "/returns/datasets/"]),
        ("caseworker", ["/returns/overdue/", "/returns/statistics/"]),
    ],
)
def test_it_lists_the_staff_pages_on_the_admin_home(client, request, persona, links):
    client.force_login(request.getfixturevalue(persona))
    page = client.get("/admin/").content.decode()
    assert [
        link
        for link in ["/returns/overdue/", "/returns/statistics/", "/returns/datasets/"]
        if link in page
    ] == links


def test_it_offers_only_the_exemptions_of_the_forces_regime(logged_in):
    scottish = FOIRequestFactory(force=force("Police Scotland"))
    page = logged_in.get(f"/admin/returns/foirequest/{scottish.pk}/change/").content.decode()
    assert "FOISA 2002 (Scotland) s.35 Law enforcement" in page
    assert "FOIA 2000 s.31 Law enforcement" not in page


def test_it_shows_when_to_complain_to_the_commissioner(logged_in):
    foi_request = FOIRequestFactory(
        received_on=D(2026, 1, 5),
        internal_review_requested_on=D(2026, 3, 2),
        internal_review_responded_on=D(2026, 3, 20),
    )
    page = logged_in.get(f"/admin/returns/foirequest/{foi_request.pk}/change/").content.decode()
    assert "Complain to the Commissioner by" in page and "1 May 2026" in page


def test_it_lists_working_days_overdue_and_the_next_chase_step(logged_in):
    foi_request = FOIRequestFactory(received_on=D(2026, 1, 5))  # due 2 Feb 2026
    expected = deadlines.working_days_after(D(2026, 2, 2), timezone.localdate(), "foia")
    page = logged_in.get("/admin/returns/foirequest/").content.decode()
    assert f'<td class="field-days_overdue">{expected}</td>' in page
    # The most advanced step due: the review (no complaint before a review was asked for).
    assert "Internal review request on 2 Mar 2026" in page
    assert foi_request.due_date == D(2026, 2, 2)
