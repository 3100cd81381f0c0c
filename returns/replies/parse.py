"""Read a raw email (bytes) into what matching, classification and storage need: pure, no
Django models. Nothing in a message is run or rendered: HTML becomes text (returns/replies/
text.py), attachments are bytes with a name, and any part that cannot be read is reported in
`problems` rather than raised, so a broken message is still kept and shown.
"""

from __future__ import annotations

import hashlib
import re
import weakref
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes, policy
from email.headerregistry import HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr, parsedate_to_datetime
from functools import lru_cache

from returns.replies.text import html_to_text, tidy

MESSAGE_ID = re.compile(r"<[^<>\s]+>")
ADDRESS_HEADERS = ("To", "Cc", "Delivered-To", "X-Original-To", "Envelope-To", "X-Forwarded-To")
BODY_LIMIT = 200_000  # characters of text kept for the page and classification


class _ReusedHeaders(HeaderRegistry):
    """The standard header objects, each value parsed once: the parser and the reading below
    ask for a part's Content-Type several times, and each ask would parse it again."""

    def __init__(self):
        super().__init__()
        self._classes = {}
        self._parsed = lru_cache(maxsize=4096)(super().__call__)

    def __getitem__(self, name):
        name = name.lower()
        if name not in self._classes:
            self._classes[name] = super().__getitem__(name)
        return self._classes[name]

    def __call__(self, name, value):
        return self._parsed(name, value)


# policy.default, its header objects (immutable) reused for a value seen before.
POLICY = policy.default.clone(header_factory=_ReusedHeaders())


@dataclass
class Attachment:
    name: str  # as the sender named it (made safe when stored)
    content_type: str
    data: bytes


@dataclass
class Original:
    """What a message carries of another one: the bounced message of a delivery failure, or
    the force's reply inside a forward."""

    message_id: str = ""
    subject: str = ""
    sender: str = ""
    addresses: list[str] = field(default_factory=list)  # To, Cc, Reply-To, From


@dataclass
class ParsedEmail:
    message_id: str
    sender: str = ""
    sender_name: str = ""
    recipients: list[str] = field(default_factory=list)
    subject: str = ""
    date: datetime | None = None
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # lower-case name: first value
    content_type: str = "text/plain"
    report_type: str = ""
    body: str = ""
    attachments: list[Attachment] = field(default_factory=list)
    original: Original | None = None
    problems: list[str] = field(default_factory=list)
    headers_only: bool = False
    # When it reached the charity's mailbox (IMAP INTERNALDATE, the mail server's own clock):
    # given by the mailbox, not read from the message; None for a file.
    arrived_at: datetime | None = None

    @property
    def is_delivery_report(self):
        return self.content_type == "multipart/report" and self.report_type == "delivery-status"

    @property
    def sender_domain(self):
        return domain_of(self.sender)


def domain_of(address: str) -> str:
    """The domain of an email address, lower case ("" when it has none)."""
    return address.rpartition("@")[2].lower() if "@" in address else ""


def parse(raw: bytes, *, headers_only: bool = False) -> ParsedEmail:
    """The email in `raw`; with `headers_only` (a message over the size limit), its headers."""
    if headers_only:
        raw = raw.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0] + b"\n\n"
    message = message_from_bytes(raw, policy=POLICY)
    parsed = ParsedEmail(message_id=_message_id(message, raw), headers_only=headers_only)
    _read_headers(message, parsed)
    if not headers_only:
        _read_parts(message, parsed)
        parsed.original = parsed.original or forwarded_original(parsed.body, parsed.subject)
    if headers_only:
        return parsed  # its body was cut off: the defects that makes say nothing
    defects = [type(defect).__name__ for defect in _all_defects(message)]
    serious = [name for name in defects if name in SERIOUS_DEFECTS]
    if serious:
        parsed.problems.append(
            "The message's MIME structure is broken ("
            + ", ".join(sorted(set(serious)))
            + "): what could be read is shown; the raw message is kept as received."
        )
    return parsed


