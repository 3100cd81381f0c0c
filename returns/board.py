"""The campaign board: where each force asked stands in the round, at a glance.

One row per request, in one board stage: the request's own state (returns/stages.py: sent,
due, overdue ...), what staff have escalated (internal review, the Commissioner), and what the
round has made of the reply (figures imported, verified). The state rules stay in stages.py;
this adds only the order in which the board reads them.

Built from a fixed number of queries whatever the number of forces: the requests with their
figure counts, their correspondence, the emails waiting in Unmatched replies (which may hold a
request's chasing) and the extra non-working days (one clock per regime).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db import models
from django.db.models import Count, Q

from returns import chasing, regimes, stages
from returns.dates import en_gb
from returns.models import Correspondence, FOIRequest, NonWorkingDay
from returns.replies.waiting import WaitingReplies


class BoardStage(models.TextChoices):
    """In the order a request moves through the round."""

    NOT_SENT = "not_sent", "Not sent"
    DRAFT = "draft", "Draft to send by hand"
    SENT = "sent", "Sent"
    NOT_DELIVERED = "not_delivered", "Not delivered"
    CLARIFICATION = "clarification", "Clarification (clock stopped)"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    DUE = "due", "Due"
    OVERDUE = "overdue", "Overdue"
    INTERNAL_REVIEW = "internal_review", "In internal review"
    COMMISSIONER = "commissioner", "With the Commissioner"
    UNMATCHED_REPLY = "unmatched_reply", "Reply in Unmatched replies"
    REPLY_TO_CONFIRM = "reply_to_confirm", "Reply to confirm"
    WITHDRAWN = "withdrawn", "Withdrawn"
    ANSWERED = "answered", "Answered"
    IMPORTED = "imported", "Figures imported"
    VERIFIED = "verified", "Figures verified"


# The request's own stage (returns/stages.py), once review, complaint and figures are ruled out.
_BY_REQUEST_STAGE = {
    stages.StageCode.NOT_SENT: BoardStage.NOT_SENT,
    stages.StageCode.CLOCK_STOPPED: BoardStage.CLARIFICATION,
    stages.StageCode.NOT_DELIVERED: BoardStage.NOT_DELIVERED,
    stages.StageCode.REPLY_TO_CONFIRM: BoardStage.REPLY_TO_CONFIRM,
    stages.StageCode.UNMATCHED_REPLY: BoardStage.UNMATCHED_REPLY,
    stages.StageCode.NO_DUE_DATE: BoardStage.SENT,
    stages.StageCode.NOT_YET_DUE: BoardStage.DUE,
    stages.StageCode.OVERDUE: BoardStage.OVERDUE,
    stages.StageCode.LONG_OVERDUE: BoardStage.OVERDUE,
    stages.StageCode.ANSWERED: BoardStage.ANSWERED,
    stages.StageCode.WITHDRAWN: BoardStage.WITHDRAWN,
}


@dataclass(frozen=True)
class BoardRow:
    request: FOIRequest
    stage: BoardStage
    state: stages.Stage  # due date, working days overdue, next chase step
    figures: int
    verified: int
    flags: tuple[str, ...]  # why staff must act by hand on its correspondence
    chase: stages.Step | None  # the step a caseworker may send now from the overdue board

    @property
    def unverified(self):
        return self.figures - self.verified

    @property
    def summary(self):
        """The stage in words: "Due on 23 Nov 2026", "Overdue 3 working days" ..."""
        return describe(self)

    @property
    def may_import(self):
        """A final response has come: its table may be imported (again, until verified)."""
        answered = self.request.responded_on or self.request.status == FOIRequest.Status.ANSWERED
        return bool(answered) and self.stage != BoardStage.VERIFIED


def board_stage(foi_request, state: stages.Stage, figures: int, verified: int) -> BoardStage:
    """The one stage a request shows on the board, furthest along the round first."""
    if figures:
        return BoardStage.VERIFIED if verified == figures else BoardStage.IMPORTED
    if state.code in (stages.StageCode.REPLY_TO_CONFIRM, stages.StageCode.UNMATCHED_REPLY):
        return _BY_REQUEST_STAGE[state.code]  # whatever it is in, a reply waits to be read
    if foi_request.commissioner_complaint_on and not foi_request.commissioner_decision_on:
        return BoardStage.COMMISSIONER  # the Commissioner's case runs until decided
    review = foi_request.internal_review_requested_on
    if (
        review
        and stages.after_receipt(foi_request, review)  # not one before the request was resent
        and not foi_request.internal_review_responded_on
        and not _answered_since(foi_request, review)
    ):
        return BoardStage.INTERNAL_REVIEW
    stage = _BY_REQUEST_STAGE[state.code]
    if stage == BoardStage.NOT_SENT and _draft_to_send_by_hand(foi_request):
        return BoardStage.DRAFT
    if stage in (BoardStage.SENT, BoardStage.DUE) and _acknowledged(foi_request):
        return BoardStage.ACKNOWLEDGED
    return stage


def _acknowledged(foi_request) -> bool:
    """The force has given its own reference, or acknowledged the request without one (a
    standing acknowledgement from its FOI in-box)."""
    return bool(foi_request.reference) or any(
        letter.direction == Correspondence.Direction.IN
        and letter.kind == Correspondence.Kind.ACKNOWLEDGEMENT
        for letter in foi_request.correspondence.all()
    )


def _answered_since(foi_request, day) -> bool:
    """The final response came on or after `day`: a review of the force's silence (the chase
    ladder's) is answered by it, so the request reads as answered."""
    return foi_request.responded_on is not None and foi_request.responded_on >= day


