"""Where an FOI request stands today: its stage, due date, lateness and next chase step.

The one home of the request state rules. The request list and its deadline filter, the
overdue board, the chasing ladder and the commands all read them from here; for many requests
at once, `FOIRequest.objects` asks the same questions of the database (`awaiting_response()`,
`not_yet_due(today)`, `overdue(today)`, `long_overdue(today)`: returns/models.py).

A state is re-derived every day from the request's own dates, never stored. A request awaits
its response while sent (not stopped for a clarification), with a due date and no final
response, and not paused while a reply that may be the answer waits for staff: filed, its kind
to confirm, or in Unmatched replies (docs/deadlines.md: Chasing paused). It is overdue once
today is past its effective due date (the public-interest extension's date, if any), and long
overdue 20 of the force's working days after it; lateness is counted in the force's own
working days (returns/deadlines.py).

The chasing ladder, in the force's working days from the effective due date:

1. `chaser` on the first working day after the due date;
2. `second_chaser` 10 working days after it;
3. `internal_review` 20 working days after it (long overdue): FOIA Code of Practice (s.45)
   review, or a requirement for review under FOISA s.20; the request records the day it was
   asked for once the letter has gone (returns/chasing.py);
4. `commissioner` on the first working day after the review's own deadline (the regime's review
   working days after it was asked for, returns/regimes.py: 20 under FOISA s.21(1) and the s.45
   Code's expectation under FOIA), while the review is unanswered. Only a review really asked
   for has a deadline (`review_asked_on`: the ladder's request for review sent, or one staff
   recorded), so until then the complaint is not on the ladder at all: the Commissioner expects
   the force's review to come first (FOIA s.50(2)(a), FOISA s.47(1) after s.20).

Steps already taken since the request's date of receipt, or recorded by staff (an internal
review asked for, a complaint filed), are never due again; a request sent again after a
delivery failure has a new date of receipt, so is chased afresh. An answered review leaves what
follows to staff. Taking a step (once per date of receipt, by email) is returns/chasing.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from django.db import models

from returns import deadlines, regimes
from returns.models import (
    CHASE_KINDS,
    LONG_OVERDUE_DAYS,
    Correspondence,
    FOIRequest,
    NonWorkingDay,
)

CHASER = Correspondence.Kind.CHASER.value
SECOND_CHASER = Correspondence.Kind.SECOND_CHASER.value
INTERNAL_REVIEW = Correspondence.Kind.INTERNAL_REVIEW.value
COMMISSIONER = Correspondence.Kind.COMMISSIONER.value
LADDER = CHASE_KINDS  # the kinds the once-only constraint covers, in order

# Working days after the effective due date on which each of the first three steps falls.
DAYS_AFTER_DUE = {CHASER: 1, SECOND_CHASER: 10, INTERNAL_REVIEW: LONG_OVERDUE_DAYS}


class StageCode(models.TextChoices):
    NOT_SENT = "not_sent", "Not sent"
    CLOCK_STOPPED = "clarification", "Clarification requested (clock stopped)"
    NOT_DELIVERED = "not_delivered", "Not delivered (delivery failure)"
    REPLY_TO_CONFIRM = "reply_to_confirm", "Reply received: confirm its kind (chasing paused)"
    UNMATCHED_REPLY = (
        "unmatched_reply",
        "A reply from the force waits in Unmatched replies: file it or set it aside",
    )
    NO_DUE_DATE = "no_due_date", "Awaiting response, no date of receipt"
    NOT_YET_DUE = "not_yet_due", "Not yet due"
    OVERDUE = "overdue", "Overdue"
    LONG_OVERDUE = "long_overdue", "Long overdue"
    ANSWERED = "answered", "Final response received"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Step(NamedTuple):
    """A step of the chasing ladder and the day it falls due."""

    kind: str
    on: date

    @property
    def label(self):
        return Correspondence.Kind(self.kind).label


@dataclass(frozen=True)
class Stage:
    code: StageCode
    due: date | None  # the effective due date
    extended: bool  # `due` is the public-interest extension's date
    working_days_overdue: int
    next_step: Step | None  # the step a chase run would take today, else the next to fall due

    @property
    def label(self):
        return self.code.label

    @property
    def is_overdue(self):
        return self.code in (StageCode.OVERDUE, StageCode.LONG_OVERDUE)

    @property
    def is_long_overdue(self):
        return self.code == StageCode.LONG_OVERDUE


class Clock:
    """Working-day arithmetic for one regime, with the admin's extra non-working days."""

    def __init__(self, regime: str, extra_days=None):
        self.regime = regime
        self.law = regimes.get(regime)
        self.extra_days = NonWorkingDay.for_regime(regime) if extra_days is None else extra_days

    def add(self, start: date, working_days: int) -> date:
        return deadlines.due_date(start, self.regime, working_days, self.extra_days)

    def between(self, start: date, end: date) -> int:
        return deadlines.working_days_after(start, end, self.regime, self.extra_days)


