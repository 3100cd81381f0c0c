"""The unmatched hold: a force's request is not chased while an email that may be its answer
waits in Unmatched replies (docs/deadlines.md: Chasing paused; README: Replies).

An email waits in Unmatched replies while it is neither filed under a request nor set aside. It
may be a request's answer when it was written (its Date header, else the day it came: as the
suggestions read it) on or after the day the request was sent (its date of receipt, if no
sending date was recorded), and either
- it comes from one of the force's mail domains (`Force.writes_from`: a subdomain and the older
  pnn form count, as in matching), or
- it quotes the request's own reference, "FOIR-00042", in its subject or text (a shared FOI
  unit answering from another force's domain, a reply from an address we do not know).

Nothing is stored: the hold is derived on every read, so filing the email (under this request or
another) or setting it aside releases the request on the next run. `read` is one query, whatever
the number of requests it is asked about; `q()` asks the database the same (one more query, for
the forces' domains).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Case, Q, TextField, Value, When
from django.utils import timezone

from forces.models import Force
from returns.models import FOIRequest, InboundMessage
from returns.replies.match import MAX_ID, OUR_REFERENCE, written_on
from returns.replies.parse import domain_of
from returns.stages import StageCode, chased_from, stage_of

QUOTE_MARK = "FOIR-"  # only an email quoting one of our references has its text read


@dataclass(frozen=True)
class WaitingReply:
    """An email in Unmatched replies, as the hold reads it."""

    pk: int
    sender: str
    subject: str
    written_on: date
    domain: str
    quoted: frozenset[int]  # the requests whose reference it quotes


class WaitingReplies:
    """The emails waiting in Unmatched replies, read once for any number of requests."""

    def __init__(self, replies: list[WaitingReply], forces: list[Force] | None = None):
        self.replies = replies
        self._forces = forces
        self._writes: dict[tuple[int, str], bool] = {}

    @classmethod
    def read(cls) -> WaitingReplies:
        messages = (
            InboundMessage.objects.unmatched()
            .annotate(quoting=_text_quoting_a_reference())
            .only("pk", "sender", "subject", "sent_at", "received_at")
            .order_by("pk")
        )
        return cls([_waiting(message) for message in messages])

    @classmethod
    def attach(cls, requests) -> WaitingReplies:
        """Read once and give each of `requests` the same reading (what `stages` asks)."""
        waiting = cls.read()
        for foi_request in requests:
            foi_request.waiting_replies = waiting
        return waiting

    def for_request(self, foi_request) -> list[WaitingReply]:
        """The waiting emails that may be `foi_request`'s answer, oldest first."""
        started = chased_from(foi_request)
        if started is None or foi_request.pk is None:
            return []
        return [
            reply
            for reply in self.replies
            if reply.written_on >= started
            and (foi_request.pk in reply.quoted or self._writes_from(foi_request.force, reply))
        ]

    def holds(self, foi_request) -> bool:
        return bool(self.for_request(foi_request))

    def q(self) -> Q | None:
        """The requests held, as a filter on FOIRequest (None when none is)."""
        latest_by_force: dict[int, date] = {}
        latest_by_request: dict[int, date] = {}
        for reply in self.replies:
            for force in self.forces():
                if self._writes_from(force, reply):
                    _keep_latest(latest_by_force, force.pk, reply.written_on)
            for pk in reply.quoted:
                _keep_latest(latest_by_request, pk, reply.written_on)
        held = [Q(force_id=pk) & _sent_by(day) for pk, day in latest_by_force.items()]
        held += [Q(pk=pk) & _sent_by(day) for pk, day in latest_by_request.items()]
        if not held:
            return None
        combined = held[0]
        for condition in held[1:]:
            combined |= condition
        return combined

    def forces(self) -> list[Force]:
        if self._forces is None:
            self._forces = list(Force.objects.all()) if self.replies else []
        return self._forces

    def _writes_from(self, force, reply) -> bool:
        key = (force.pk, reply.domain)
        if key not in self._writes:
            self._writes[key] = bool(reply.domain) and force.writes_from(reply.domain)
        return self._writes[key]


def _keep_latest(latest, key, day):
    if key not in latest or day > latest[key]:
        latest[key] = day


def _sent_by(day) -> Q:
    return Q(sent_on__lte=day) | Q(sent_on__isnull=True, received_on__lte=day)


def _text_quoting_a_reference():
    """The subject and text of an email quoting one of our references, else "" (the others'
    text is not read)."""
    quotes = Q(subject__icontains=QUOTE_MARK) | Q(body__icontains=QUOTE_MARK)
    return Case(When(quotes, then="body"), default=Value(""), output_field=TextField())


def _waiting(message) -> WaitingReply:
    text = f"{message.subject}\n{message.quoting}"
    return WaitingReply(
        pk=message.pk,
        sender=message.sender,
        subject=message.subject,
        written_on=written_on(message),
        domain=domain_of(message.sender),
        quoted=frozenset(
            number for number in map(int, OUR_REFERENCE.findall(text)) if number <= MAX_ID
        ),
    )


def requests_held_by(message) -> list:
    """The requests whose chasing `message` holds while it waits in Unmatched replies (for its
    page: staff see what filing it or setting it aside releases)."""
    waiting = WaitingReplies.read()  # a request's stage reads every waiting email
    this_one = [reply for reply in waiting.replies if reply.pk == message.pk]
    if not this_one:
        return []
    alone = WaitingReplies(this_one, waiting.forces())
    open_requests = FOIRequest.objects.open().select_related("force", "campaign").order_by("pk")
    held = [foi_request for foi_request in open_requests if alone.holds(foi_request)]
    for foi_request in held:
        foi_request.waiting_replies = waiting
    today = timezone.localdate()
    return [
        foi_request
        for foi_request in held
        if stage_of(foi_request, today).code == StageCode.UNMATCHED_REPLY
    ]
