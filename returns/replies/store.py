"""Take in one email: keep it, match it, suggest its kind, file it (README: Replies).

One path for every source (the mailbox, `ingest_email`, the admin's upload). Each message is
stored once, by Message-ID: a message seen before is reported as a duplicate and changes
nothing. Matched with certainty (returns/replies/match.py), it is filed under its request as
incoming correspondence at once, its kind a suggestion (returns/replies/classify.py) for staff
to confirm (returns/replies/confirm.py); otherwise it waits in Unmatched replies. Filing does
only what cannot hurt: the force's reference is noted where the request has none, and a
delivery failure flags the request as not delivered (staff are told). What ends or stops the
clock waits for staff; until then the request is not chased (returns/stages.py), and an
unmatched email holds the chase of the requests it may answer (returns/replies/waiting.py).

The mailbox stores its messages a batch at a time (`store_all`: one transaction, a few
queries); a batch that cannot be stored whole is stored one message at a time.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import get_valid_filename

from config.protected_files import IN_DATABASE
from returns.dates import en_gb
from returns.models import (
    Correspondence,
    EmailAttachment,
    FOIRequest,
    InboundMessage,
    StoredFile,
)
from returns.replies import classify, match
from returns.replies.parse import ParsedEmail, parse
from returns.replies.text import safe_file_name
from returns.uploads import validate_upload

logger = logging.getLogger(__name__)

FILE_NAME_LENGTH = 100  # a FileField's max_length
TOO_LARGE = (
    "The message is {size}, over the limit of {limit} (INBOUND_MAX_MESSAGE_BYTES): only its "
    "headers were kept; read it where it came from (a mailbox keeps it in place)."
)
NOT_DELIVERED = "Delivery failure: the force may not have the request. Check its address."
DOUBTFUL_DATE = (
    "The email's Date header says {written}, {why}: it is dated the day it arrived "
    "({arrived}) instead. Check the date."
)
OTHER_NOT_DELIVERED = (
    "Delivery failure of our {kind}: the force may not have it (the request itself arrived). "
    "Check its address."
)


@dataclass
class Ingested:
    """What happened to one message (`ingest_email --json` prints `as_json()`)."""

    message: InboundMessage
    duplicate: bool
    attachments: list[str] = field(default_factory=list)

    def as_json(self) -> dict:
        message, request = self.message, self.message.request
        return {
            "message_id": message.message_id,
            "request": request.our_reference if request else None,
            "force": request.force.name if request else None,
            "matched_by": message.matched_by or None,
            "suggested_kind": message.suggested_kind,
            "attachments": self.attachments,
            "duplicate": self.duplicate,
        }


@dataclass
class Incoming:
    """One email read and judged (`read`), not yet stored."""

    raw: bytes  # as it is kept (only its headers, when it is over the size limit)
    size: int  # as received
    email: ParsedEmail
    verdict: classify.Classification
    attachments: list[EmailAttachment]  # unsaved: templates of the rows to store
    accepted: list[str]
    folder: str = ""  # where its files are kept, once chosen


def ingest(
    raw: bytes,
    source: str,
    *,
    user=None,
    directory: match.Directory | None = None,
    deferred: bool = False,
    arrived_at: datetime | None = None,
) -> Ingested | Incoming:
    """Store, match, classify and (if certain) file one raw email; never stores it twice.

    With `deferred`, the email is only read and judged: the Incoming returned is stored, with
    others, by `store_all` (what the mailbox does, a batch at a time). `arrived_at`: when it
    reached the mailbox (the mail server's time), else it counts as arriving now.
    """
    incoming = read(raw, arrived_at)
    if deferred:
        return incoming
    result = store_all([incoming], source, user=user, directory=directory)[0]
    if isinstance(result, Exception):
        raise result
    return result


def read(raw: bytes, arrived_at: datetime | None = None) -> Incoming:
    """Parse and classify `raw`, and check its attachments (no database, nothing stored)."""
    too_large = len(raw) > settings.INBOUND_MAX_MESSAGE_BYTES
    email = parse(raw, headers_only=too_large)
    email.arrived_at = arrived_at
    size = len(raw)
    if too_large:
        email.problems.append(
            TOO_LARGE.format(
                size=filesizeformat(len(raw)),
                limit=filesizeformat(settings.INBOUND_MAX_MESSAGE_BYTES),
            )
        )
        raw = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0] + b"\r\n\r\n"
    attachments = [_checked_attachment(part) for part in email.attachments]
    accepted = [item.name for item in attachments if not item.refused]
    verdict = classify.classify(email, accepted)
    return Incoming(raw, size, email, verdict, attachments, accepted)


def store_all(
    items: list[Incoming], source: str, *, user=None, directory: match.Directory | None = None
) -> list[Ingested | Exception]:
    """Store `items` in one transaction; for each, what became of it, or why it could not be
    stored. If the batch cannot be stored (one message another run stored meanwhile, one row
    the database refuses), each is stored alone, so one cannot keep the others out."""
    directory = directory or match.Directory()
    if len(items) > 1:
        try:
            return _store_together(items, source, user, directory)
        except Exception:
            logger.info("%s messages could not be stored together: one at a time", len(items))
    results = []
    for item in items:
        try:
            results.append(_store_alone(item, source, user, directory))
        except Exception as error:
            results.append(error)
    return results


def _store_alone(item, source, user, directory):
    try:
        return _store_together([item], source, user, directory)[0]
    except IntegrityError:  # stored meanwhile by another run: the first one stands
        existing = _existing([item.email.message_id]).get(item.email.message_id)
        if existing is None:
            raise
        return existing


def _store_together(items, source, user, directory):
    """Store the new ones of `items` in one transaction (a few queries whatever their number)."""
    references = {key: set(pks) for key, pks in directory.references.items()}
    try:
        return _store_new(items, source, user, directory)
    except Exception:  # what the batch taught the directory was not stored
        directory.references = references
        raise


def _store_new(items, source, user, directory):
    results = _existing([item.email.message_id for item in items])
    new = {}
    for item in items:
        if item.email.message_id not in results and item.email.message_id not in new:
            new[item.email.message_id] = item
    directory.load([item.email for item in new.values()])
    rows = []
    for item in new.values():
        found = match.match(item.email, item.verdict.force_reference, directory)
        if found.request and item.verdict.force_reference:
            directory.remember_reference(found.request.pk, item.verdict.force_reference)
        rows.append(_rows(item, source, found, user))
    with transaction.atomic():
        StoredFile.objects.bulk_create([file for row in rows for file in row.files])
        Correspondence.objects.bulk_create([row.correspondence for row in rows if row.filed])
        for row in rows:
            row.message.correspondence = row.correspondence
        InboundMessage.objects.bulk_create([row.message for row in rows])
        EmailAttachment.objects.bulk_create(
            [attachment for row in rows for attachment in row.attached()]
        )
        _note_attention([row for row in rows if row.filed])
    for row in rows:
        results[row.message.message_id] = Ingested(row.message, False, row.accepted)
    # A message seen before, or twice in this batch, is a duplicate of the one stored.
    return [
        results[item.email.message_id]
        if new.get(item.email.message_id) is item
        else _as_duplicate(results[item.email.message_id])
        for item in items
    ]


def _existing(message_ids) -> dict[str, Ingested]:
    """{Message-ID: what was stored under it} for those of `message_ids` seen before."""
    messages = (
        InboundMessage.objects.select_related("request__force")
        .filter(message_id__in=message_ids)
        .prefetch_related("attachments")
    )
    return {
        message.message_id: Ingested(
            message, True, [item.name for item in message.attachments.all() if not item.refused]
        )
        for message in messages
    }


def _checked_attachment(part) -> EmailAttachment:
    """An unsaved attachment row: its safe name, and why it is refused, if it is."""
    name = safe_file_name(part.name, fallback="attachment")
    item = EmailAttachment(
        name=name,
        original_name=(part.name or "")[:255],
        content_type=part.content_type[:120],
        size=len(part.data),
    )
    item.data = part.data
    if part.content_type == "message/rfc822" and "." not in name:
        item.name = name = f"{name}.eml"
    try:
        validate_upload(SimpleUploadedFile(name, part.data))
    except ValidationError as error:
        item.refused = " ".join(error.messages)[:300]
    return item


def _kept_files(item: Incoming, message: InboundMessage) -> list[StoredFile]:
    """The raw .eml and the accepted attachments, as rows stored with the email's own
    (config/protected_files.py serves them). Each message has a folder of its own, so its
    names are unique without asking; they are chosen once, so a retry stores the same ones."""
    if not item.folder:
        item.folder = f"{IN_DATABASE}{timezone.now():%Y%m}/{secrets.token_hex(6)}/"
    taken = set()
    message.raw = _in_folder(item.folder, _raw_name(message), taken)
    files = [StoredFile(name=message.raw.name, data=item.raw, size=len(item.raw))]
    for attachment in item.attachments:
        if not attachment.refused:
            attachment.file = _in_folder(item.folder, attachment.name, taken)
            files.append(
                StoredFile(name=attachment.file.name, data=attachment.data, size=attachment.size)
            )
    return files


def _in_folder(folder, name, taken) -> str:
    """`folder` + `name`, within a file field's 100 characters, not one of `taken` (the name
    made valid as the storage makes every other: "FOI 12.xlsx" -> "FOI_12.xlsx")."""
    name = get_valid_filename(name)
    stem, dot, extension = name.rpartition(".")
    stem, extension = (stem, dot + extension) if dot else (name, "")
    room = FILE_NAME_LENGTH - len(folder) - len(extension)
    path, number = f"{folder}{stem[:room]}{extension}", 1
    while path in taken:
        number += 1
        path = f"{folder}{stem[: room - len(str(number)) - 1]}-{number}{extension}"
    taken.add(path)
    return path


@dataclass
class _Rows:
    """The rows one new email becomes (unsaved)."""

    message: InboundMessage
    attachments: list[EmailAttachment]
    accepted: list[str]
    files: list[StoredFile]
    correspondence: Correspondence | None = None
    attention: list[str] = field(default_factory=list)
    answers_kind: str = ""  # the kind of our message it answers (or returns), when known

    @property
    def filed(self):
        return self.correspondence is not None

    def attached(self):
        for attachment in self.attachments:
            attachment.message = self.message
        return self.attachments


def _rows(item: Incoming, source, found: match.Match, user) -> _Rows:
    email, verdict = item.email, item.verdict
    message = InboundMessage(
        message_id=email.message_id,
        received_at=email.arrived_at or timezone.now(),
        size=item.size,
        source=source,
        sender=email.sender[:254],
        recipients=", ".join(email.recipients)[:2000],
        subject=email.subject[:300],
        sent_at=email.date,
        body=email.body,
        suggested_kind=verdict.kind,
        kind_reason=verdict.reason[:300],
        force_reference=verdict.force_reference,
        problem=" ".join(email.problems)[:300],
    )
    refused = [item.refused for item in item.attachments if item.refused]  # each names its file
    if refused:
        message.problem = " ".join(
            filter(None, [message.problem, "Attachments refused:", *refused])
        )
        message.problem = message.problem[:300]
    files = _kept_files(item, message)
    attachments = [
        EmailAttachment(
            file=template.file.name or "",
            name=template.name,
            original_name=template.original_name,
            content_type=template.content_type,
            size=template.size,
            refused=template.refused,
        )
        for template in item.attachments
    ]
    rows = _Rows(message, attachments, item.accepted, files)
    if found.request is not None:
        # The source file of the figures: a document, never a signature's logo.
        documents = [row for row in attachments if row.file and _is_document(row.name)]
        rows.correspondence = _incoming(message, found.request, documents, user)
        message.request, message.matched_by = found.request, found.matched_by
        message.match_note = found.note[:300]
        message.filed_by = user
        rows.attention = [
            text
            for text in (found.note, message.problem, doubtful_date(message, found.request))
            if text
        ]
        rows.answers_kind = found.answers_kind
    return rows


def _note_attention(rows: list[_Rows]):
    """What filing can do at once (the force's reference, a bounce), and why staff must look."""
    changed = []
    for row in rows:
        row.attention += _note_what_is_certain(
            row.message, row.message.request, row.correspondence, row.answers_kind
        )
        if row.attention:
            row.correspondence.needs_attention = " ".join(row.attention)[:200]
            changed.append(row.correspondence)
    if changed:
        Correspondence.objects.bulk_update(changed, ["needs_attention"])


def _as_duplicate(result: Ingested) -> Ingested:
    return Ingested(result.message, True, result.attachments)


def _is_document(name):
    return bool(classify.RESPONSE_ATTACHMENT.search(name))


def _raw_name(message):
    return safe_file_name(message.message_id.strip("<>"), fallback="message")[:60] + ".eml"


def received_on(message: InboundMessage, request: FOIRequest | None = None):
    """The day the force's email was written (match.written_on: its Date header, else the day
    it arrived); the day it arrived when its Date cannot be right for `request`
    (`doubtful_date` says why)."""
    if doubtful_date(message, request):
        return timezone.localdate(message.received_at)
    return match.written_on(message)


def doubtful_date(message: InboundMessage, request: FOIRequest | None) -> str:
    """Why the email's Date header cannot be the day it was written, or "": a day after it
    arrived (a sender's clock is wrong), or before the request it answers was sent. The day
    it arrived is recorded instead, and staff are told: the date becomes the response's (or
    the clarification's, or the extension notice's) when staff confirm the kind, and the clock
    runs from it (docs/deadlines.md)."""
    if message.sent_at is None:
        return ""
    written = timezone.localdate(message.sent_at)
    arrived = timezone.localdate(message.received_at)
    if written > arrived:
        why = f"after the day it arrived ({en_gb(arrived)})"
    elif request is not None and request.sent_on and written < request.sent_on:
        why = f"before the request was sent ({en_gb(request.sent_on)})"
    else:
        return ""
    return DOUBTFUL_DATE.format(written=en_gb(written), why=why, arrived=en_gb(arrived))


def file_under(message: InboundMessage, request: FOIRequest, matched_by, *, note="", user=None):
    """File the stored `message` under `request` as incoming correspondence (staff's choice
    from Unmatched replies), its kind still a suggestion."""
    attention = [text for text in (note, message.problem, doubtful_date(message, request)) if text]
    stored = message.attachments.exclude(file="")
    documents = [item for item in stored if _is_document(item.name)]
    correspondence = _incoming(message, request, documents, user)
    correspondence.save()
    message.request, message.matched_by = request, matched_by
    message.match_note = note[:300]
    message.correspondence, message.filed_by = correspondence, user
    message.save(
        update_fields=["request", "matched_by", "match_note", "correspondence", "filed_by"]
    )
    attention += _note_what_is_certain(message, request, correspondence)
    if attention:
        correspondence.needs_attention = " ".join(attention)[:200]
        correspondence.save(update_fields=["needs_attention"])
    return correspondence


def _incoming(message, request, documents, user) -> Correspondence:
    """The incoming correspondence `message` becomes under `request` (unsaved)."""
    first_document = documents[0] if documents else None
    return Correspondence(
        request=request,
        direction=Correspondence.Direction.IN,
        kind=message.suggested_kind,
        state=Correspondence.State.RECEIVED,
        date=received_on(message, request),
        address=message.sender,
        subject=message.subject,
        body=message.body,
        message_id=message.message_id,
        attachment=first_document.file.name if first_document else "",
        kind_confirmed=False,
        kind_reason=message.kind_reason,
        created_by=user,
    )


def _note_what_is_certain(message, request, correspondence, answers_kind="") -> list[str]:
    """The force's reference where the request has none; a bounce flags the request, unless it
    returns another of our messages (a chaser, a review): the request itself arrived."""
    changed, attention = [], []
    if message.force_reference and not request.reference:
        request.reference = message.force_reference
        changed.append("reference")
    bounced = message.suggested_kind == classify.BOUNCE
    if bounced and answers_kind and answers_kind != Correspondence.Kind.REQUEST:
        label = Correspondence.Kind(answers_kind).label.lower()
        attention.append(OTHER_NOT_DELIVERED.format(kind=label))
    elif bounced and not request.has_final_response:
        request.not_delivered_on = correspondence.date
        changed.append("not_delivered_on")
        attention.append(NOT_DELIVERED)
        logger.warning("Delivery failure for %s (%s)", request.our_reference, request.force)
    if changed:
        request._change_reason = f"From the force's email {message.message_id}"
        request.save()
    return attention
