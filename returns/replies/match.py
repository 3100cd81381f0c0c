"""Which request a force's email answers, in the order of certainty (README: Replies):

1. `token`: our reply address, foi+TOKEN@..., among the recipients (To, Cc, Delivered-To,
   X-Original-To) or, for a bounce or a forward, in the message it carries;
2. `thread`: In-Reply-To / References naming the Message-ID of one of our messages;
3. `subject`: our reference "[FOIR-00042]" in the subject;
4. `force_reference`: the force's own reference ("FOI 001234/17") stored on one request;
5. `domain`: the sender's domain is one force's (Force.mail_domains, its FOI address), that
   force has exactly one open request, and the email does not name only other forces; for a
   forward by someone who is not a force, the forwarded message's sender's domain (the match
   note says so).

The first that names a request decides. A later one naming another request is noted as a
conflict (the reply address and thread are ours, so they are trusted over quoted text). When
none is certain, `suggestions` ranks likely requests for staff to choose from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone

from forces.models import Force
from returns.dates import en_gb
from returns.messaging import join_periods
from returns.models import Correspondence, FOIRequest
from returns.periods import periods_named
from returns.replies.classify import normalised_reference
from returns.replies.parse import ParsedEmail, domain_of

TOKEN = re.compile(r"\+([a-z0-9]{12})@", re.IGNORECASE)
OUR_REFERENCE = re.compile(r"\bFOIR-(\d{5,})\b", re.IGNORECASE)
FORWARDED_DOMAIN = "Matched by the forwarded message's sender's domain"
MAX_ID = 2**63 - 1  # a larger "FOIR-" number names no request (and is not read in a batch)


@dataclass
class Match:
    request: FOIRequest | None = None
    matched_by: str | None = None
    note: str = ""
    answers_kind: str = ""  # the kind of our message it answers (or returns), when known


SENT_BEFORE, NOT_SENT, SENT_AFTER = 0, 1, 2  # a suggestion's timing, the likeliest first


@dataclass
class Suggestion:
    request: FOIRequest
    score: int
    reasons: list[str] = field(default_factory=list)
    timing: int = SENT_BEFORE
    days_apart: int = 0  # from the request's sent-to-due window to the email's date

    @property
    def cannot_answer(self):
        return self.timing == SENT_AFTER


class Directory:
    """What matching looks up. The forces and the forces' references are read once (a batch
    may add references: `remember_reference`); what else the messages of a batch name (reply
    tokens, our Message-IDs, requests, the open requests of their senders' forces) is read
    for the whole batch by `load`, a few queries, and anything not loaded when it is asked."""

    def __init__(self):
        self.forces = list(Force.objects.all())
        self._forces_by_domain: dict[str, list[Force]] = {}
        self.references: dict[str, set[int]] = {}
        for pk, reference in FOIRequest.objects.exclude(reference="").values_list(
            "pk", "reference"
        ):
            self.remember_reference(pk, reference)
        self.forget()

    def forget(self):
        """Drop what was read for the last batch: requests may have changed since."""
        self._requests: dict[int, FOIRequest | None] = {}
        self._tokens: dict[str, int | None] = {}  # reply token: its request, if any
        self._ours: dict[str, int | None] = {}  # Message-ID: our message's request, if ours
        self._our_kinds: dict[str, str] = {}  # Message-ID: our message's kind
        self._open: dict[int, list[int]] = {}  # force: its open requests

    def load(self, emails: list[ParsedEmail]):
        """Read what matching `emails` will look up, for all of them at once."""
        self.forget()
        self._read_tokens({token for email in emails for token in _tokens(email)})
        self._read_ours({message_id for email in emails for message_id in _thread_ids(email)})
        self._read_open(
            {
                force.pk
                for email in emails
                for force in self.forces_writing_from(_sender_domain(email, self))
            }
        )
        wanted = {pk for pk in [*self._tokens.values(), *self._ours.values()] if pk}
        wanted |= {pk for email in emails for pk in _our_numbers(email) if pk <= MAX_ID}
        wanted |= {pks[0] for pks in self._open.values() if len(pks) == 1}
        self._read_requests(_requests(pk__in=wanted), wanted)

    def remember_reference(self, request_id, reference):
        key = normalised_reference(reference)
        if len(key) >= 4:
            self.references.setdefault(key, set()).add(request_id)

    def request(self, pk) -> FOIRequest | None:
        """The request `pk` (None when there is none)."""
        if pk not in self._requests:
            self._read_requests(_requests(pk=pk), {pk})
        return self._requests[pk]

    def request_with_token(self, tokens) -> FOIRequest | None:
        """The request whose reply token is one of `tokens` (the first made, if several)."""
        self._read_tokens(tokens)
        found = [self._tokens[token] for token in tokens if self._tokens[token]]
        return self.request(min(found)) if found else None

    def our_messages(self, message_ids) -> dict[str, int]:
        """{Message-ID: its request} for those of `message_ids` that are our messages'."""
        self._read_ours(message_ids)
        return {key: self._ours[key] for key in message_ids if self._ours[key]}

    def only_open_request(self, force) -> FOIRequest | None:
        """The force's open request, if it has exactly one."""
        self._read_open({force.pk})
        pks = self._open[force.pk]
        return self.request(pks[0]) if len(pks) == 1 else None

    def forces_writing_from(self, domain) -> list[Force]:
        if not domain:
            return []
        if domain not in self._forces_by_domain:
            found = [force for force in self.forces if force.writes_from(domain)]
            self._forces_by_domain[domain] = found
        return self._forces_by_domain[domain]

    def _read_tokens(self, tokens):
        missing = set(tokens) - self._tokens.keys()
        if missing:
            self._tokens.update(dict.fromkeys(missing))
            self._tokens.update(
                FOIRequest.objects.filter(reply_token__in=missing).values_list("reply_token", "pk")
            )

    def _read_ours(self, message_ids):
        missing = set(message_ids) - self._ours.keys()
        if missing:
            self._ours.update(dict.fromkeys(missing))
            for message_id, request_id, kind in Correspondence.objects.filter(
                message_id__in=missing, direction=Correspondence.Direction.OUT
            ).values_list("message_id", "request_id", "kind"):
                self._ours[message_id], self._our_kinds[message_id] = request_id, kind

    def our_message_kind(self, message_ids) -> str:
        """The kind of the first of `message_ids` that is one of our messages, else ""."""
        ours = self.our_messages(message_ids)
        return next((self._our_kinds[key] for key in message_ids if key in ours), "")

    def _read_open(self, force_ids):
        missing = set(force_ids) - self._open.keys()
        if missing:
            for force_id in missing:
                self._open[force_id] = []
            open_requests = FOIRequest.objects.filter(force_id__in=missing).open()
            for pk, force_id in open_requests.values_list("pk", "force_id"):
                self._open[force_id].append(pk)

    def _read_requests(self, queryset, pks):
        """Each request is read once per batch, so what filing one message changes on its
        request (returns/replies/store.py) is seen when the next one is filed."""
        for pk in pks:
            self._requests.setdefault(pk, None)
        for request in queryset:
            self._requests[request.pk] = request


def match(email: ParsedEmail, force_reference: str = "", directory: Directory | None = None):
    directory = directory or Directory()
    found = []  # (matched_by, request), in the order of certainty
    note = ""
    for matched_by, finder in (
        ("token", _by_token),
        ("thread", _by_thread),
        ("subject", _by_subject),
    ):
        request = finder(email, directory)
        if request is not None:
            found.append((matched_by, request))
    if not found:
        request = _by_force_reference(email, force_reference, directory)
        if request is None:
            request = _by_domain(email, directory)
            if request is not None:
                found.append(("domain", request))
                note = _forwarded_domain_note(email, directory)
        else:
            found.append(("force_reference", request))
    if not found:
        return Match()
    matched_by, request = found[0]
    answers_kind = directory.our_message_kind(_thread_ids(email))
    others = [(how, other) for how, other in found[1:] if other.pk != request.pk]
    if others:
        how, other = others[0]
        note = (
            f"The {how} names {other.our_reference} ({other.force}), but the {matched_by} is "
            f"{request.our_reference}'s: filed under {request.our_reference}. Check which "
            "request this answers."
        )
    note = f"{note}{_also_named(email, request, directory)}".strip()
    return Match(request, matched_by, note, answers_kind)


def _also_named(email, request, directory) -> str:
    """A note naming the other requests of ours the subject names: one email may answer two."""
    others = [
        other
        for number in dict.fromkeys(_our_numbers(email))
        if number != request.pk
        and number <= MAX_ID
        and (other := directory.request(number)) is not None
    ]
    if not others:
        return ""
    named = ", ".join(f"{other.our_reference} ({other.force})" for other in others)
    return (
        f" The subject also names {named}: if this email answers it too, record the reply "
        "there as well."
    )


def _requests(**lookup):
    return FOIRequest.objects.select_related("force", "campaign").filter(**lookup)


def _all_addresses(email):
    original = email.original.addresses if email.original else []
    return [*email.recipients, *original]


def _tokens(email):
    return {found.lower() for address in _all_addresses(email) for found in TOKEN.findall(address)}


def _by_token(email, directory):
    tokens = _tokens(email)
    return directory.request_with_token(tokens) if tokens else None


def _thread_ids(email):
    """The Message-IDs a message answers, the nearest in the thread first; last, those quoted
    as a "Message-ID:" line in its text (a plain-text bounce quotes the message it returns)."""
    ids = [*email.in_reply_to, *reversed(email.references)]
    if email.original and email.original.message_id:
        ids.insert(0, email.original.message_id)
    return ids + [found for found in QUOTED_MESSAGE_ID.findall(email.body) if found not in ids]


QUOTED_MESSAGE_ID = re.compile(r"^[ \t>]*Message-ID:\s*(<[^<>\s]+>)", re.IGNORECASE | re.MULTILINE)


def _by_thread(email, directory):
    ids = _thread_ids(email)
    if not ids:
        return None
    ours = directory.our_messages(ids)
    for message_id in ids:  # the nearest in the thread first
        if message_id in ours:
            return directory.request(ours[message_id])
    return None


def _our_numbers(email):
    subjects = [email.subject, email.original.subject if email.original else ""]
    return [int(number) for subject in subjects for number in OUR_REFERENCE.findall(subject or "")]


def _by_subject(email, directory):
    for number in _our_numbers(email):
        request = directory.request(number)
        if request is not None:
            return request
    return None


def _sender_domain(email, directory):
    """The sender's domain; for a forward by someone who is not a force, the original's."""
    own = email.sender_domain
    original = email.original.sender if email.original else ""
    if "@" in original and not directory.forces_writing_from(own):
        return domain_of(original)
    return own


def _forwarded_domain_note(email, directory):
    """Says so when the domain that matched is the forwarded message's, not the forwarder's."""
    domain = _sender_domain(email, directory)
    if domain == email.sender_domain:
        return ""
    return f"{FORWARDED_DOMAIN} ({domain}); forwarded by {email.sender or 'an unknown sender'}."


def _by_force_reference(email, force_reference, directory):
    key = normalised_reference(force_reference or "")
    candidates = directory.references.get(key, set()) if len(key) >= 4 else set()
    if len(candidates) > 1:  # the same reference at two forces: the sender's decides
        forces = {
            force.pk for force in directory.forces_writing_from(_sender_domain(email, directory))
        }
        candidates = set(
            FOIRequest.objects.filter(pk__in=candidates, force_id__in=forces).values_list(
                "pk", flat=True
            )
        )
    if len(candidates) != 1:
        return None
    return directory.request(next(iter(candidates)))


def _by_domain(email, directory):
    forces = directory.forces_writing_from(_sender_domain(email, directory))
    if len(forces) != 1 or _names_only_other_forces(email, forces[0], directory):
        return None
    request = directory.only_open_request(forces[0])
    if request is not None and _came_before_sent(email, request):
        return None  # it answers something else: staff choose from Unmatched replies
    return request


def _came_before_sent(email, request) -> bool:
    """Whether the email reached our mailbox a day before the request was sent, so cannot
    answer it (an old email left unread in the mailbox when it was first set up). The mail
    server's arrival time decides; a file has none, and its Date header decides instead (a
    sender's clock may be wrong: returns/replies/store.py, doubtful_date)."""
    moment = email.arrived_at or email.date
    if moment is None or request.sent_on is None:
        return False
    return timezone.localdate(moment) < request.sent_on


def _names_only_other_forces(email, force, directory) -> bool:
    """Whether the email names another force by its full name and not `force`: forces share
    FOI units (Norfolk and Suffolk, Surrey and Sussex ...), so one may answer for another from
    its own domain. The domain is then no certainty: staff choose from Unmatched replies."""
    text = f"{email.subject}\n{email.body}".lower()
    if force.name.lower() in text:
        return False
    return any(other.name.lower() in text for other in directory.forces if other.pk != force.pk)


# --- For staff: likely requests of an unmatched reply --------------------------------------


def suggestions(email_fields, limit=5) -> list[Suggestion]:
    """Requests this unmatched reply may answer, most likely first, each with its reasons.

    `email_fields`: sender, subject, body, force_reference, sent_at and received_at (an
    InboundMessage will do). What names a request scores first; then each candidate is weighed
    against the email: a request sent after the email was written cannot be what it answers
    (ranked last, and says so), one whose campaign asks for the years the email names is
    preferred, and the nearer the email's date to the request's sent-to-due window, the likelier.
    """
    scored: dict[int, Suggestion] = {}

    def add(requests, score, reason):
        for request in requests:
            entry = scored.setdefault(request.pk, Suggestion(request, 0))
            entry.score += score
            entry.reasons.append(reason)

    text = f"{email_fields.subject}\n{email_fields.body}"
    numbers = {int(number) for number in OUR_REFERENCE.findall(text)}
    add(_requests(pk__in=numbers), 6, "our reference is quoted")
    key = normalised_reference(email_fields.force_reference or "")
    if len(key) >= 4:
        same = [
            pk
            for pk, reference in FOIRequest.objects.exclude(reference="").values_list(
                "pk", "reference"
            )
            if normalised_reference(reference) == key
        ]
        add(_requests(pk__in=same), 5, f"the force's reference {email_fields.force_reference}")
    domain = domain_of(email_fields.sender)
    forces = [force for force in Force.objects.all() if domain and force.writes_from(domain)]
    named = _forces_named(text)
    for force in forces:
        if named and force not in named:  # a shared FOI unit answering for the force it names
            reason = f"an open request to {force} ({domain}), though the email names another force"
            add(_requests(force=force).open(), 1, reason)
        else:
            add(_requests(force=force).open(), 4, f"an open request to {force} ({domain})")
        add(_requests(force=force).exclude(pk__in=_open_ids(force)), 1, f"sent to {force}")
    for force in named:
        add(_requests(force=force).open(), 3, f"names {force}")
    written_on_day, years = written_on(email_fields), periods_named(text)
    for entry in scored.values():
        _weigh_years(entry, years)
        _weigh_dates(entry, written_on_day)
    ranked = sorted(
        scored.values(),
        key=lambda entry: (
            entry.timing,
            -entry.score,
            entry.days_apart,
            -(entry.request.sent_on or date.min).toordinal(),
        ),
    )
    return ranked[:limit]


def written_on(email_fields) -> date | None:
    """The day the email was written (its Date header), else the day it came (also what an
    unmatched email holds the chase from: returns/replies/waiting.py)."""
    moment = getattr(email_fields, "sent_at", None) or getattr(email_fields, "received_at", None)
    return timezone.localdate(moment) if moment else None


def _weigh_years(entry, named):
    """The financial years the email names against those the request's campaign asks for."""
    asked = list(entry.request.campaign.periods or [])
    if not asked:
        return
    asks = f"asks for {join_periods(asked)}"
    if not named:
        entry.reasons.append(asks)
        return
    both = [period for period in asked if period in named]
    if both and len(both) == len(asked):
        entry.score += 2
        entry.reasons.append(f"{asks}: the years the email names")
    elif both:
        entry.score += 1
        entry.reasons.append(f"{asks}: the email names {join_periods(both)} of them")
    else:
        entry.reasons.append(f"{asks}, not the years the email names ({join_periods(named)})")


def _weigh_dates(entry, written_on):
    request = entry.request
    if request.sent_on is None:
        entry.timing = NOT_SENT
        entry.reasons.append("not recorded as sent")
        return
    sent = en_gb(request.sent_on)
    if written_on is None:
        entry.reasons.append(f"sent {sent}")
        return
    if request.sent_on > written_on:
        entry.timing = SENT_AFTER
        entry.reasons.append(
            f"sent {sent}, after this email of {en_gb(written_on)}: it cannot be what it answers"
        )
        return
    due = request.extended_due_date or request.due_date
    entry.days_apart = (
        max(0, (written_on - due).days) if due else (written_on - request.sent_on).days
    )
    since = (written_on - request.sent_on).days
    reason = f"sent {sent}, {since} day{'s' if since != 1 else ''} before this email"
    entry.reasons.append(f"{reason}, due {en_gb(due)}" if due else reason)


def _open_ids(force):
    return FOIRequest.objects.filter(force=force).open().values("pk")


def _forces_named(text):
    lowered = text.lower()
    named = []
    for force in Force.objects.all():
        names = [force.name, *[alias for alias in force.alias_list if len(alias) >= 6]]
        if any(re.search(rf"\b{re.escape(name.lower())}\b", lowered) for name in names):
            named.append(force)
    return named
