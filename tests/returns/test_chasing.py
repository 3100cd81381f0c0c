"""The chasing ladder: each step once, on the force's own working days, re-derived every day.

Dates counted by hand (received Mon 5 Jan 2026, due Mon 2 Feb 2026 under both regimes):
chaser Tue 3 Feb (due + 1); second chaser Mon 16 Feb (3-6 Feb 4, 9-13 Feb 9, 16 Feb 10);
internal review Mon 2 Mar (17-20 Feb 14, 23-27 Feb 19, 2 Mar 20). The review's deadline is
20 working days after 2 Mar: for an English force Tue 31 Mar, since St Patrick's Day (Tue 17 Mar,
a Northern Ireland bank holiday) is not a working day under FOIA s.10(6); for Police Scotland
Mon 30 Mar (FOISA s.73 counts Scottish bank holidays only). The complaint follows on the next
working day: Wed 1 Apr and Tue 31 Mar.
"""

import threading
from datetime import date, timedelta

import pytest
from django.core import mail
from django.db import connection

from returns import chasing, deadlines, stages
from returns.models import Correspondence, EmailTemplate, FOIRequest
from tests.factories import CampaignFactory, FOIRequestFactory, ForceFactory, force

D = date
RECEIVED = D(2026, 1, 5)
DUE = D(2026, 2, 2)


def awaiting(the_force, received_on=RECEIVED, email="foi@force.example", **fields):
    if email is not None:
        the_force.foi_email = email
        the_force.save()
    due = deadlines.due_date(received_on, the_force.regime)
    return FOIRequestFactory(force=the_force, received_on=received_on, due_date=due, **fields)


def run_daily(start, end):
    """Run the ladder every calendar day, as the beat does; [(day, kind)] of the steps taken."""
    taken, day = [], start
    while day <= end:
        taken += [(day, step.kind) for step in chasing.chase_overdue(today=day)]
        day += timedelta(days=1)
    return taken


def chase_rows(foi_request):
    return list(foi_request.correspondence.order_by("date", "pk").values_list("kind", "date"))


@pytest.mark.django_db
def test_it_takes_each_step_once_on_its_working_day_for_an_english_force():
    foi_request = awaiting(force("Northumbria Police"))

    taken = run_daily(RECEIVED, D(2026, 5, 29))

    assert taken == [
        (D(2026, 2, 3), "chaser"),
        (D(2026, 2, 16), "second_chaser"),
        (D(2026, 3, 2), "internal_review"),
        (D(2026, 4, 1), "commissioner"),
    ]
    foi_request.refresh_from_db()
    assert foi_request.internal_review_requested_on == D(2026, 3, 2)
    assert [email.to for email in mail.outbox] == [["foi@force.example"]] * 4
    assert "Information Commissioner" in mail.outbox[-1].body
    assert "section 45" in mail.outbox[2].body  # the FOIA Code of Practice review


@pytest.mark.django_db
def test_it_takes_each_step_once_for_police_scotland_with_foisa_wording():
    foi_request = awaiting(force("Police Scotland"))

    taken = run_daily(RECEIVED, D(2026, 5, 29))

    assert taken == [
        (D(2026, 2, 3), "chaser"),
        (D(2026, 2, 16), "second_chaser"),
        (D(2026, 3, 2), "internal_review"),
        (D(2026, 3, 31), "commissioner"),
    ]
    review = foi_request.correspondence.get(kind="internal_review")
    assert "section 20(1) of the Freedom of Information (Scotland) Act 2002" in review.body
    assert "by 30 March 2026" in review.body
    complaint = foi_request.correspondence.get(kind="commissioner")
    assert complaint.subject.startswith("Application to the Scottish Information Commissioner")
    assert "section 47(1)" in complaint.body


@pytest.mark.django_db
def test_it_drafts_the_complaint_for_staff_and_tells_the_force():
    foi_request = awaiting(force("Northumbria Police"))
    run_daily(RECEIVED, D(2026, 4, 1))

    complaint = foi_request.correspondence.get(kind="commissioner")
    notice = foi_request.correspondence.get(kind="other")

    assert (complaint.state, complaint.address, complaint.date) == ("draft", "", D(2026, 4, 1))
    assert complaint.needs_attention.startswith("File this with the Information Commissioner")
    assert "2 March 2026" in complaint.body and "31 March 2026" in complaint.body
    assert (notice.state, notice.address, notice.needs_attention) == (
        "sent",
        "foi@force.example",
        "",
    )
    assert mail.outbox[-1].subject == notice.subject
    assert not any("ico" in address.lower() for email in mail.outbox for address in email.to)


