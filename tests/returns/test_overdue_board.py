"""The overdue board: who may see it, what it lists, and its confirm-then-send button."""

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from returns import stages
from returns.models import Correspondence, FOIRequest
from tests.factories import CampaignFactory, FOIRequestFactory, ForceFactory, force

pytestmark = pytest.mark.django_db
URL = reverse("returns:overdue_board")


def past_extension(the_force, campaign, days_ago=1):
    """A request whose (extended) deadline passed `days_ago` days ago: the chaser comes next."""
    today = timezone.localdate()
    return FOIRequestFactory(
        force=the_force,
        campaign=campaign,
        received_on=today - timedelta(days=60),
        status=FOIRequest.Status.EXTENDED,
        extended_due_date=today - timedelta(days=days_ago),
    )


@pytest.fixture
def campaign():
    return CampaignFactory(title="Online offences 2026")


@pytest.fixture
def overdue(campaign):
    return past_extension(ForceFactory(name="Lately Police"), campaign)


@pytest.fixture
def long_overdue(campaign):
    return FOIRequestFactory(
        force=ForceFactory(name="Silent Constabulary"),
        campaign=campaign,
        received_on=timezone.localdate() - timedelta(days=200),
    )


@pytest.fixture
def not_yet_due(campaign):
    return FOIRequestFactory(
        force=ForceFactory(name="Punctual Police"),
        campaign=campaign,
        received_on=timezone.localdate(),
    )


@pytest.fixture
def answered(campaign):
    request = past_extension(ForceFactory(name="Answered Police"), campaign, days_ago=30)
    request.status = FOIRequest.Status.ANSWERED
    request.responded_on = timezone.localdate() - timedelta(days=2)
    request.save()
    return request


def logged_in(client, user):
    client.force_login(user)
    return client


def send(client, foi_request, kind="chaser"):
    return client.post(URL, {"request": foi_request.pk, "kind": kind})


