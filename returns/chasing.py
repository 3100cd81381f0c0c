"""Chasing overdue forces: taking the ladder's steps, each once, by email.

When each step falls due is returns/stages.py (where a request stands); this module takes
them. A request's `commissioner` step drafts the complaint (FOIA s.50) or application (FOISA
s.47) for staff to file (never emailed to the Commissioner) and tells the force by email.

Once-only: each step is one Correspondence row of its kind, which a partial unique constraint
allows once for each date of receipt of the request (a request sent again after a delivery
failure is chased afresh; the earlier steps stay in the correspondence). A run takes the
request's row lock (skipping requests another run holds), re-reads what was already taken,
claims the step by inserting its row, and commits; only then is the email sent (see
returns.messaging: a step is never emailed twice, and one whose email did not go through stays
a flagged draft). Steps already taken, or recorded by staff (an internal review asked for, a
complaint filed), are never repeated. When several steps fell due while the task did not run,
only the most advanced is taken; the skipped lower ones are not logged, so the correspondence
shows only what the force was really sent.

The request records an internal review asked for, or a complaint filed, only once its letter
has really gone (`record_letter_sent`): emailed by the mail server, or a flagged draft that
staff sent themselves and marked sent (returns/rounds.py), on the letter's date. A draft alone
is not a review the force was asked for: no review deadline, board stage or history follows it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone

from returns import messaging
from returns.models import Correspondence, FOIRequest
from returns.replies.waiting import WaitingReplies
from returns.stages import (
    COMMISSIONER,
    INTERNAL_REVIEW,
    LADDER,
    Clock,
    Step,
    after_receipt,
    is_overdue,
    pending_steps,
    review_asked_on,
    review_deadline,
    step_due,
)

FILE_WITH_COMMISSIONER = "File this with {commissioner}, then record the date on the request."


@dataclass(frozen=True)
class StepTaken:
    force: str
    request: int
    kind: str
    to: str | None
    sent: bool

    def as_json(self) -> dict:
        return {
            "force": self.force,
            "request": self.request,
            "kind": self.kind,
            "to": self.to,
            "sent": self.sent,
        }


class NoStepToTake(Exception):
    """Why a step cannot be taken for this request now (shown to staff as is)."""


class ChaseFailed(Exception):
    """Some steps could not be drafted (nothing of theirs was recorded or sent); `taken` were."""

    def __init__(self, taken: list[StepTaken], failures: list[str]):
        self.taken, self.failures = taken, failures
        super().__init__(
            f"{len(failures)} step{'s' if len(failures) != 1 else ''} not taken, "
            f"the rest were: {'; '.join(failures)}"
        )


# --- Taking steps ---------------------------------------------------------------------------


def chase_overdue(today: date | None = None, dry_run: bool = False) -> list[StepTaken]:
    """Take the step due today for every overdue request (what the daily beat task runs)."""
    today = today or timezone.localdate()
    taken, failures = [], []
    waiting = WaitingReplies.read()  # Unmatched replies, read once for the run
    for request_id in overdue_request_ids(today):
        try:
            taken.append(take_step(request_id, today, dry_run=dry_run, waiting=waiting))
        except NoStepToTake:
            continue
        except messaging.MessageError as error:
            # One broken template must not stop the other forces' steps: report it at the end.
            failures.append(f"request {request_id}: {error}")
    if failures:
        raise ChaseFailed(taken, failures)
    return taken


def overdue_request_ids(today: date) -> list[int]:
    return list(
        FOIRequest.objects.overdue(today)
        .order_by("campaign_id", "force__name", "pk")
        .values_list("pk", flat=True)
    )


def take_step(
    request_id: int,
    today: date,
    *,
    user=None,
    early: bool = False,
    expected_kind: str | None = None,
    dry_run: bool = False,
    waiting: WaitingReplies | None = None,
) -> StepTaken:
    """Take the step due for one request, once; `early` lets staff take the next one sooner.

    `expected_kind` is the step staff confirmed: if another is chosen now (a double click, or
    the daily run got there first), nothing is taken. Raises NoStepToTake (with the reason)
    when there is no step to take, or another run holds the request. `waiting`: Unmatched
    replies as a run read them (else read now); one may hold the request (docs/deadlines.md).
    """
    with transaction.atomic(durable=not dry_run):
        foi_request = _lock(request_id)
        foi_request.waiting_replies = waiting or WaitingReplies.read()
        step = choose_step(foi_request, today, early=early)
        if expected_kind and step.kind != expected_kind:
            raise NoStepToTake(
                f"{foi_request.force}: the {Correspondence.Kind(expected_kind).label.lower()} "
                "was already taken; nothing was sent."
            )
        force = foi_request.force
        if dry_run:
            return StepTaken(force.name, foi_request.pk, step.kind, force.foi_email or None, False)
        messages = _claim(foi_request, step.kind, today, user)
    # Committed: the step is ours alone, so its email can go.
    sent = [messaging.deliver(message) for message in messages]
    for message, went in zip(messages, sent, strict=True):
        if went:
            record_letter_sent(message, user=user)
    to = messages[-1].address or None
    return StepTaken(force.name, foi_request.pk, step.kind, to, any(sent))


def choose_step(foi_request, today: date, *, early: bool = False, clock=None) -> Step:
    """`clock`: the regime's, when many requests share one (the campaign board)."""
    clock = clock or Clock(foi_request.regime)
    step = step_due(foi_request, today, clock)
    if step is None and early:
        step = _early_step(foi_request, today, clock)
    if step is None:
        raise NoStepToTake(f"{foi_request.force}: no chase step is due today.")
    return step