@pytest.mark.django_db
def test_it_takes_only_the_most_advanced_step_after_days_without_a_run():
    foi_request = awaiting(force("Northumbria Police"))
    fifteen_working_days_late = D(2026, 2, 23)  # 3-6 Feb 4, 9-13 Feb 9, 16-20 Feb 14, 23 Feb 15

    first = chasing.chase_overdue(today=fifteen_working_days_late)
    next_day = chasing.chase_overdue(today=fifteen_working_days_late + timedelta(days=1))

    assert [step.kind for step in first] == ["second_chaser"]
    assert next_day == []
    assert chase_rows(foi_request) == [("second_chaser", fifteen_working_days_late)]
    assert len(mail.outbox) == 1
    assert run_daily(D(2026, 2, 25), D(2026, 3, 2)) == [(D(2026, 3, 2), "internal_review")]


@pytest.mark.django_db
def test_it_claims_no_earlier_reminder_in_a_second_chaser_that_came_first():
    chased = awaiting(force("Police Scotland"))
    chasing.chase_overdue(today=D(2026, 2, 3))
    skipped = awaiting(force("Northumbria Police"))  # logged after the chasers' day

    chasing.chase_overdue(today=D(2026, 2, 16))

    alone = skipped.correspondence.get(kind="second_chaser")
    assert "reminder" not in (alone.subject + alone.body).lower()
    assert alone.subject.startswith("Overdue FOI request, 10 working days late")
    after = chased.correspondence.get(kind="second_chaser")
    assert "A reminder was sent on 3 February 2026." in after.body


@pytest.mark.django_db
def test_it_asks_for_the_review_first_when_every_step_fell_due_unrun():
    # No review was ever asked for, so none has a deadline: the most advanced step due is the
    # review, asked for on Wed 1 Apr. Its deadline: 2 Apr 1, [3 Apr Good Friday, 6 Apr Easter
    # Monday], 7-10 Apr 5, 13-17 Apr 10, 20-24 Apr 15, 27 Apr-1 May 20 -> Fri 1 May; the
    # complaint follows on the next working day, Tue 5 May (4 May a bank holiday).
    foi_request = awaiting(force("Northumbria Police"))

    taken = chasing.chase_overdue(today=D(2026, 4, 1))

    assert [step.kind for step in taken] == ["internal_review"]
    assert chase_rows(foi_request) == [("internal_review", D(2026, 4, 1))]
    assert "by 1 May 2026" in foi_request.correspondence.get(kind="internal_review").body
    assert run_daily(D(2026, 4, 2), D(2026, 5, 29)) == [(D(2026, 5, 5), "commissioner")]


@pytest.mark.django_db
def test_it_never_jumps_to_the_commissioner_over_a_review_never_asked_for():
    foi_request = awaiting(force("Police Scotland"), received_on=D(2025, 6, 2))

    assert stages.next_step(foi_request, D(2026, 4, 1)).kind == "internal_review"
    assert [step.kind for step in chasing.chase_overdue(today=D(2026, 4, 1))] == ["internal_review"]
    assert not foi_request.correspondence.filter(kind="commissioner").exists()


@pytest.mark.django_db
def test_it_says_only_what_happened_in_the_complaint_after_a_review_with_no_chasers():
    foi_request = awaiting(force("Northumbria Police"))
    chasing.chase_overdue(today=D(2026, 4, 1))

    chasing.chase_overdue(today=D(2026, 5, 5))

    complaint = foi_request.correspondence.get(kind="commissioner")
    notice = foi_request.correspondence.get(kind="other")
    assert "We asked for an internal review on 1 April 2026, due by 1 May 2026" in complaint.body
    for letter in (complaint.body, notice.body):
        assert "chaser" not in letter.lower() and "reminder" not in letter.lower()


@pytest.mark.django_db
def test_it_names_the_chasers_really_sent_in_the_complaint():
    foi_request = awaiting(force("Northumbria Police"))

    run_daily(RECEIVED, D(2026, 4, 1))

    complaint = foi_request.correspondence.get(kind="commissioner")
    assert "Reminders were sent on 3 February 2026 and 16 February 2026." in complaint.body
    assert "We asked for an internal review on 2 March 2026, due by 31 March 2026" in (
        complaint.body
    )