def test_it_lists_overdue_and_long_overdue_forces_per_campaign_for_a_caseworker(
    client, caseworker, overdue, long_overdue, not_yet_due, answered
):
    response = logged_in(client, caseworker).get(URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Online offences 2026 — 2 overdue" in html
    assert "Lately Police" in html and "Silent Constabulary" in html
    assert "Punctual Police" not in html and "Answered Police" not in html
    [row] = [row for _, rows in response.context["campaigns"] for row in rows if row.long_overdue]
    assert row.request == long_overdue
    assert row.days_late == stages.working_days_overdue(long_overdue, timezone.localdate())
    assert row.days_late >= 20
    assert f'href="?confirm={overdue.pk}#confirm-step"' in html


def test_it_shows_the_last_contact_and_the_next_step(client, caseworker, overdue):
    today = timezone.localdate()
    Correspondence.objects.create(
        request=overdue, direction="in", kind="other", date=today - timedelta(days=3)
    )

    response = logged_in(client, caseworker).get(URL)

    [(_, [row])] = response.context["campaigns"]
    assert row.last_contact == today - timedelta(days=3)
    assert (row.next_kind, row.next_on) == stages.next_step(overdue, today)
    assert row.next_kind == "chaser"


def test_it_keeps_a_request_not_delivered_on_the_board_marked_to_check_the_address(
    client, caseworker, campaign, overdue
):
    today = timezone.localdate()
    bounced = FOIRequestFactory(
        force=force("Gwent Police"),
        campaign=campaign,
        received_on=today - timedelta(days=90),
        not_delivered_on=today - timedelta(days=80),
    )
    Correspondence.objects.create(
        request=bounced, direction="in", kind="bounce", date=bounced.not_delivered_on
    )

    response = logged_in(client, caseworker).get(URL)

    rows = {row.request: row for _, rows in response.context["campaigns"] for row in rows}
    assert set(rows) == {overdue, bounced}
    row = rows[bounced]
    assert row.not_delivered_on == bounced.not_delivered_on
    assert row.days_late == stages.Clock(bounced.regime).between(bounced.due_date, today)
    assert (row.next_kind, row.can_send) == (None, False)
    html = response.content.decode()
    assert "Gwent Police" in html and "Not delivered — check the address" in html
    assert f'href="?confirm={bounced.pk}#confirm-step"' not in html


def test_it_leaves_a_request_not_delivered_off_the_board_until_its_due_date_passes(
    client, caseworker, campaign
):
    today = timezone.localdate()
    FOIRequestFactory(
        force=force("Gwent Police"),
        campaign=campaign,
        received_on=today,
        not_delivered_on=today,
    )

    response = logged_in(client, caseworker).get(URL)

    assert response.context["campaigns"] == []


def test_it_lets_a_verifier_look_but_not_send(client, verifier, overdue):
    client = logged_in(client, verifier)

    page = client.get(URL)
    posted = send(client, overdue)

    assert page.status_code == 200
    assert "Lately Police" in page.content.decode()
    assert "confirm=" not in page.content.decode()
    assert posted.status_code == 403
    assert not overdue.correspondence.exists()
    assert mail.outbox == []


def test_it_refuses_someone_in_no_role(client, outsider, overdue):
    client = logged_in(client, outsider)

    assert client.get(URL).status_code == 403
    assert send(client, overdue).status_code == 403
    assert not overdue.correspondence.exists()


def test_it_sends_strangers_to_the_admin_login(client, overdue):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_it_shows_the_message_before_sending_it(client, caseworker, overdue):
    response = logged_in(client, caseworker).get(URL, {"confirm": overdue.pk})

    html = response.content.decode()
    assert "Send the chaser to Lately Police now?" in html
    assert f"To: {overdue.force.foi_email}" in html
    assert "Overdue FOI request" in html
    assert 'name="kind" value="chaser"' in html
    assert not overdue.correspondence.exists()
    assert mail.outbox == []


def test_it_sends_the_confirmed_step_once_however_often_it_is_pressed(client, caseworker, overdue):
    client = logged_in(client, caseworker)

    first = send(client, overdue)
    second = client.post(URL, {"request": overdue.pk, "kind": "chaser"}, follow=True)

    assert first.status_code == 302 and first.url == URL
    row = overdue.correspondence.get()
    assert (row.kind, row.state, row.created_by) == ("chaser", "sent", caseworker)
    assert [email.to for email in mail.outbox] == [[overdue.force.foi_email]]
    notices = [str(message) for message in second.context["messages"]]
    assert notices == [
        f"Chaser: sent to Lately Police ({overdue.force.foi_email}).",
        "Lately Police: the chaser was already taken; nothing was sent.",
    ]


def test_it_sends_the_next_step_early_when_staff_confirm_it(client, caseworker, overdue):
    client = logged_in(client, caseworker)
    send(client, overdue)

    page = client.get(URL, {"confirm": overdue.pk})
    send(client, overdue, kind="second_chaser")

    assert "Early: this step is not due until" in page.content.decode()
    assert sorted(overdue.correspondence.values_list("kind", flat=True)) == [
        "chaser",
        "second_chaser",
    ]


def test_it_drafts_and_warns_when_the_force_has_no_address(client, caseworker, campaign):
    foi_request = past_extension(ForceFactory(name="Addressless Police", foi_email=""), campaign)

    response = logged_in(client, caseworker).post(
        URL, {"request": foi_request.pk, "kind": "chaser"}, follow=True
    )

    assert [str(message) for message in response.context["messages"]] == [
        "Chaser: drafted for Addressless Police, not sent (see the flag in its correspondence)."
    ]
    assert foi_request.correspondence.get().state == "draft"
    assert "⚠ No FOI email address" in response.content.decode()


def test_it_needs_the_csrf_token(caseworker, overdue):
    client = Client(enforce_csrf_checks=True)
    client.force_login(caseworker)

    assert send(client, overdue).status_code == 403
    assert not overdue.correspondence.exists()


def test_it_opens_for_an_administrator(client, administrator, overdue):
    assert logged_in(client, administrator).get(URL).status_code == 200
