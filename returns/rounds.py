"""Running a round: create a campaign and its requests, clone last year's, send, record replies.

Plain functions that the admin, the management commands and the tasks all call in one line.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from forces.models import Force
from returns import chasing, messaging
from returns.defaults import REQUEST_WORDING
from returns.models import Campaign, Correspondence, FOIRequest, SendRun
from returns.periods import normalise_period, parse_periods

DEFAULT_WORDING = REQUEST_WORDING
NATIONS = [value for value, _label in Force.Nation.choices]


def parse_nations(text):
    nations = [part.strip().lower() for part in str(text).split(",") if part.strip()]
    unknown = [nation for nation in nations if nation not in NATIONS]
    if unknown:
        raise ValueError(
            f"Unknown nation(s): {', '.join(unknown)}. Choose from {', '.join(NATIONS)}."
        )
    if not nations:
        raise ValueError("Choose at least one nation.")
    return nations


@transaction.atomic
def create_campaign(
    *, slug, title, measure, periods, nations, sent_on=None, wording=DEFAULT_WORDING, user=None
):
    """A campaign with one request per active force of `nations`.

    With `sent_on`, the requests are recorded as already sent by email, and so received, on that
    day (nothing is sent): their due dates follow.
    """
    campaign = Campaign(
        slug=slug,
        title=title,
        measure=measure,
        periods=list(periods),
        request_wording=wording,
        created_by=user,
    )
    campaign.full_clean()
    campaign.save()
    add_requests(campaign, nations, sent_on=sent_on, user=user)
    return campaign


def add_requests(campaign, nations, *, sent_on=None, user=None):
    """One request for each active force of `nations` that the campaign does not ask yet."""
    forces = Force.objects.filter(active=True, nation__in=list(nations)).exclude(
        requests__campaign=campaign
    )
    return [add_request(campaign, force, sent_on=sent_on, user=user) for force in forces]


def add_request(campaign, force, *, sent_on=None, user=None):
    foi_request = FOIRequest(campaign=campaign, force=force)
    if sent_on:
        foi_request.status = FOIRequest.Status.AWAITING
        foi_request.sent_on = foi_request.received_on = sent_on
    foi_request.save()
    if sent_on:
        Correspondence.objects.create(
            request=foi_request,
            direction=Correspondence.Direction.OUT,
            kind=Correspondence.Kind.REQUEST,
            state=Correspondence.State.SENT,
            date=sent_on,
            address=force.foi_email,
            subject=campaign.title,
            body="Recorded as sent by email outside this app.",
            created_by=user,
        )
    return foi_request


def next_year_periods(periods):
    """Last round's periods moved on one year: ["2015/16", "2016/17"] -> ["2016/17", "2017/18"]."""
    shifted = []
    for period in periods:
        start = int(normalise_period(period)[:4]) + 1
        shifted.append(f"{start}/{(start + 1) % 100:02d}")
    return shifted


@transaction.atomic
def clone_campaign(source, *, slug, title, periods=None, user=None):
    """Next year's round: same wording, measure and forces (those still active), new periods."""
    campaign = Campaign(
        slug=slug,
        title=title,
        measure=source.measure,
        request_wording=source.request_wording,
        periods=list(periods or next_year_periods(source.periods)),
        cloned_from=source,
        created_by=user,
    )
    campaign.full_clean()
    campaign.save()
    for foi_request in source.requests.select_related("force").filter(force__active=True):
        add_request(campaign, foi_request.force, user=user)
    return campaign


@dataclass(frozen=True)
class Outcome:
    """What became of one request when its round was sent."""

    foi_request: FOIRequest
    message: Correspondence
    sent: bool

    @property
    def flagged(self):
        """No FOI address: drafted and flagged for staff, not sent."""
        return not self.sent and not self.message.address

    def as_json(self) -> dict:
        """One object of `send_requests --json` (docs/file-formats.md)."""
        return {
            "force": self.foi_request.force.name,
            "request": self.foi_request.our_reference,
            "to": self.message.address or None,
            "subject": self.message.subject,
            "message_id": self.message.message_id,
            "reply_to": messaging.reply_to_address(self.foi_request),
            "sent": self.sent,
        }


