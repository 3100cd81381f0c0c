"""A request sent again after a delivery failure is chased afresh from its new date of receipt:
the ladder counts only the steps taken after it; the earlier letters stay in the correspondence
and the history. A clarification does not move the date of receipt, so its earlier steps stay
taken (docs/deadlines.md: Clarification, The chase ladder). Over the real SMTP server."""

import importlib
import json
from datetime import date, timedelta
from io import StringIO

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from returns import board, chasing, deadlines, rounds, stages
from returns.models import Correspondence, FOIRequest
from tests.factories import FOIRequestFactory, force

pytestmark = pytest.mark.django_db
D = date
DEAD = "foi@gwent-old.example"
FIXED = "freedomofinformation@gwent.police.uk"
CLOCK = stages.Clock("foia", extra_days={})  # FOIA working days, no extra non-working day
migration = importlib.import_module("returns.migrations.0019_chase_steps_per_receipt")


def chased(today) -> list[dict]:
    out = StringIO()
    call_command("chase_overdue", "--today", str(today), "--json", stdout=out)
    return json.loads(out.getvalue())


def fresh(foi_request) -> FOIRequest:
    return FOIRequest.objects.select_related("force").get(pk=foi_request.pk)


def gwent_request(received_on):
    gwent = force("Gwent Police")
    gwent.foi_email = DEAD
    gwent.save()
    return FOIRequestFactory(
        force=gwent,
        received_on=received_on,
        sent_on=received_on,
        due_date=deadlines.due_date(received_on, "foia"),
    )


def bounce_and_fix(foi_request, bounced_on):
    """The delivery failure comes back; staff correct the force's address."""
    FOIRequest.objects.filter(pk=foi_request.pk).update(not_delivered_on=bounced_on)
    foi_request.force.foi_email = FIXED
    foi_request.force.save()


@pytest.fixture
def resent(smtp_server):
    """Received Mon 5 Jan 2026 at an address that no longer works, chased all the way to the
    review (3 Feb, 16 Feb, 2 Mar 2026), then bounced, corrected and sent again on Wed 4 Mar."""
    foi_request = gwent_request(D(2026, 1, 5))
    for day in (D(2026, 2, 3), D(2026, 2, 16), D(2026, 3, 2)):
        chasing.chase_overdue(today=day)
    assert fresh(foi_request).internal_review_requested_on == D(2026, 3, 2)
    bounce_and_fix(foi_request, D(2026, 3, 2))
    assert rounds.send_again(foi_request.pk, D(2026, 3, 4)).sent
    return fresh(foi_request)


def test_it_chases_a_resent_request_again_from_the_first_chaser(resent, smtp_server):
    # Received Wed 4 Mar: 20 working days (St Patrick's Day skipped) -> Thu 2 Apr; the chaser
    # on the next working day, Tue 7 Apr (Good Friday and Easter Monday skipped).
    due = deadlines.due_date(D(2026, 3, 4), "foia")
    assert (resent.received_on, due, CLOCK.add(due, 1)) == (
        D(2026, 3, 4),
        D(2026, 4, 2),
        D(2026, 4, 7),
    )
    assert stages.next_step(resent, D(2026, 3, 5)) == ("chaser", D(2026, 4, 7))
    assert stages.steps_taken(resent) == set()

    assert chased(D(2026, 4, 2)) == []
    assert chased(D(2026, 4, 7)) == [
        {
            "force": "Gwent Police",
            "request": resent.pk,
            "kind": "chaser",
            "to": FIXED,
            "sent": True,
        }
    ]
    assert chased(D(2026, 4, 7)) == []

    chaser = smtp_server.one(FIXED, "Overdue FOI request")
    assert "received on 4 March 2026" in chaser.get_content()
    assert "due for a reply by 2 April 2026" in chaser.get_content()


def test_it_names_only_the_chasers_sent_since_the_resend_in_later_letters(resent, smtp_server):
    chased(D(2026, 4, 7))
    second_day = CLOCK.add(D(2026, 4, 2), 10)

    assert [step["kind"] for step in chased(second_day)] == ["second_chaser"]

    letter = fresh(resent).correspondence.filter(kind="second_chaser").latest("date")
    assert letter.date == second_day and letter.address == FIXED
    assert "A reminder was sent on 7 April 2026." in letter.body
    assert "February" not in letter.body


def test_it_keeps_the_earlier_letters_and_history(resent):
    rows = list(
        resent.correspondence.filter(kind__in=stages.LADDER)
        .order_by("date")
        .values_list("kind", "date", "address", "chases_receipt_of")
    )

    chased(D(2026, 4, 7))

    kept = list(
        resent.correspondence.filter(kind__in=stages.LADDER, date__lt=D(2026, 3, 4))
        .order_by("date")
        .values_list("kind", "date", "address", "chases_receipt_of")
    )
    assert (
        kept
        == rows
        == [
            ("chaser", D(2026, 2, 3), DEAD, D(2026, 1, 5)),
            ("second_chaser", D(2026, 2, 16), DEAD, D(2026, 1, 5)),
            ("internal_review", D(2026, 3, 2), DEAD, D(2026, 1, 5)),
        ]
    )
    new = resent.correspondence.get(kind="chaser", date=D(2026, 4, 7))
    assert new.chases_receipt_of == D(2026, 3, 4)
    reasons = list(fresh(resent).history.values_list("history_change_reason", flat=True))
    assert "Internal review asked for by the chasing ladder" in reasons
    assert "Request sent again after a delivery failure" in reasons