@pytest.mark.django_db
def test_it_counts_the_review_from_the_day_it_really_went_not_from_its_draft():
    # No FOI address: the review is drafted and flagged, not sent, so it has no deadline yet.
    foi_request = awaiting(ForceFactory(foi_email=""), email=None)
    chasing.chase_overdue(today=D(2026, 3, 2))

    assert run_daily(D(2026, 3, 3), D(2026, 5, 29)) == []

    # Staff send it by hand on Mon 1 Jun and mark it sent: 20 working days -> Tue 30 Jun (15 Jun
    # a Scottish bank holiday, so not a FOIA working day); the complaint on Wed 1 Jul.
    foi_request.correspondence.filter(kind="internal_review").update(
        state="sent", date=D(2026, 6, 1)
    )
    assert run_daily(D(2026, 6, 1), D(2026, 7, 31)) == [(D(2026, 7, 1), "commissioner")]
    complaint = foi_request.correspondence.get(kind="commissioner")
    assert "We asked for an internal review on 1 June 2026, due by 30 June 2026" in complaint.body


@pytest.mark.django_db
def test_it_drafts_and_flags_a_step_for_a_force_with_no_address_once():
    foi_request = awaiting(ForceFactory(foi_email=""), email=None)

    first = chasing.chase_overdue(today=D(2026, 2, 3))
    again = chasing.chase_overdue(today=D(2026, 2, 3))

    assert [step.as_json() for step in first] == [
        {
            "force": foi_request.force.name,
            "request": foi_request.pk,
            "kind": "chaser",
            "to": None,
            "sent": False,
        }
    ]
    assert again == []
    row = foi_request.correspondence.get()
    assert (row.kind, row.state) == ("chaser", "draft")
    assert row.needs_attention.startswith("No FOI email address")
    assert mail.outbox == []


@pytest.mark.django_db
def test_it_changes_nothing_on_a_dry_run():
    foi_request = awaiting(force("Northumbria Police"))
    history_before = foi_request.history.count()

    steps = chasing.chase_overdue(today=D(2026, 3, 2), dry_run=True)

    assert [step.as_json() for step in steps] == [
        {
            "force": "Northumbria Police",
            "request": foi_request.pk,
            "kind": "internal_review",
            "to": "foi@force.example",
            "sent": False,
        }
    ]
    foi_request.refresh_from_db()
    assert foi_request.internal_review_requested_on is None
    assert foi_request.history.count() == history_before
    assert Correspondence.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.django_db
def test_it_stops_the_ladder_at_the_final_response():
    foi_request = awaiting(force("Northumbria Police"))
    run_daily(RECEIVED, D(2026, 2, 10))
    foi_request.status = FOIRequest.Status.ANSWERED
    foi_request.responded_on = D(2026, 2, 11)
    foi_request.save()

    assert run_daily(D(2026, 2, 11), D(2026, 5, 29)) == []
    assert [kind for kind, _ in chase_rows(foi_request)] == ["chaser"]


@pytest.mark.django_db
def test_it_counts_from_the_extended_due_date():
    # Extension to Mon 2 Mar 2026: chaser Tue 3 Mar; second chaser 3-6 Mar 4, 9-13 Mar 9,
    # 16 Mar 10 (St Patrick's Day, 17 Mar, not reached).
    foi_request = awaiting(
        force("Northumbria Police"),
        status=FOIRequest.Status.EXTENDED,
        extension_notice_on=D(2026, 1, 30),
        extended_due_date=D(2026, 3, 2),
    )

    taken = run_daily(RECEIVED, D(2026, 3, 16))

    assert taken == [(D(2026, 3, 3), "chaser"), (D(2026, 3, 16), "second_chaser")]
    assert "2 March 2026" in foi_request.correspondence.get(kind="chaser").body


@pytest.mark.django_db
def test_it_moves_the_later_steps_when_an_extension_arrives_after_the_chaser():
    foi_request = awaiting(force("Northumbria Police"))
    run_daily(RECEIVED, D(2026, 2, 3))
    foi_request.status = FOIRequest.Status.EXTENDED
    foi_request.extended_due_date = D(2026, 3, 2)
    foi_request.save()

    assert run_daily(D(2026, 2, 4), D(2026, 3, 16)) == [(D(2026, 3, 16), "second_chaser")]