SERIOUS_DEFECTS = {
    "NoBoundaryInMultipartDefect",
    "StartBoundaryNotFoundDefect",
    "CloseBoundaryNotFoundDefect",
    "MultipartInvariantViolationDefect",
    "InvalidBase64PaddingDefect",
    "InvalidBase64CharactersDefect",
    "InvalidBase64LengthDefect",
    "MissingHeaderBodySeparatorDefect",
    "MisplacedEnvelopeHeaderDefect",
    "InvalidMultipartContentTransferEncodingDefect",
}


def _all_defects(message):
    yield from message.defects
    if message.is_multipart():
        for part in message.get_payload() or []:
            if hasattr(part, "defects"):
                yield from _all_defects(part)


# --- Headers ----------------------------------------------------------------------------------


def header(message, name) -> str:
    """A header as text, however malformed (a header that cannot be decoded is taken raw)."""
    raw = _raw(message, name)
    if raw is None:
        return ""
    if _is_plain_text(name, raw):
        value = raw.replace("\r", "").replace("\n", "")  # unfolded, as the parser reads it
    else:
        try:
            value = message.get(name)
        except Exception:  # a header the policy cannot parse
            value = raw
    return " ".join(str(value).split())


def _raw(message, name) -> str | None:
    """The first `name` header's value as it stands in the message (folded, not decoded)."""
    first = _FIRST_VALUES.get(message)
    if first is None:
        first = _FIRST_VALUES[message] = {}
        for key, value in message.raw_items():
            first.setdefault(key.lower(), value)
    return first.get(name.lower())


# {message: {lower-case header name: its first raw value}}, read once per message (or part).
_FIRST_VALUES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _is_plain_text(name, raw) -> bool:
    """Whether the header `name` is free text (RFC 5322 unstructured: Subject, References,
    Auto-Submitted ...) and its value plain ASCII with no encoded word: such a value reads the
    same raw, whitespace tidied, as through the email package's parser, which is slow for it."""
    return (
        raw.isascii()
        and "=?" not in raw
        and issubclass(POLICY.header_factory[name], UnstructuredHeader)
    )


def _message_id(message, raw) -> str:
    found = MESSAGE_ID.findall(_plain_message_id(message) or header(message, "Message-ID"))
    if found:
        return found[0][:255]
    # No Message-ID: one derived from the bytes, so the same message is still stored once.
    return f"<{hashlib.sha256(raw).hexdigest()[:40]}@no-message-id.invalid>"


_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
PLAIN_MESSAGE_ID = re.compile(rf"[ \t]*<{_ATEXT}(?:\.{_ATEXT})*@{_ATEXT}(?:\.{_ATEXT})*>[ \t]*")


def _plain_message_id(message) -> str:
    """The Message-ID as `header` reads it, when it has the plain form <dot-atom@dot-atom>
    (RFC 5322 3.6.4; most have): that form reads the same raw as through the email package's
    parser, which is slow for it. Otherwise ""."""
    value = _raw(message, "Message-ID") or ""
    value = value.replace("\r", "").replace("\n", "")  # unfolded, as the parser reads it
    return " ".join(value.split()) if PLAIN_MESSAGE_ID.fullmatch(value) else ""


def addresses(message, *names) -> list[str]:
    values = [header(message, name) for name in names]
    return [address for value in values if value for address in _addresses_in(value)]


@lru_cache(maxsize=4096)
def _addresses_in(value) -> tuple[str, ...]:
    """The addresses of one header value, lower case (a force's and our addresses recur)."""
    found = [address.lower() for _, address in getaddresses([value])]
    return tuple(address for address in found if "@" in address)


