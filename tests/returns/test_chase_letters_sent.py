"""A request for internal review (or a complaint) is recorded on its request only once its letter
has really gone: the mail server took it, or staff sent the flagged draft themselves and marked
it sent, on its date (docs/deadlines.md: The chase ladder, "Asked for only once it has gone").
Over the real SMTP server scripts/test starts; a closed port stands for a server that refuses."""

import json
import socket
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db.models.fields.files import FieldFile
from django.urls import reverse
from django.utils import timezone

from returns import board, chasing, deadlines, rounds, stages
from returns.models import Correspondence, FOIRequest
from tests.factories import FOIRequestFactory, force

pytestmark = pytest.mark.django_db
ADDRESS = "foi@northumbria.police.uk"


def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens there once closed


def chased(*args) -> list[dict]:
    out = StringIO()
    call_command("chase_overdue", *args, "--json", stdout=out)
    return json.loads(out.getvalue())


def fresh(foi_request) -> FOIRequest:
    return FOIRequest.objects.select_related("force").get(pk=foi_request.pk)


def board_row(foi_request, today) -> board.BoardRow:
    rows = board.board_rows(foi_request.campaign, today)
    return next(row for row in rows if row.request.pk == foi_request.pk)


def review_reasons(foi_request) -> list[str]:
    reasons = fresh(foi_request).history.values_list("history_change_reason", flat=True)
    return [reason for reason in reasons if reason and "review" in reason.lower()]


def form_data(form) -> dict:
    """A change form's fields as a browser posts them (no file sent again)."""
    values = {name: form[name].value() for name in form.fields}
    return {
        name: value
        for name, value in values.items()
        if value is not None and not isinstance(value, FieldFile)
    }


@pytest.fixture
def long_overdue():
    """Received 150 days ago and never answered: the ladder's next step is the review."""
    northumbria = force("Northumbria Police")
    northumbria.foi_email = ADDRESS
    northumbria.save()
    received = timezone.localdate() - timedelta(days=150)
    return FOIRequestFactory(
        force=northumbria,
        received_on=received,
        sent_on=received,
        due_date=deadlines.due_date(received, "foia"),
    )


@pytest.fixture
def refused_review(long_overdue, smtp_server, settings):
    """The ladder took the review step today, but the mail server did not take its email."""
    real_port, settings.EMAIL_PORT = settings.EMAIL_PORT, closed_port()
    steps = chased()
    settings.EMAIL_PORT = real_port
    assert steps == [
        {
            "force": "Northumbria Police",
            "request": long_overdue.pk,
            "kind": "internal_review",
            "to": ADDRESS,
            "sent": False,
        }
    ]
    return long_overdue.correspondence.get(kind="internal_review")


def test_it_does_not_record_a_review_whose_email_the_mail_server_refused(
    refused_review, smtp_server, client, caseworker
):
    today = timezone.localdate()
    foi_request = fresh(refused_review.request)

    assert (refused_review.state, refused_review.date) == ("draft", today)
    assert refused_review.needs_attention.startswith("Sending failed (")
    assert smtp_server.messages() == []
    assert (foi_request.internal_review_requested_on, foi_request.internal_review_due_date) == (
        None,
        None,
    )
    assert stages.review_asked_on(foi_request) is None
    # The board: still overdue, never "In internal review".
    row = board_row(foi_request, today)
    assert row.stage == board.BoardStage.OVERDUE
    assert row.summary.startswith("Overdue") and "long overdue" in row.summary
    # The banner and the request page: long overdue, the letter flagged, no review date.
    client.force_login(caseworker)
    page = client.get(reverse("admin:returns_foirequest_change", args=[foi_request.pk])).text
    assert "<h2>Long overdue" in page and "In internal review" not in page
    assert "Sending failed (" in page
    assert 'name="internal_review_requested_on" value="' not in page
    # The history: no review was asked for.
    assert review_reasons(foi_request) == []
    # The draft keeps the step taken; with no review asked for, no complaint ever falls due.
    assert chased() == []
    assert chased("--today", str(today + timedelta(days=90))) == []


