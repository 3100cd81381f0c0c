"""Running a round: create a campaign and its requests, clone last year's, send, record replies.

Plain functions that the admin, the management commands and the tasks all call in one line.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from forces.models import Force
from returns import messaging
from returns.defaults import REQUEST_WORDING
from returns.models import Campaign, Correspondence, FOIRequest
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


@dataclass
class SendReport:
    sent: list = field(default_factory=list)
    flagged: list = field(default_factory=list)  # no FOI address: drafted, not marked sent


def send_requests(campaign, *, on_date=None, user=None, requests=None):
    """Email each unsent request (one message per force) and record it as sent and received.

    The message is logged (committed) before it is emailed, and the request is marked sent only
    once the mail server accepted it; a force without an FOI address keeps one flagged draft,
    which the next send delivers once staff have added the address.
    """
    on_date = on_date or timezone.localdate()
    report = SendReport()
    pending = (requests if requests is not None else campaign.requests.all()).filter(
        status=FOIRequest.Status.NOT_SENT
    )
    for foi_request in pending.select_related("force", "campaign"):
        message = request_message(foi_request, on_date, user)
        if not messaging.deliver(message):
            report.flagged.append(foi_request)
            continue
        foi_request.status = FOIRequest.Status.AWAITING
        # An email arrives the day it is sent: that day is the date of receipt.
        foi_request.sent_on = foi_request.received_on = on_date
        foi_request.save()
        report.sent.append(foi_request)
    return report


def request_message(foi_request, on_date, user=None):
    """The request's outgoing message: its earlier unsent draft (re-addressed), or a new one."""
    earlier = foi_request.correspondence.filter(
        kind=Correspondence.Kind.REQUEST, state=Correspondence.State.DRAFT
    ).last()
    if earlier is None:
        return messaging.draft(
            foi_request, "request", Correspondence.Kind.REQUEST, on_date, user=user
        )
    if earlier.address != foi_request.force.foi_email:
        earlier.address = foi_request.force.foi_email
        earlier.date = on_date
        earlier.save(update_fields=["address", "date"])
    return earlier


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
    "record_response",
    "recompute_open_deadlines",
    "parse_nations",
    "parse_periods",
    "next_year_periods",
]