@dataclass
class SendReport:
    outcomes: list = field(default_factory=list)

    @property
    def sent(self):
        return [o.foi_request for o in self.outcomes if o.sent]

    @property
    def flagged(self):
        """No FOI address: drafted, not marked sent."""
        return [o.foi_request for o in self.outcomes if o.flagged]

    @property
    def failed(self):
        """The mail server did not take them: flagged drafts, sent again by the next run."""
        return [o for o in self.outcomes if not o.sent and not o.flagged]


def send_requests(
    campaign, *, on_date=None, user=None, requests=None, on_outcome=None, progress=None
):
    """Email each unsent request (one message per force) and record it as sent and received.

    Each request is claimed under its row lock: its message is logged (committed) and taken by
    this run before it is emailed, so two runs at once never send a request twice (one that
    another run has taken is left out of the report). The request is marked sent only once the
    mail server accepted it; a force without an FOI address keeps one flagged draft, which the
    next send delivers once staff have added the address. `on_outcome(outcome)` is called after
    each request sent or drafted, and `progress(done, total)` after each request taken in turn
    (returns/progress.py).
    """
    on_date = on_date or timezone.localdate()
    report = SendReport()
    pending = (requests if requests is not None else campaign.requests.all()).filter(
        status=FOIRequest.Status.NOT_SENT
    )
    request_ids = list(pending.order_by("force__name", "pk").values_list("pk", flat=True))
    for done, request_id in enumerate(request_ids, 1):
        outcome = send_request(request_id, on_date, user)
        if outcome is not None:
            report.outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
        if progress is not None:
            progress(done, len(request_ids))
    return report


def send_request(request_id, on_date, user=None) -> Outcome | None:
    """Send one unsent request; None when it is sent already or another run is sending it."""
    with transaction.atomic():
        foi_request = _locked_request(request_id)
        if foi_request is None or foi_request.status != FOIRequest.Status.NOT_SENT:
            return None
        message = request_message(foi_request, on_date, user)
        if message is None:
            return None
        claimed = messaging.claim(message)
    # Committed: the message is this run's alone, so its email can go.
    if not claimed:
        return Outcome(foi_request, message, sent=False)
    sent = messaging.transmit(message)
    if sent:
        _record_sent(request_id, on_date)
    return Outcome(foi_request, message, sent=sent)


def _locked_request(request_id):
    rows = FOIRequest.objects.select_for_update(of=("self",)).select_related("force", "campaign")
    return rows.filter(pk=request_id).first()


@transaction.atomic
def _record_sent(request_id, on_date):
    foi_request = _locked_request(request_id)
    foi_request.status = FOIRequest.Status.AWAITING
    # An email arrives the day it is sent: that day is the date of receipt.
    foi_request.sent_on = foi_request.received_on = on_date
    foi_request.save()


class CannotSendAgain(ValueError):
    pass


def send_again(request_id, on_date, user=None) -> Outcome:
    """Email a request that did not arrive (a delivery failure) once more, as a new message to
    the force's FOI address as it is now. Once the mail server takes it, the request counts as
    sent and received that day (its due date follows, and the chase ladder starts again from the
    first chaser: docs/deadlines.md) and the failure is cleared; if it did not
    go, a flagged draft stays, as for a first send, and the failure stands."""
    with transaction.atomic():
        foi_request = _locked_request(request_id)
        if foi_request is None or foi_request.not_delivered_on is None:
            raise CannotSendAgain("This request is not flagged as not delivered.")
        if not foi_request.force.foi_email:
            raise CannotSendAgain(f"{foi_request.force} has no FOI address: add it first.")
        message = messaging.draft(
            foi_request, "request", Correspondence.Kind.REQUEST, on_date, user=user
        )
        claimed = messaging.claim(message)
    sent = claimed and messaging.transmit(message)
    if sent:
        _record_sent_again(request_id, on_date)
    return Outcome(foi_request, message, sent=sent)


@transaction.atomic
def _record_sent_again(request_id, on_date):
    foi_request = _locked_request(request_id)
    foi_request.not_delivered_on = None
    # An email arrives the day it is sent: that day is the new date of receipt.
    foi_request.sent_on = foi_request.received_on = on_date
    foi_request._change_reason = "Request sent again after a delivery failure"
    foi_request.save()


class CannotAnswer(ValueError):
    pass