def test_it_does_not_show_a_review_asked_for_before_the_resend_on_the_board(resent):
    # The old review (to the dead address) is kept on the request, but is not this delivery's.
    assert resent.internal_review_requested_on == D(2026, 3, 2)
    [row] = board.board_rows(resent.campaign, D(2026, 3, 5))
    assert row.stage == board.BoardStage.DUE
    assert stages.review_asked_on(resent) is None


def test_it_goes_up_the_whole_ladder_again_after_the_resend(resent):
    # Only the most advanced step due is taken: run daily, as the beat does.
    taken, day = [], D(2026, 3, 4)
    while day <= D(2026, 7, 31):
        taken += [(day, step.kind) for step in chasing.chase_overdue(today=day)]
        day += timedelta(days=1)

    due = D(2026, 4, 2)
    review_day = CLOCK.add(due, 20)
    assert taken == [
        (CLOCK.add(due, 1), "chaser"),
        (CLOCK.add(due, 10), "second_chaser"),
        (review_day, "internal_review"),
        (CLOCK.add(stages.review_deadline(review_day, CLOCK), 1), "commissioner"),
    ]
    assert fresh(resent).internal_review_requested_on == review_day


def test_it_chases_a_request_sent_again_from_its_page_from_the_first_chaser(
    client, caseworker, smtp_server
):
    today = timezone.localdate()
    foi_request = gwent_request(today - timedelta(days=60))
    old_due = foi_request.due_date
    assert [step.kind for step in chasing.chase_overdue(today=CLOCK.add(old_due, 1))] == ["chaser"]
    bounce_and_fix(foi_request, CLOCK.add(old_due, 2))
    client.force_login(caseworker)

    client.post(
        reverse("admin:returns_foirequest_send_again", args=[foi_request.pk]), {"confirm": "on"}
    )

    foi_request = fresh(foi_request)
    assert foi_request.received_on == today
    chaser_day = CLOCK.add(foi_request.due_date, 1)
    assert stages.next_step(foi_request, today) == ("chaser", chaser_day)
    assert chased(chaser_day - timedelta(days=1)) == []
    assert [(step["kind"], step["to"], step["sent"]) for step in chased(chaser_day)] == [
        ("chaser", FIXED, True)
    ]
    assert foi_request.correspondence.filter(kind="chaser").count() == 2


def test_it_goes_on_from_the_next_step_after_a_clarification(smtp_server):
    # Chased on Tue 3 Feb 2026, then the force asks for clarification; our answer reaches it
    # on Mon 9 Feb, the new start of its 20 working days: due Mon 9 Mar. The chaser stays
    # taken: the next step is the second chaser, 10 working days after the new due date.
    foi_request = gwent_request(D(2026, 1, 5))
    chasing.chase_overdue(today=D(2026, 2, 3))
    FOIRequest.objects.filter(pk=foi_request.pk).update(
        status=FOIRequest.Status.CLARIFICATION, clarification_requested_on=D(2026, 2, 4)
    )
    rounds.answer_clarification(foi_request.pk, "The flag.", D(2026, 2, 9), send=False)

    foi_request = fresh(foi_request)
    assert foi_request.due_date == D(2026, 3, 9)
    assert stages.next_step(foi_request, D(2026, 2, 10)) == (
        "second_chaser",
        CLOCK.add(D(2026, 3, 9), 10),
    )
    assert chased(CLOCK.add(D(2026, 3, 9), 1)) == []
    assert [step["kind"] for step in chased(CLOCK.add(D(2026, 3, 9), 10))] == ["second_chaser"]
    assert Correspondence.objects.filter(kind="chaser").count() == 1


def test_it_counts_a_day_after_the_date_of_receipt_only():
    received = FOIRequest(received_on=D(2026, 3, 4))

    assert not stages.after_receipt(received, D(2026, 3, 2))
    assert not stages.after_receipt(received, D(2026, 3, 4))  # the morning's run, then resent
    assert stages.after_receipt(received, D(2026, 3, 5))
    assert stages.after_receipt(FOIRequest(received_on=None), D(2000, 1, 1))


def test_it_marks_the_steps_already_logged_with_the_receipt_they_chased():
    foi_request = gwent_request(D(2026, 3, 4))
    before, after = (
        Correspondence.objects.create(
            request=foi_request, direction="out", kind=kind, date=day, chases_receipt_of=None
        )
        for kind, day in (("chaser", D(2026, 2, 3)), ("second_chaser", D(2026, 4, 20)))
    )

    migration.mark_steps(django_apps, None)

    before.refresh_from_db()
    after.refresh_from_db()
    assert (before.chases_receipt_of, after.chases_receipt_of) == (None, D(2026, 3, 4))
