"""Take in one email: keep it, match it, suggest its kind, file it (README: Replies).

One path for every source (the mailbox, `ingest_email`, the admin's upload). Each message is
stored once, by Message-ID: a message seen before is reported as a duplicate and changes
nothing. Matched with certainty (returns/replies/match.py), it is filed under its request as
incoming correspondence at once, its kind a suggestion (returns/replies/classify.py) for staff
to confirm (returns/replies/confirm.py); otherwise it waits in Unmatched replies. Filing does
only what cannot hurt: the force's reference is noted where the request has none, and a
delivery failure flags the request as not delivered (staff are told). What ends or stops the
clock waits for staff; until then the request is not chased (returns/stages.py).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone

from returns.models import Correspondence, EmailAttachment, FOIRequest, InboundMessage
from returns.replies import classify, match
from returns.replies.parse import ParsedEmail, parse
from returns.replies.text import safe_file_name
from returns.uploads import validate_upload

logger = logging.getLogger(__name__)

TOO_LARGE = (
    "The message is {size}, over the limit of {limit} (INBOUND_MAX_MESSAGE_BYTES): only its "
    "headers were kept; read it where it came from (a mailbox keeps it in place)."
)
NOT_DELIVERED = "Delivery failure: the force may not have the request. Check its address."


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


def ingest(
    raw: bytes, source: str, *, user=None, directory: match.Directory | None = None
) -> Ingested:
    """Store, match, classify and (if certain) file one raw email; never stores it twice."""
    too_large = len(raw) > settings.INBOUND_MAX_MESSAGE_BYTES
    email = parse(raw, headers_only=too_large)
    if too_large:
        email.problems.append(
            TOO_LARGE.format(
                size=filesizeformat(len(raw)),
                limit=filesizeformat(settings.INBOUND_MAX_MESSAGE_BYTES),
            )
        )
        raw = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0] + b"\r\n\r\n"
    existing = _existing(email.message_id)
    if existing is not None:
        return existing
    attachments = [_checked_attachment(part) for part in email.attachments]
    accepted = [item.name for item in attachments if not item.refused]
    verdict = classify.classify(email, accepted)
    directory = directory or match.Directory()
    found = match.match(email, verdict.force_reference, directory)
    try:
        with transaction.atomic():
            message = _store(email, raw, source, verdict, found, attachments, user)
    except IntegrityError:  # stored meanwhile by another run: the first one stands
        existing = _existing(email.message_id)
        if existing is None:
            raise
        return existing
    if found.request and verdict.force_reference:
        directory.remember_reference(found.request.pk, verdict.force_reference)
    return Ingested(message, False, accepted)


def _existing(message_id):
    message = (
        InboundMessage.objects.select_related("request__force")
        .filter(message_id=message_id)
        .first()
    )
    if message is None:
        return None
    names = [item.name for item in message.attachments.all() if not item.refused]
    return Ingested(message, True, names)


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


def _store(email: ParsedEmail, raw, source, verdict, found, attachments, user):
    message = InboundMessage(
        message_id=email.message_id,
        size=len(raw),
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
    refused = [f"{item.name}: {item.refused}" for item in attachments if item.refused]
    if refused:
        message.problem = " ".join([message.problem, "Attachments refused:", *refused])[:300]
    message.raw.save(_raw_name(message), ContentFile(raw), save=False)
    for item in attachments:
        if not item.refused:
            item.file.save(item.name, ContentFile(item.data), save=False)
    if found.request is not None:
        # The source file of the figures: a document, never a signature's logo.
        documents = [item for item in attachments if item.file and _is_document(item.name)]
        file_under(message, found.request, found.matched_by, note=found.note, user=user,
                   documents=documents, unsaved=True)  # fmt: skip
    else:
        message.save()
    for item in attachments:
        item.message = message
    EmailAttachment.objects.bulk_create(attachments)
    return message


def _is_document(name):
    return bool(classify.RESPONSE_ATTACHMENT.search(name))


def _raw_name(message):
    return safe_file_name(message.message_id.strip("<>"), fallback="message")[:60] + ".eml"


def received_on(message: InboundMessage):
    """The day the force's email was sent (its Date header), else the day it arrived."""
    moment = message.sent_at or message.received_at or timezone.now()
    return timezone.localdate(moment)


def file_under(
    message: InboundMessage,
    request: FOIRequest,
    matched_by,
    *,
    note="",
    user=None,
    documents=None,
    unsaved=False,
):
    """File `message` under `request` as incoming correspondence, its kind still a suggestion.

    `documents`: its stored attachments, when known; `unsaved`: `message` is new (saved here).
    """
    attention = [text for text in (note, message.problem) if text]
    if documents is None:
        stored = message.attachments.exclude(file="")
        documents = [item for item in stored if _is_document(item.name)]
    first_document = documents[0] if documents else None
    correspondence = Correspondence.objects.create(
        request=request,
        direction=Correspondence.Direction.IN,
        kind=message.suggested_kind,
        state=Correspondence.State.RECEIVED,
        date=received_on(message),
        address=message.sender,
        subject=message.subject,
        body=message.body,
        message_id=message.message_id,
        attachment=first_document.file.name if first_document else "",
        kind_confirmed=False,
        kind_reason=message.kind_reason,
        created_by=user,
    )
    message.request, message.matched_by = request, matched_by
    message.match_note = note[:300]
    message.correspondence, message.filed_by = correspondence, user
    if unsaved:
        message.save()
    else:
        message.save(
            update_fields=["request", "matched_by", "match_note", "correspondence", "filed_by"]
        )
    attention += _note_what_is_certain(message, request, correspondence)
    if attention:
        correspondence.needs_attention = " ".join(attention)[:200]
        correspondence.save(update_fields=["needs_attention"])
    return correspondence


def _note_what_is_certain(message, request, correspondence) -> list[str]:
    """The force's reference where the request has none; a bounce flags the request."""
    changed, attention = [], []
    if message.force_reference and not request.reference:
        request.reference = message.force_reference
        changed.append("reference")
    if message.suggested_kind == classify.BOUNCE and not request.has_final_response:
        request.not_delivered_on = correspondence.date
        changed.append("not_delivered_on")
        attention.append(NOT_DELIVERED)
        logger.warning("Delivery failure for %s (%s)", request.our_reference, request.force)
    if changed:
        request._change_reason = f"From the force's email {message.message_id}"
        request.save()
    return attention