def answer_clarification(request_id, answer, on_date, *, send=True, user=None) -> Outcome:
    """Our answer to the force's clarification question, logged, and emailed when `send` (else
    sent by hand on `on_date`). Once it has gone, the day it reaches the force (an email
    arrives the day it is sent) is the new date of receipt: the force's working days start
    again from it (FOIA s.1(3), s.10(6)(b); FOISA s.1(3), s.10(1)(b); docs/deadlines.md). An
    email the mail server refused stays a flagged draft, and the clock stays stopped until
    staff send it and mark it sent."""
    with transaction.atomic():
        foi_request = _locked_request(request_id)
        if foi_request is None or foi_request.status != FOIRequest.Status.CLARIFICATION:
            raise CannotAnswer("This request is not waiting for our clarification.")
        address = foi_request.force.foi_email
        if send and not address:
            raise CannotAnswer(f"{foi_request.force} has no FOI address: add it first.")
        message = Correspondence.objects.create(
            request=foi_request,
            direction=Correspondence.Direction.OUT,
            kind=Correspondence.Kind.CLARIFICATION,
            state=Correspondence.State.DRAFT if send else Correspondence.State.SENT,
            date=on_date,
            address=address,
            subject=messaging.with_references(
                f"Clarification of our request: {foi_request.campaign.title}", foi_request
            ),
            body=answer.strip() + "\n",
            message_id=messaging.new_message_id(),
            created_by=user,
        )
        sent = not send
        if sent:
            _record_clarification_received(foi_request, on_date)
        claimed = send and messaging.claim(message)
    if claimed and messaging.transmit(message):
        sent = True
        with transaction.atomic():
            _record_clarification_received(_locked_request(request_id), on_date)
    return Outcome(foi_request, message, sent=sent)


def _record_clarification_received(foi_request, on_date) -> FOIRequest | None:
    """The force has our clarification from `on_date`: its clock runs again from that day."""
    asked_on = foi_request.clarification_requested_on
    waiting = foi_request.status == FOIRequest.Status.CLARIFICATION
    if not waiting or (asked_on and on_date < asked_on):
        return None  # not (or no longer) waiting for it, or an answer older than the question
    foi_request.clarification_received_on = on_date
    foi_request.status = FOIRequest.Status.AWAITING
    foi_request._change_reason = "Our clarification sent: the force's working days start again"
    foi_request.save()
    return foi_request


@transaction.atomic
def record_sent_by_hand(message) -> FOIRequest | None:
    """A request message that staff sent themselves and marked sent (a flagged draft, or one whose
    sending was not confirmed): its request, still not sent, is recorded as sent and received on
    the message's date, as `send_requests` records one, so its due date and chasing follow. Our
    answer to a clarification question, marked sent, restarts the clock from its date. The
    chase ladder's request for internal review (or the complaint to the Commissioner), marked
    sent, is recorded as asked for (filed) on its date (`chasing.record_letter_sent`).

    The request (dates editable on its page) when recorded; None when there was nothing to do."""
    sent = message.sent_by_us
    if sent and message.kind in chasing.RECORDED_WHEN_SENT:
        return chasing.record_letter_sent(message, by_hand=True)
    if sent and message.kind == Correspondence.Kind.CLARIFICATION:
        # Our answer to the force's question, sent by hand: the clock runs again from it.
        return _record_clarification_received(_locked_request(message.request_id), message.date)
    if not (sent and message.kind == Correspondence.Kind.REQUEST):
        return None
    foi_request = _locked_request(message.request_id)
    if foi_request.status != FOIRequest.Status.NOT_SENT:
        return None
    foi_request.status = FOIRequest.Status.AWAITING
    foi_request.sent_on = foi_request.sent_on or message.date
    # An email arrives the day it is sent: that day is the date of receipt.
    foi_request.received_on = foi_request.received_on or foi_request.sent_on
    foi_request.save()
    return foi_request


def request_message(foi_request, on_date, user=None):
    """The request's outgoing message: its earlier unsent draft (re-addressed), or a new one;
    None when one is already being sent, or was sent (call it under the request's row lock)."""
    messages = foi_request.correspondence.filter(
        direction=Correspondence.Direction.OUT, kind=Correspondence.Kind.REQUEST
    )
    if messages.exclude(state=Correspondence.State.DRAFT).exists():
        return None
    earlier = messages.last()
    if earlier is None:
        return messaging.draft(
            foi_request, "request", Correspondence.Kind.REQUEST, on_date, user=user
        )
    if earlier.address != foi_request.force.foi_email:
        earlier.address = foi_request.force.foi_email
        earlier.date = on_date
        earlier.save(update_fields=["address", "date"])
    return earlier