# --- The stage --------------------------------------------------------------------------------


def stage_of(foi_request, today: date, clock: Clock | None = None) -> Stage:
    """Where `foi_request` stands on `today` (`clock`: its regime's, when several share one)."""
    due = foi_request.effective_due_date
    extended = foi_request.extended_due_date is not None
    if not is_awaiting_response(foi_request):
        return Stage(_resting_code(foi_request), due, extended, 0, None)
    clock = clock or Clock(foi_request.regime)
    late = working_days_overdue(foi_request, today, clock)
    if not is_overdue(foi_request, today):
        code = StageCode.NOT_YET_DUE
    elif late >= LONG_OVERDUE_DAYS:
        code = StageCode.LONG_OVERDUE
    else:
        code = StageCode.OVERDUE
    return Stage(code, due, extended, late, next_step(foi_request, today, clock))


def _resting_code(foi_request) -> StageCode:
    """The stage of a request that is not awaiting its response."""
    if foi_request.status == FOIRequest.Status.WITHDRAWN:
        return StageCode.WITHDRAWN
    if foi_request.has_final_response:
        return StageCode.ANSWERED
    if foi_request.status == FOIRequest.Status.NOT_SENT:
        return StageCode.NOT_SENT
    if foi_request.status == FOIRequest.Status.CLARIFICATION:
        return StageCode.CLOCK_STOPPED
    if foi_request.not_delivered_on:
        return StageCode.NOT_DELIVERED
    if has_reply_to_confirm(foi_request):
        return StageCode.REPLY_TO_CONFIRM
    if has_unmatched_reply(foi_request):
        return StageCode.UNMATCHED_REPLY
    return StageCode.NO_DUE_DATE


def is_awaiting_response(foi_request) -> bool:
    """Awaiting a final response against a due date: not paused for clarification, not
    undelivered, and no received reply that may end or stop the clock waiting for staff, filed
    under it or still in Unmatched replies."""
    return (
        foi_request.status in FOIRequest.AWAITING_STATUSES
        and not foi_request.has_final_response
        and foi_request.effective_due_date is not None
        and foi_request.not_delivered_on is None
        and not has_reply_to_confirm(foi_request)
        and not has_unmatched_reply(foi_request)
    )


def has_reply_to_confirm(foi_request) -> bool:
    """A received reply suggested as a final response, refusal, clarification or extension,
    not yet confirmed by staff (read from the prefetched correspondence when there is one)."""
    if foi_request.pk is None:
        return False
    return any(row.pauses_chasing for row in foi_request.correspondence.all())


def has_unmatched_reply(foi_request) -> bool:
    """An email that may be the force's answer waits in Unmatched replies (from one of the
    force's mail domains, or quoting the request's reference, written since it was sent:
    returns/replies/waiting.py). Read from the reading shared by a list's requests
    (`WaitingReplies.attach`) when there is one, else afresh."""
    if foi_request.pk is None or chased_from(foi_request) is None:
        return False
    # Imported here: matching, which the hold reuses, builds on messaging, which imports this.
    from returns.replies.waiting import WaitingReplies

    waiting = getattr(foi_request, "waiting_replies", None) or WaitingReplies.read()
    return waiting.holds(foi_request)


def chased_from(foi_request) -> date | None:
    """The day the request was sent (else its date of receipt): an email written before it
    cannot be its answer."""
    return foi_request.sent_on or foi_request.received_on


def is_overdue(foi_request, today: date) -> bool:
    """Past the effective due date, counted in calendar days (a weekend after it included)."""
    return is_awaiting_response(foi_request) and today > foi_request.effective_due_date