def _draft_to_send_by_hand(foi_request) -> bool:
    return any(
        letter.kind == Correspondence.Kind.REQUEST
        and letter.state == Correspondence.State.DRAFT
        and letter.needs_attention
        for letter in foi_request.correspondence.all()
    )


def describe(row: BoardRow) -> str:
    foi_request, state = row.request, row.state
    due = f"due on {en_gb(state.due)}" if state.due else "no date of receipt yet"
    if state.extended:
        due += " (extended)"
    match row.stage:
        case BoardStage.SENT:
            return f"Sent on {en_gb(foi_request.sent_on)}" if foi_request.sent_on else "Sent"
        case BoardStage.ACKNOWLEDGED:
            return f"Acknowledged, {due}"
        case BoardStage.DUE:
            return due[0].upper() + due[1:]
        case BoardStage.OVERDUE:
            days = state.working_days_overdue
            late = f"Overdue {days:,} working day{'' if days == 1 else 's'}"
            return f"{late} (long overdue)" if state.is_long_overdue else late
        case BoardStage.INTERNAL_REVIEW:
            review_due = foi_request.internal_review_due_date
            return "In internal review" + (f", due on {en_gb(review_due)}" if review_due else "")
        case BoardStage.NOT_DELIVERED:
            bounced = en_gb(foi_request.not_delivered_on)
            return f"Not delivered: a delivery failure came back on {bounced}"
        case BoardStage.REPLY_TO_CONFIRM:
            return stages.StageCode.REPLY_TO_CONFIRM.label
        case BoardStage.UNMATCHED_REPLY:
            return stages.StageCode.UNMATCHED_REPLY.label + " (chasing paused)"
        case BoardStage.COMMISSIONER:
            return f"With the Commissioner since {en_gb(foi_request.commissioner_complaint_on)}"
        case BoardStage.ANSWERED:
            return foi_request.get_outcome_display() or "Answered"  # "Refused", "Answered in part"
    return row.stage.label


# --- The rows -------------------------------------------------------------------------------


def board_rows(campaign, today: date) -> list[BoardRow]:
    """Every request of `campaign`, by force name, with its board stage on `today`."""
    requests = (
        FOIRequest.objects.filter(campaign=campaign)
        .select_related("force")
        .prefetch_related("correspondence")
        .annotate(
            figure_total=Count("figures"),
            verified_total=Count("figures", filter=Q(figures__verified_at__isnull=False)),
        )
        .order_by("force__name", "pk")
    )
    clocks = _clocks()
    requests = list(requests)
    WaitingReplies.attach(requests)  # one reading of Unmatched replies for every row
    return [board_row(foi_request, today, clocks[foi_request.regime]) for foi_request in requests]


def board_row(foi_request, today: date, clock: stages.Clock) -> BoardRow:
    state = stages.stage_of(foi_request, today, clock)
    figures, verified = foi_request.figure_total, foi_request.verified_total
    return BoardRow(
        request=foi_request,
        stage=board_stage(foi_request, state, figures, verified),
        state=state,
        figures=figures,
        verified=verified,
        flags=tuple(  # each flag once: several emails may carry the same
            dict.fromkeys(
                letter.needs_attention
                for letter in foi_request.correspondence.all()
                if letter.needs_attention
            )
        ),
        chase=_chase_step(foi_request, state, today, clock),
    )


def _chase_step(foi_request, state, today, clock) -> stages.Step | None:
    """The step the overdue board would send now (due, or early once overdue)."""
    if not state.is_overdue:
        return None
    try:
        return chasing.choose_step(foi_request, today, early=True, clock=clock)
    except chasing.NoStepToTake:
        return None


def _clocks() -> dict[str, stages.Clock]:
    """One clock per regime, from a single read of the extra non-working days."""
    extra = list(NonWorkingDay.objects.all())
    return {
        regime: stages.Clock(
            regime,
            {day.date: day.name for day in extra if day.applies_to in (regimes.ALL_FORCES, regime)},
        )
        for regime in regimes.codes()
    }


# --- Counts and filters ---------------------------------------------------------------------


def stage_counts(rows) -> list[tuple[BoardStage, int]]:
    """(stage, how many rows) for each stage with any, in the round's order."""
    counted = Counter(row.stage for row in rows)
    return [(stage, counted[stage]) for stage in BoardStage if counted[stage]]


def filter_rows(rows, *, stage: str | None = None, nation: str | None = None) -> list[BoardRow]:
    return [
        row
        for row in rows
        if (not stage or row.stage == stage) and (not nation or row.request.force.nation == nation)
    ]
