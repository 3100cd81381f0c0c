"""The overdue board: per campaign, the forces past their deadline and the next chase step.

Staff may send the next step from here. The button takes the step that is due (the one the
daily run would take); when none is due yet but the request is overdue, it takes the next step
early (staff judgement, e.g. a force has said it will not reply), except the complaint to the
Commissioner, which says the review deadline has passed and so waits for it. Either way the
step goes through returns.chasing.take_step, so it is still taken once only.

A request whose delivery failed (a bounce) stays on the board once past its due date, marked
"Not delivered — check the address": its clock is not treated as running and the ladder does
not chase it (docs/deadlines.md), so it is the one most in need of staff. So does one held by
an email waiting in Unmatched replies that may be its answer: not chased until staff file the
email or set it aside (docs/deadlines.md: Chasing paused).
"""

from dataclasses import dataclass, field
from datetime import date

from django.contrib import admin, messages
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from returns import chasing, roles, stages
from returns.messaging import MessageError
from returns.models import Correspondence, FOIRequest
from returns.replies.waiting import WaitingReplies
from returns.views.access import require, staff_page


@dataclass
class BoardRow:
    request: FOIRequest
    due: date
    extended: bool
    days_late: int
    long_overdue: bool
    last_contact: date | None
    next_kind: str | None
    next_on: date | None
    can_send: bool
    needs_attention: list[str]
    not_delivered_on: date | None = None
    unmatched_replies: list = field(default_factory=list)  # the emails holding its chase

    @property
    def next_label(self):
        return Correspondence.Kind(self.next_kind).label if self.next_kind else ""


@staff_page(
    roles.VIEW_REQUESTS,
    menu=(
        "Overdue board",
        "Forces overdue and long overdue, per campaign, with the next chase step",
    ),
)
@require_http_methods(["GET", "POST"])
def overdue_board(request):
    today = timezone.localdate()
    if request.method == "POST":
        return send_next_step(request, today)
    can_send = request.user.has_perm(roles.CHASE_FORCES)
    context = {
        **admin.site.each_context(request),
        "title": "Overdue board",
        "today": today,
        "campaigns": board(today),
        "can_send": can_send,
        "confirm": confirmation(request, today) if can_send else None,
    }
    return TemplateResponse(request, "returns/overdue_board.html", context)


def board(today: date) -> list[tuple]:
    """[(campaign, [BoardRow])] of the overdue requests, and of those past their due date whose
    request was not delivered or whose chase an unmatched email holds, campaigns newest first."""
    waiting = WaitingReplies.read()
    requests = list(
        board_requests(today, waiting)
        .select_related("force", "campaign")
        .prefetch_related("correspondence")
        .order_by("-campaign__created_at", "campaign_id", "force__name")
    )
    for foi_request in requests:
        foi_request.waiting_replies = waiting
    clocks = {}
    grouped = {}
    for foi_request in requests:
        if foi_request.regime not in clocks:
            clocks[foi_request.regime] = stages.Clock(foi_request.regime)
        clock = clocks[foi_request.regime]
        grouped.setdefault(foi_request.campaign, []).append(board_row(foi_request, today, clock))
    return list(grouped.items())


def board_requests(today: date, waiting: WaitingReplies):
    overdue = FOIRequest.objects.overdue(today)
    past_due = FOIRequest.objects.filter(
        Q(extended_due_date__lt=today) | Q(extended_due_date__isnull=True, due_date__lt=today),
        status__in=FOIRequest.AWAITING_STATUSES,
        responded_on__isnull=True,
    )
    not_delivered = past_due.filter(not_delivered_on__isnull=False)
    shown = Q(pk__in=overdue.values("pk")) | Q(pk__in=not_delivered)
    held = waiting.q()
    if held is not None:
        replies_to_confirm = Correspondence.replies_to_confirm().filter(request=OuterRef("pk"))
        held_past_due = past_due.filter(held, not_delivered_on__isnull=True)
        shown |= Q(pk__in=held_past_due.exclude(Exists(replies_to_confirm)))
    return FOIRequest.objects.filter(shown)


def board_row(foi_request, today, clock) -> BoardRow:
    stage = stages.stage_of(foi_request, today, clock)
    letters = list(foi_request.correspondence.all())
    row = BoardRow(
        request=foi_request,
        due=stage.due,
        extended=stage.extended,
        days_late=stage.working_days_overdue,
        long_overdue=stage.is_long_overdue,
        last_contact=max((letter.date for letter in letters), default=None),
        next_kind=stage.next_step.kind if stage.next_step else None,
        next_on=stage.next_step.on if stage.next_step else None,
        can_send=_can_send(foi_request, today, clock),
        needs_attention=list(  # each flag once: several emails may carry the same
            dict.fromkeys(letter.needs_attention for letter in letters if letter.needs_attention)
        ),
    )
    if stage.code == stages.StageCode.NOT_DELIVERED:
        # Not chased while the bounce stands (no next step): its days since the due date.
        row.days_late = clock.between(stage.due, today)
        row.not_delivered_on = foi_request.not_delivered_on
    elif stage.code == stages.StageCode.UNMATCHED_REPLY:
        # Not chased while the email may be its answer: its days since the due date.
        row.days_late = clock.between(stage.due, today)
        row.unmatched_replies = foi_request.waiting_replies.for_request(foi_request)
    return row


def _can_send(foi_request, today, clock):
    try:
        chasing.choose_step(foi_request, today, early=True, clock=clock)
    except chasing.NoStepToTake:
        return False
    return True


def confirmation(request, today):
    """What the button would send for ?confirm=<request id>: shown before anything is sent."""
    request_id = request.GET.get("confirm")
    if not request_id or not request_id.isdigit():
        return None
    foi_request = get_object_or_404(
        FOIRequest.objects.select_related("force", "campaign"), pk=request_id
    )
    try:
        preview = chasing.preview_step(foi_request, today)
    except MessageError as error:
        messages.error(request, str(error))
        return None
    if preview is None:
        messages.warning(request, f"{foi_request.force}: no chase step can be sent now.")
        return None
    step, to, subject, body = preview
    return {
        "request": foi_request,
        "kind": step.kind,
        "label": Correspondence.Kind(step.kind).label,
        "early": step.on > today,
        "on": step.on,
        "commissioner": step.kind == stages.COMMISSIONER,
        "to": to,
        "subject": subject,
        "body": body,
    }


def send_next_step(request, today):
    require(request, roles.CHASE_FORCES)
    request_id = request.POST.get("request", "")
    if not request_id.isdigit():
        raise Http404("No such FOI request.")
    foi_request = get_object_or_404(FOIRequest.objects.select_related("force"), pk=request_id)
    kind = request.POST.get("kind", "")
    if kind not in stages.LADDER:
        messages.error(request, "Confirm the step on the board before sending it.")
        return redirect(reverse("returns:overdue_board"))
    try:
        step = chasing.take_step(
            foi_request.pk,
            today,
            user=request.user,
            early=True,
            expected_kind=kind,
        )
    except (chasing.NoStepToTake, MessageError) as error:
        messages.error(request, str(error))
    else:
        messages.add_message(request, *outcome_message(step))
    return redirect(reverse("returns:overdue_board"))


def outcome_message(step):
    label = Correspondence.Kind(step.kind).label
    if step.kind == stages.COMMISSIONER:
        label = "Commissioner complaint drafted for you to file; notice to the force"
    if step.sent:
        return messages.SUCCESS, f"{label}: sent to {step.force} ({step.to})."
    return (
        messages.WARNING,
        f"{label}: drafted for {step.force}, not sent (see the flag in its correspondence).",
    )