def _early_step(foi_request, today, clock):
    """Staff may send the next step before its day, once the request is overdue; never the
    complaint before the review deadline has passed, since it says the deadline passed."""
    upcoming = next(iter(pending_steps(foi_request, clock)), None)
    if upcoming is None or not is_overdue(foi_request, today) or upcoming.kind == COMMISSIONER:
        return None
    return upcoming


def _lock(request_id):
    rows = FOIRequest.objects.select_for_update(skip_locked=True, of=("self",))
    foi_request = (
        rows.select_related("force", "campaign")
        .prefetch_related("correspondence")
        .filter(pk=request_id)
        .first()
    )
    if foi_request is None:
        raise NoStepToTake("The request is gone, or another run is chasing it right now.")
    return foi_request


def _claim(foi_request, kind, today, user) -> list[Correspondence]:
    """Log the step's messages as drafts; the unique constraint refuses a second claim."""
    clock = Clock(foi_request.regime)
    try:
        with transaction.atomic():
            return _draft_step(foi_request, kind, today, user, clock)
    except IntegrityError:
        raise NoStepToTake(f"{foi_request.force}: this step was already taken.") from None


def _draft_step(foi_request, kind, today, user, clock):
    context = _step_context(foi_request, kind, today, clock)
    if kind != COMMISSIONER:
        return [_draft(foi_request, kind, kind, today, user, context)]
    complaint = _draft(
        foi_request,
        "commissioner_complaint",
        COMMISSIONER,
        today,
        user,
        context,
        address="",
        needs_attention=FILE_WITH_COMMISSIONER.format(commissioner=clock.law.commissioner.name),
    )
    notice = _draft(
        foi_request, "commissioner_notice", Correspondence.Kind.OTHER, today, user, context
    )
    return [complaint, notice]


def _step_context(foi_request, kind, today, clock):
    """The ladder's own dates for the templates, from what really happened: the review as the
    force was asked for it (today for the request being made now), the chasers really sent."""
    context = {"due_date": foi_request.effective_due_date}
    if kind in (INTERNAL_REVIEW, COMMISSIONER):
        # The complaint's step falls due only after a review really asked for (returns/stages.py).
        asked_on = today if kind == INTERNAL_REVIEW else review_asked_on(foi_request)
        context |= {
            "review_requested_on": asked_on,
            "review_due_date": review_deadline(asked_on, clock),
        }
    return context


def _draft(foi_request, template_key, kind, today, user, context, **options):
    if kind in LADDER:
        options["chases_receipt_of"] = foi_request.received_on
    return messaging.draft(
        foi_request, template_key, kind, today, user=user, extra_context=context, **options
    )


# --- Recording a letter that has gone -------------------------------------------------------

# The request's field each ladder letter records once it has gone, and the history's words.
RECORDED_WHEN_SENT = {
    INTERNAL_REVIEW: ("internal_review_requested_on", "Internal review asked for"),
    COMMISSIONER: ("commissioner_complaint_on", "Complaint to the Commissioner filed"),
}


def record_letter_sent(message, *, user=None, by_hand=False) -> FOIRequest | None:
    """A request for internal review or a complaint that has really gone (the mail server took
    it, or staff sent it and marked it sent: `by_hand`) recorded on its request, on the
    letter's date; unless the request already records one since its date of receipt (staff's
    own date stands), or the letter predates that (it chased an earlier delivery).

    The request when recorded, else None."""
    recorded = RECORDED_WHEN_SENT.get(message.kind)
    if recorded is None or not message.sent_by_us:
        return None
    field, what = recorded
    with transaction.atomic():
        foi_request = (
            FOIRequest.objects.select_for_update(of=("self",))
            .select_related("force")
            .get(pk=message.request_id)
        )
        already = getattr(foi_request, field)
        if not after_receipt(foi_request, message.date) or (
            already and after_receipt(foi_request, already)
        ):
            return None
        setattr(foi_request, field, message.date)
        how = ": its letter marked sent by hand" if by_hand else " by the chasing ladder"
        foi_request._change_reason = what + how
        if user is not None:
            foi_request._history_user = user
        foi_request.save()
    return foi_request


def preview_step(foi_request, today: date) -> tuple[Step, str | None, str, str] | None:
    """(step, to, subject, body) of what `take_step(..., early=True)` would send, or None."""
    try:
        step = choose_step(foi_request, today, early=True)
    except NoStepToTake:
        return None
    context = _step_context(foi_request, step.kind, today, Clock(foi_request.regime))
    template = "commissioner_notice" if step.kind == COMMISSIONER else step.kind
    subject, body = messaging.render(template, foi_request, on_date=today, **context)
    subject = messaging.with_references(subject, foi_request)
    return step, foi_request.force.foi_email or None, subject, body