def _read_headers(message, parsed):
    parsed.sender_name, parsed.sender = _person(header(message, "From"))
    parsed.sender = parsed.sender.lower()
    parsed.recipients = addresses(message, *ADDRESS_HEADERS)
    parsed.subject = header(message, "Subject")[:300]
    parsed.in_reply_to = MESSAGE_ID.findall(header(message, "In-Reply-To"))
    parsed.references = MESSAGE_ID.findall(header(message, "References"))
    parsed.date = sent_at(message)
    for name in (
        "Auto-Submitted",
        "X-Autoreply",
        "X-Autorespond",
        "X-Auto-Response-Suppress",
        "Precedence",
        "X-Failed-Recipients",
        "Return-Path",
    ):
        value = header(message, name)
        if value:
            parsed.headers[name.lower()] = value
    parsed.content_type = message.get_content_type()
    parsed.report_type = (message.get_param("report-type") or "").lower()


@lru_cache(maxsize=4096)  # one force writes from one address
def _person(value) -> tuple[str, str]:
    """(name, address) of a From value. "Smith, Jane <jane.smith@dorset.police.uk>", the comma
    unquoted as Outlook writes a forwarded message's From line (and some servers a header), is
    one person, whom parseaddr reads as "Smith"."""
    name, address = parseaddr(value)
    if "@" in address:
        return name, address
    found = [address for _, address in getaddresses([value]) if "@" in address]
    return (value.partition("<")[0].strip(' "'), found[-1]) if found else (name, address)


def sent_at(message) -> datetime | None:
    """The Date header's moment; None without one, or without its zone (it cannot be placed:
    the arrival time is used). A plain ASCII value is read as it stands: the email package's
    parser reads it the same way, then formats what it read, to be read again."""
    raw = _raw(message, "Date")
    if raw is None:
        return None
    if raw.isascii():
        value = raw.replace("\r", "").replace("\n", "")  # unfolded, as the parser reads it
    else:
        value = header(message, "Date")
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo is not None else None


# --- Body and attachments ---------------------------------------------------------------------


# S/MIME (RFC 8551) and OpenPGP (RFC 3156) signature parts of a multipart/signed email.
SIGNATURES = {
    "application/pkcs7-signature",
    "application/x-pkcs7-signature",
    "application/pgp-signature",
}


def _read_parts(message, parsed):
    plain, html = [], []
    for part in _walk(message):
        content_type = part.get_content_type()
        disposition = part.get_content_disposition()
        filename = _filename(part)
        if content_type in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers"):
            parsed.original = parsed.original or _embedded(part)
            if content_type == "message/rfc822" and not parsed.is_delivery_report:
                plain.append(_forwarded_text(part, parsed))
                if filename:
                    parsed.attachments.append(Attachment(filename, content_type, _bytes(part)))
            continue
        if content_type == "message/delivery-status":
            plain.append(_delivery_status(part))
            continue
        if content_type in SIGNATURES:
            continue  # a signed email's signature (smime.p7s), not a document: the raw keeps it
        if disposition == "attachment" or filename:
            parsed.attachments.append(Attachment(filename or "", content_type, _bytes(part)))
        elif content_type == "text/plain":
            plain.append(_text(part, parsed))
        elif content_type == "text/html":
            html.append(_text(part, parsed))
    if plain and any(text.strip() for text in plain):
        body = "\n\n".join(tidy(text) for text in plain)
    else:
        body = "\n\n".join(html_to_text(text) for text in html)
    parsed.body = body[:BODY_LIMIT]


def _walk(message):
    """Every leaf part, not descending into attached messages (they are read as one)."""
    if message.is_multipart() and not message.get_content_type().startswith("message/"):
        for part in message.get_payload() or []:
            if isinstance(part, EmailMessage):
                yield from _walk(part)
        return
    yield message


def _forwarded_text(part, parsed) -> str:
    """An attached message's text, under a forward mark (as a forward in the body would be)."""
    payload = part.get_payload()
    if not (isinstance(payload, list) and payload):
        return ""
    inner = ParsedEmail(message_id="")
    _read_parts(payload[0], inner)
    fields = [f"{name}: {header(payload[0], name)}" for name in ("From", "Date", "Subject", "To")]
    return "\n".join(["---------- Forwarded message ---------", *fields, "", inner.body])