# --- Sending a round in the background --------------------------------------------------------


def start_sending(campaign, *, user=None) -> SendRun:
    """Queue the sending of a campaign's unsent requests on a Celery worker; the returned run
    shows its progress. The task is queued once the run is committed, so the worker finds it."""
    from returns.tasks import send_round

    run = SendRun.objects.create(
        campaign=campaign, started_by=user, total=campaign.requests.unsent().count()
    )
    transaction.on_commit(lambda: send_round.delay(run.pk))
    return run


def run_sending(run_id) -> dict:
    """What the task does: send the run's campaign, recording progress after each request.

    A run is taken once (a task message delivered twice sends nothing the second time)."""
    now = timezone.now()
    started = SendRun.objects.filter(pk=run_id, state=SendRun.State.QUEUED).update(
        state=SendRun.State.RUNNING, started_at=now, updated_at=now
    )
    run = SendRun.objects.select_related("campaign", "started_by").get(pk=run_id)
    if not started:
        return summary(run)
    # Counted again now: a run queued behind another finds fewer left to send.
    run.total = run.campaign.requests.unsent().count()
    run.save(update_fields=["total"])

    def record(outcome):
        run.outcomes.append(outcome.as_json())
        if outcome.sent:
            run.sent += 1
        elif outcome.flagged:
            run.flagged += 1
        else:
            run.failed += 1
        run.updated_at = timezone.now()
        run.save(update_fields=["outcomes", "sent", "flagged", "failed", "updated_at"])

    try:
        send_requests(run.campaign, user=run.started_by, on_outcome=record)
    except Exception as error:
        _finish(run, SendRun.State.FAILED, str(error))
        if not isinstance(error, messaging.MessageError):
            raise
    else:
        _finish(run, SendRun.State.DONE)
    return summary(run)


def _finish(run, state, error=""):
    run.state, run.error, run.finished_at = state, error, timezone.now()
    run.save(update_fields=["state", "error", "finished_at"])


def summary(run) -> dict:
    return {
        "state": run.state,
        "total": run.total,
        "sent": run.sent,
        "flagged": run.flagged,
        "failed": run.failed,
        "error": run.error,
    }


@transaction.atomic
def record_response(
    foi_request,
    *,
    responded_on,
    outcome,
    exemptions=(),
    reference="",
    note="",
    attachment=None,
    user=None,
):
    """The force's final response: outcome, exemptions cited and its reply file, logged."""
    foi_request.responded_on = responded_on
    foi_request.outcome = outcome
    foi_request.status = FOIRequest.Status.ANSWERED
    if reference:
        foi_request.reference = reference
    if note:
        foi_request.response_note = note
    foi_request.full_clean()
    foi_request.save()
    foi_request.exemptions.set(exemptions)
    return Correspondence.objects.create(
        request=foi_request,
        direction=Correspondence.Direction.IN,
        kind=Correspondence.Kind.RESPONSE,
        state=Correspondence.State.RECEIVED,
        date=responded_on,
        address=foi_request.force.foi_email,
        subject=f"Response: {foi_request.get_outcome_display()}",
        body=note,
        attachment=attachment or "",
        created_by=user,
    )


def recompute_open_deadlines():
    """Re-derive due dates of requests still awaiting a reply (after the holiday tables change).

    Returns how many due dates moved.
    """
    moved = 0
    for foi_request in FOIRequest.objects.open().select_related("force"):
        before = (foi_request.due_date, foi_request.internal_review_due_date)
        foi_request.refresh_deadlines()
        if (foi_request.due_date, foi_request.internal_review_due_date) != before:
            foi_request.save()  # through save(), so the history records the move
            moved += 1
    return moved


__all__ = [
    "DEFAULT_WORDING",
    "create_campaign",
    "clone_campaign",
    "send_requests",
    "record_sent_by_hand",
    "answer_clarification",
    "start_sending",
    "run_sending",
    "record_response",
    "recompute_open_deadlines",
    "parse_nations",
    "parse_periods",
    "next_year_periods",
]