def test_it_records_the_review_on_the_day_staff_mark_its_draft_sent_by_hand(
    refused_review, smtp_server, client, caseworker
):
    today = timezone.localdate()
    sent_by_hand = today - timedelta(days=1)  # after the request's receipt
    client.force_login(caseworker)
    url = reverse("admin:returns_correspondence_change", args=[refused_review.pk])
    data = form_data(client.get(url).context["adminform"].form)

    response = client.post(
        url, {**data, "state": "sent", "date": sent_by_hand.isoformat()}, follow=True
    )

    foi_request = fresh(refused_review.request)
    review_due = stages.review_deadline(sent_by_hand, stages.Clock("foia"))
    assert foi_request.internal_review_requested_on == sent_by_hand
    assert foi_request.internal_review_due_date == review_due
    assert (
        "Northumbria Police: the internal review is recorded as asked for on "
        f"{sent_by_hand:%-d %b %Y}, due {review_due:%-d %b %Y}" in response.text
    )
    row = board_row(foi_request, today)
    assert row.stage == board.BoardStage.INTERNAL_REVIEW
    assert row.summary == f"In internal review, due on {review_due:%-d %b %Y}"
    latest = foi_request.history.first()
    assert latest.history_change_reason == (
        "Internal review asked for: its letter marked sent by hand"
    )
    assert latest.history_user == caseworker
    assert smtp_server.messages() == []  # marked sent: nothing emailed by the app
    # The complaint follows the review's own deadline, counted from the day it went.
    complaint_day = stages.Clock("foia").add(review_due, 1)
    assert chased("--today", str(complaint_day - timedelta(days=1))) == []
    assert [step["kind"] for step in chased("--today", str(complaint_day))] == ["commissioner"]
    complaint = foi_request.correspondence.get(kind="commissioner")
    assert f"We asked for an internal review on {sent_by_hand:%-d %B %Y}" in complaint.body


def test_it_records_a_review_the_mail_server_took_on_the_day_it_went(long_overdue, smtp_server):
    today = timezone.localdate()

    [step] = chased()

    assert (step["kind"], step["sent"]) == ("internal_review", True)
    assert smtp_server.one(ADDRESS, "Request for internal review")
    foi_request = fresh(long_overdue)
    assert foi_request.internal_review_requested_on == today
    assert board_row(foi_request, today).stage == board.BoardStage.INTERNAL_REVIEW
    assert review_reasons(foi_request) == ["Internal review asked for by the chasing ladder"]


def test_it_keeps_a_review_date_staff_recorded_themselves(refused_review):
    today = timezone.localdate()
    FOIRequest.objects.filter(pk=refused_review.request_id).update(
        internal_review_requested_on=today - timedelta(days=3)
    )
    Correspondence.objects.filter(pk=refused_review.pk).update(state="sent")
    refused_review.refresh_from_db()

    assert rounds.record_sent_by_hand(refused_review) is None
    assert fresh(refused_review.request).internal_review_requested_on == today - timedelta(days=3)


def test_it_records_the_complaint_filed_when_staff_mark_its_draft_sent(long_overdue, smtp_server):
    # A review went 60 days ago: its deadline has passed, so the complaint is drafted today.
    today = timezone.localdate()
    asked = today - timedelta(days=60)
    FOIRequest.objects.filter(pk=long_overdue.pk).update(internal_review_requested_on=asked)
    assert [step["kind"] for step in chased()] == ["commissioner"]
    complaint = long_overdue.correspondence.get(kind="commissioner")
    assert complaint.state == "draft" and fresh(long_overdue).commissioner_complaint_on is None
    assert board_row(long_overdue, today).stage == board.BoardStage.INTERNAL_REVIEW

    complaint.state, complaint.date = Correspondence.State.SENT, today - timedelta(days=1)
    complaint.save()
    recorded = rounds.record_sent_by_hand(complaint)

    assert recorded.commissioner_complaint_on == today - timedelta(days=1)
    row = board_row(long_overdue, today)
    assert row.stage == board.BoardStage.COMMISSIONER
    assert row.summary == f"With the Commissioner since {today - timedelta(days=1):%-d %b %Y}"
    assert fresh(long_overdue).history.first().history_change_reason == (
        "Complaint to the Commissioner filed: its letter marked sent by hand"
    )
    # Marked sent again (another edit of the letter): nothing moves.
    assert rounds.record_sent_by_hand(complaint) is None


def test_it_records_nothing_for_a_letter_still_a_draft(refused_review):
    assert chasing.record_letter_sent(refused_review) is None
    assert fresh(refused_review.request).internal_review_requested_on is None
