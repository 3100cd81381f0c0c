"""The request page read as a case: what its status banner says, and one wording for the kinds
of its messages.

The banner says what applies to the request now (README: Replies, "The request page"): a due
date only while the force's clock runs; else why it does not (stopped for our clarification,
not delivered) or that the request was answered. The stage itself is returns/stages.py.
"""

from __future__ import annotations

from django.contrib.humanize.templatetags.humanize import ordinal

from returns.dates import en_gb
from returns.models import Correspondence, FOIRequest
from returns.replies import classify
from returns.stages import Stage, StageCode


def status_sentence(foi_request, stage: Stage) -> str:
    """The banner's first sentence: the due date and how it was reached, or why none runs."""
    match stage.code:
        case StageCode.NOT_SENT:
            return "Not sent yet: no due date."
        case StageCode.WITHDRAWN:
            return "Withdrawn: no due date."
        case StageCode.ANSWERED:
            return _answered(foi_request)
        case StageCode.CLOCK_STOPPED:
            return _clock_stopped(foi_request)
        case StageCode.NOT_DELIVERED:
            return (
                f"Not delivered (bounce on {en_gb(foi_request.not_delivered_on)}): the due date "
                "does not run. Correct the force's FOI address (Forces), then use Send again: "
                "its due date counts from the day it arrives."
            )
    if stage.due is None:
        return "No date of receipt yet, so no due date."
    if stage.extended:
        statutory = f"; the statutory date was {en_gb(foi_request.due_date)}"
        notice = foi_request.extension_notice_on
        told = f", notice of {en_gb(notice)}" if notice else ""
        return (
            f"Extended to {en_gb(stage.due)} (public-interest extension{told}"
            f"{statutory if foi_request.due_date else ''})."
        )
    working_days = ordinal(foi_request.law.reply_working_days)
    # FOIA s.1(3), s.10(6)(b): our clarification's arrival is the date of receipt.
    clarified = (
        ", when the force had our clarification" if foi_request.clarification_received_on else ""
    )
    return (
        f"Due {en_gb(stage.due)} (the {working_days} working day after "
        f"{en_gb(foi_request.clock_started_on)}{clarified})."
    )


def _answered(foi_request) -> str:
    what = "refusal" if foi_request.outcome == FOIRequest.Outcome.REFUSED else "final response"
    if foi_request.outcome and foi_request.outcome != FOIRequest.Outcome.REFUSED:
        what += f": {foi_request.get_outcome_display().lower()}"
    if foi_request.responded_on is None:
        return f"Answered ({what}; no date recorded)."
    return f"Answered on {en_gb(foi_request.responded_on)} ({what})."


def _clock_stopped(foi_request) -> str:
    asked = foi_request.clarification_requested_on
    since = f" since {en_gb(asked)}" if asked else ""
    working_days = foi_request.law.reply_working_days
    return (
        f"Clock stopped{since}, awaiting our clarification: the force's {working_days} working "
        "days start again from the day it receives it. Use Answer the clarification to "
        "send or record it."
    )


def kind_label(row: Correspondence) -> str:
    """One wording for a message's kind on the request page: a force's reply is named as its
    kind is suggested and confirmed ("Final response", "Clarification question": the reply
    kinds' own labels), our own messages as the log names them."""
    if row.direction == Correspondence.Direction.IN and row.kind in classify.LABELS:
        return classify.LABELS[row.kind].capitalize()
    return row.get_kind_display()