@pytest.mark.django_db
def test_it_does_not_chase_while_waiting_for_clarification():
    awaiting(force("Northumbria Police"), status=FOIRequest.Status.CLARIFICATION)

    assert run_daily(D(2026, 2, 1), D(2026, 4, 30)) == []


@pytest.mark.django_db
def test_it_leaves_a_review_asked_for_by_staff_and_counts_the_complaint_from_it():
    # Staff asked on Mon 23 Feb: 24-27 Feb 4, 2-6 Mar 9, 9-13 Mar 14, 16 Mar 15, [17 Mar],
    # 18-20 Mar 18, 23-24 Mar 20 -> deadline Tue 24 Mar; complaint Wed 25 Mar.
    foi_request = awaiting(force("Northumbria Police"))
    run_daily(RECEIVED, D(2026, 2, 22))
    foi_request.internal_review_requested_on = D(2026, 2, 23)
    foi_request.save()

    assert run_daily(D(2026, 2, 23), D(2026, 5, 29)) == [(D(2026, 3, 25), "commissioner")]


@pytest.mark.django_db
def test_it_leaves_an_answered_review_to_staff():
    foi_request = awaiting(force("Northumbria Police"))
    run_daily(RECEIVED, D(2026, 3, 2))
    foi_request.internal_review_responded_on = D(2026, 3, 20)
    foi_request.save()

    assert run_daily(D(2026, 3, 3), D(2026, 5, 29)) == []


@pytest.mark.django_db
def test_it_tells_the_board_how_late_a_request_is_and_what_comes_next():
    foi_request = awaiting(force("Northumbria Police"))

    assert stages.next_step(foi_request, D(2026, 1, 20)) == ("chaser", D(2026, 2, 3))
    assert not stages.is_overdue(foi_request, DUE)
    assert stages.is_overdue(foi_request, D(2026, 2, 3))
    assert stages.working_days_overdue(foi_request, D(2026, 2, 23)) == 15
    assert stages.next_step(foi_request, D(2026, 2, 23)) == ("second_chaser", D(2026, 2, 16))
    assert not stages.is_long_overdue(foi_request, D(2026, 2, 27))  # 19 working days
    assert stages.is_long_overdue(foi_request, D(2026, 3, 2))  # 20


@pytest.mark.django_db
def test_it_lets_staff_send_the_next_step_early_but_never_the_complaint():
    foi_request = awaiting(force("Northumbria Police"))
    run_daily(RECEIVED, D(2026, 2, 3))

    with pytest.raises(chasing.NoStepToTake):
        chasing.take_step(foi_request.pk, D(2026, 2, 4))
    early = chasing.take_step(foi_request.pk, D(2026, 2, 4), early=True)
    review = chasing.take_step(foi_request.pk, D(2026, 2, 5), early=True)

    assert (early.kind, early.sent, review.kind) == ("second_chaser", True, "internal_review")
    foi_request.refresh_from_db()
    assert foi_request.internal_review_requested_on == D(2026, 2, 5)
    with pytest.raises(chasing.NoStepToTake):
        chasing.take_step(foi_request.pk, D(2026, 2, 6), early=True)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_it_takes_each_step_once_when_two_runs_race():
    campaign = CampaignFactory()
    requests = [awaiting(ForceFactory(), campaign=campaign) for _ in range(12)]
    start = threading.Barrier(2)
    results, errors = [], []

    def run():
        try:
            start.wait()
            results.append(chasing.chase_overdue(today=D(2026, 2, 3)))
        except Exception as error:  # surfaced below: a thread's exception is otherwise lost
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    taken = sorted(step.request for run_steps in results for step in run_steps)
    assert taken == sorted(foi_request.pk for foi_request in requests)
    assert Correspondence.objects.filter(kind="chaser").count() == 12
    assert len(mail.outbox) == 12


@pytest.mark.django_db
def test_it_chases_the_other_forces_when_one_template_is_broken():
    english = awaiting(force("Northumbria Police"))
    scottish = awaiting(force("Police Scotland"))
    EmailTemplate.objects.filter(key="chaser", regime="foisa").update(body="{% if %}")

    with pytest.raises(chasing.ChaseFailed, match=f"request {scottish.pk}: The body") as failed:
        chasing.chase_overdue(today=D(2026, 2, 3))

    assert [step.request for step in failed.value.taken] == [english.pk]
    assert not scottish.correspondence.exists()
    assert len(mail.outbox) == 1