def working_days_overdue(foi_request, today: date, clock: Clock | None = None) -> int:
    """Working days past the effective due date (0 if not past it, or not awaiting a response)."""
    if not is_awaiting_response(foi_request):
        return 0
    clock = clock or Clock(foi_request.regime)
    return clock.between(foi_request.effective_due_date, today)


def is_long_overdue(foi_request, today: date, clock: Clock | None = None) -> bool:
    return working_days_overdue(foi_request, today, clock) >= LONG_OVERDUE_DAYS


# --- The chasing ladder's timing ------------------------------------------------------------


def schedule(foi_request, clock: Clock) -> list[Step]:
    """Every step the ladder holds for this request, with its date, lowest first: the complaint
    only once an internal review was really asked for (docs/deadlines.md: The chase ladder)."""
    due = foi_request.effective_due_date
    steps = [Step(kind, clock.add(due, days)) for kind, days in DAYS_AFTER_DUE.items()]
    asked_on = review_asked_on(foi_request)
    if asked_on is not None:
        steps.append(Step(COMMISSIONER, clock.add(review_deadline(asked_on, clock), 1)))
    return steps


def review_asked_on(foi_request) -> date | None:
    """The day an internal review was really asked for, else None (a review never asked for
    has no deadline): the day the ladder's request for review was sent (a draft, or one not
    confirmed sent, does not count until staff mark it sent), or else the day staff recorded
    asking for one themselves; either after the request's date of receipt."""
    logged = [row for row in _steps_logged(foi_request) if row.kind == INTERNAL_REVIEW]
    if not logged:
        recorded = foi_request.internal_review_requested_on
        return recorded if recorded and after_receipt(foi_request, recorded) else None
    return min((row.date for row in logged if row.state == Correspondence.State.SENT), default=None)


def chasers_sent(foi_request) -> list[date]:
    """The days the chasers were sent (drafts and unconfirmed ones left out), earliest first."""
    return sorted(
        row.date
        for row in _steps_logged(foi_request)
        if row.kind in (CHASER, SECOND_CHASER) and row.state == Correspondence.State.SENT
    )


def after_receipt(foi_request, day: date) -> bool:
    """`day` is after the request's date of receipt (or it has none). Chase steps, reviews and
    complaints dated on or before it chased a delivery that never arrived: the request was
    sent again since, and the ladder starts afresh (docs/deadlines.md: The chase ladder)."""
    received_on = foi_request.received_on
    return received_on is None or day > received_on


def _steps_logged(foi_request) -> list:
    """The chase steps in the correspondence that chase the request as it was last received."""
    return [
        row
        for row in foi_request.correspondence.all()
        if row.kind in LADDER and after_receipt(foi_request, row.date)
    ]


def review_deadline(review_asked_on: date, clock: Clock) -> date:
    return clock.add(review_asked_on, clock.law.review.working_days)


def steps_taken(foi_request) -> set[str]:
    """Chase kinds already logged, or done by staff by hand (recorded on the request), since
    the request's date of receipt."""
    taken = {row.kind for row in _steps_logged(foi_request)}
    recorded = {
        INTERNAL_REVIEW: foi_request.internal_review_requested_on,
        COMMISSIONER: foi_request.commissioner_complaint_on,
    }
    taken |= {kind for kind, day in recorded.items() if day and after_receipt(foi_request, day)}
    return taken


def pending_steps(foi_request, clock: Clock) -> list[Step]:
    """The steps above the most advanced one taken that may still be taken, lowest first."""
    if not is_awaiting_response(foi_request):
        return []
    taken = steps_taken(foi_request)
    highest = max((LADDER.index(kind) for kind in taken), default=-1)
    pending = [step for step in schedule(foi_request, clock) if LADDER.index(step.kind) > highest]
    if foi_request.internal_review_responded_on:
        # The review answered: what follows is for staff to judge, not for the ladder.
        pending = [step for step in pending if step.kind != COMMISSIONER]
    return pending


def step_due(foi_request, today: date, clock: Clock) -> Step | None:
    """The most advanced step that has fallen due and is not yet taken, if any."""
    due = [step for step in pending_steps(foi_request, clock) if step.on <= today]
    return due[-1] if due else None


def next_step(foi_request, today: date, clock: Clock | None = None) -> Step | None:
    """The step a run would take today, else the next one to fall due (a (kind, on) pair)."""
    clock = clock or Clock(foi_request.regime)
    return step_due(foi_request, today, clock) or next(
        iter(pending_steps(foi_request, clock)), None
    )
