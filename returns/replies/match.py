"""Which request a force's email answers, in the order of certainty (README: Replies):

1. `token`: our reply address, foi+TOKEN@..., among the recipients (To, Cc, Delivered-To,
   X-Original-To) or, for a bounce or a forward, in the message it carries;
2. `thread`: In-Reply-To / References naming the Message-ID of one of our messages;
3. `subject`: our reference "[FOIR-00042]" in the subject;
4. `force_reference`: the force's own reference ("FOI 001234/17") stored on one request;
5. `domain`: the sender's domain is one force's (Force.mail_domains, its FOI address) and that
   force has exactly one open request.

The first that names a request decides. A later one naming another request is noted as a
conflict (the reply address and thread are ours, so they are trusted over quoted text). When
none is certain, `suggestions` ranks likely requests for staff to choose from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from forces.models import Force
from returns.models import Correspondence, FOIRequest
from returns.replies.classify import normalised_reference
from returns.replies.parse import ParsedEmail

TOKEN = re.compile(r"\+([a-z0-9]{12})@", re.IGNORECASE)
OUR_REFERENCE = re.compile(r"\bFOIR-(\d{5,})\b", re.IGNORECASE)


@dataclass
class Match:
    request: FOIRequest | None = None
    matched_by: str | None = None
    note: str = ""


@dataclass
class Suggestion:
    request: FOIRequest
    score: int
    reasons: list[str] = field(default_factory=list)


class Directory:
    """What matching looks up, read once per batch of messages: the forces and the forces'
    references (a batch may add references: `remember_reference`)."""

    def __init__(self):
        self.forces = list(Force.objects.all())
        self._requests: dict[int, FOIRequest] = {}
        self.references: dict[str, set[int]] = {}
        for pk, reference in FOIRequest.objects.exclude(reference="").values_list(
            "pk", "reference"
        ):
            self.remember_reference(pk, reference)

    def remember_reference(self, request_id, reference):
        key = normalised_reference(reference)
        if len(key) >= 4:
            self.references.setdefault(key, set()).add(request_id)

    def request(self, pk) -> FOIRequest | None:
        """The request `pk`, read once per batch (None when there is none)."""
        if pk not in self._requests:
            self._requests[pk] = _requests(pk=pk).first()
        return self._requests[pk]

    def forces_writing_from(self, domain) -> list[Force]:
        if not domain:
            return []
        return [force for force in self.forces if force.writes_from(domain)]


def match(email: ParsedEmail, force_reference: str = "", directory: Directory | None = None):
    directory = directory or Directory()
    found = []  # (matched_by, request), in the order of certainty
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
        else:
            found.append(("force_reference", request))
    if not found:
        return Match()
    matched_by, request = found[0]
    others = [(how, other) for how, other in found[1:] if other.pk != request.pk]
    note = ""
    if others:
        how, other = others[0]
        note = (
            f"The {how} names {other.our_reference} ({other.force}), but the {matched_by} is "
            f"{request.our_reference}'s: filed under {request.our_reference}. Check which "
            "request this answers."
        )
    return Match(request, matched_by, note)


def _requests(**lookup):
    return FOIRequest.objects.select_related("force", "campaign").filter(**lookup)


def _all_addresses(email):
    original = email.original.addresses if email.original else []
    return [*email.recipients, *original]


def _by_token(email, directory):
    addresses = _all_addresses(email)
    tokens = {found.lower() for address in addresses for found in TOKEN.findall(address)}
    if not tokens:
        return None
    pk = FOIRequest.objects.filter(reply_token__in=tokens).order_by("pk").values("pk")[:1]
    pk = next(iter(pk), {}).get("pk")
    return directory.request(pk) if pk else None


def _by_thread(email, directory):
    ids = [*email.in_reply_to, *reversed(email.references)]
    if email.original and email.original.message_id:
        ids.insert(0, email.original.message_id)
    if not ids:
        return None
    ours = dict(
        Correspondence.objects.filter(
            message_id__in=ids, direction=Correspondence.Direction.OUT
        ).values_list("message_id", "request_id")
    )
    for message_id in ids:  # the nearest in the thread first
        if message_id in ours:
            return directory.request(ours[message_id])
    return None


def _by_subject(email, directory):
    subjects = [email.subject, email.original.subject if email.original else ""]
    for subject in subjects:
        for number in OUR_REFERENCE.findall(subject or ""):
            request = directory.request(int(number))
            if request is not None:
                return request
    return None


def _sender_domain(email, directory):
    """The sender's domain; for a forward by someone who is not a force, the original's."""
    own = email.sender_domain
    original = email.original.sender if email.original else ""
    if "@" in original and not directory.forces_writing_from(own):
        return original.rpartition("@")[2]
    return own


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
    if len(forces) != 1:
        return None
    open_requests = list(_requests(force=forces[0]).open()[:2])
    return open_requests[0] if len(open_requests) == 1 else None


# --- For staff: likely requests of an unmatched reply --------------------------------------


def suggestions(email_fields, limit=5) -> list[Suggestion]:
    """Requests this unmatched reply may answer, most likely first, each with its reasons.

    `email_fields`: sender, subject, body and force_reference (an InboundMessage will do).
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
    domain = email_fields.sender.rpartition("@")[2].lower() if "@" in email_fields.sender else ""
    forces = [force for force in Force.objects.all() if domain and force.writes_from(domain)]
    for force in forces:
        add(_requests(force=force).open(), 4, f"an open request to {force} ({domain})")
        add(_requests(force=force).exclude(pk__in=_open_ids(force)), 1, f"sent to {force}")
    for force in _forces_named(text):
        add(_requests(force=force).open(), 3, f"names {force}")
    ranked = sorted(
        scored.values(),
        key=lambda entry: (-entry.score, -(entry.request.sent_on or date.min).toordinal()),
    )
    return ranked[:limit]


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