def _delivery_status(part) -> str:
    payload = part.get_payload()
    if isinstance(payload, list):
        return "\n\n".join(block.as_string().strip() for block in payload)
    return str(payload)


def _filename(part) -> str:
    try:
        return part.get_filename() or ""
    except Exception:
        return header(part, "Content-Disposition")[:200]


def _bytes(part) -> bytes:
    if part.get_content_type().startswith("message/"):
        payload = part.get_payload()
        if isinstance(payload, list) and payload:
            return payload[0].as_bytes()
        return str(payload).encode("utf-8", "replace")
    try:
        data = part.get_payload(decode=True)
    except Exception:
        data = None
    if data is None:
        data = str(part.get_payload()).encode("utf-8", "replace")
    return data


def _text(part, parsed) -> str:
    try:
        return part.get_content()
    except (LookupError, UnicodeError, ValueError, AssertionError, KeyError):
        data = _bytes(part)
        charset = part.get_content_charset() or ""
        parsed.problems.append(
            f"A text part's charset {charset or '(none)'!r} could not be used: read as "
            "Windows-1252."
        )
        return data.decode("cp1252", "replace")


def _embedded(part) -> Original:
    payload = part.get_payload()
    if isinstance(payload, list) and payload:
        inner = payload[0]
    else:
        text = payload if isinstance(payload, str) else _bytes(part).decode("utf-8", "replace")
        inner = message_from_bytes(text.encode("utf-8", "replace"), policy=POLICY)
    return Original(
        message_id=(MESSAGE_ID.findall(header(inner, "Message-ID")) or [""])[0],
        subject=header(inner, "Subject"),
        sender=_person(header(inner, "From"))[1].lower(),
        addresses=addresses(inner, "To", "Cc", "Reply-To", "From"),
    )


# A forward written into the body: "---------- Forwarded message ---------" (Gmail),
# "-----Original Message-----" / "From: ... Sent: ..." (Outlook), "Begin forwarded message:".
FORWARD_MARK = re.compile(
    r"^\s*(-{3,}\s*(Forwarded message|Original Message)\s*-{3,}|Begin forwarded message:)",
    re.IGNORECASE | re.MULTILINE,
)
FORWARD_FIELD = re.compile(r"^\s*>?\s*(From|Subject|To|Cc|Reply-To):\s*(.+)$", re.IGNORECASE)
# Outlook forwards under its From/Sent block (a rule of underscores above it), the same block it
# quotes a reply under: it marks a forward only in a message whose subject says "FW:".
FORWARDED_SUBJECT = re.compile(r"^\s*(fw|fwd)\s*:", re.IGNORECASE)
OUTLOOK_BLOCK = re.compile(
    r"^[ \t]*(_{10,}[ \t]*\n\s*)?From:[ \t].+\n[ \t]*(Sent|Date):[ \t]",
    re.IGNORECASE | re.MULTILINE,
)


def forward_mark(body: str, subject: str = ""):
    """Where a message forwarded in `body` starts (a regex match), or None."""
    mark = FORWARD_MARK.search(body)
    if mark is None and FORWARDED_SUBJECT.match(subject):
        mark = OUTLOOK_BLOCK.search(body)
    return mark


def forwarded_original(body: str, subject: str = "") -> Original | None:
    """The first message forwarded in `body`, from its quoted From/Subject lines."""
    mark = forward_mark(body, subject)
    if not mark:
        return None
    original = Original()
    for line in body[mark.start() :].splitlines()[:14]:
        found = FORWARD_FIELD.match(line)
        if not found:
            continue
        name, value = found.group(1).lower(), found.group(2).strip()
        if name == "subject" and not original.subject:
            original.subject = value[:300]
        elif name == "from" and not original.sender:
            original.sender = _person(value.replace("[mailto:", "<").replace("]", ">"))[1].lower()
        else:
            original.addresses += [a.lower() for _, a in getaddresses([value]) if "@" in a]
    return original if (original.sender or original.subject) else None
