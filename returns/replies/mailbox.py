"""Read the charity's mailbox over IMAP (imap-tools) and take in each new message.

What `manage.py fetch_replies` and the beat task (every 5 minutes) run. A message is marked
processed on the server (\\Seen, or moved to IMAP_PROCESSED_FOLDER) only after the transaction
that stored it has committed, so a crash can only make the next run read it again, where its
Message-ID shows it was already stored. Messages are fetched BULK at a time, read one by one,
and stored BATCH at a time, in one transaction (store_all). An unreachable mailbox
raises MailboxUnreachable (the task retries; each attempt is recorded on MailboxCheck and
shown in the admin); nothing is marked, so nothing is lost.
"""

from __future__ import annotations

import imaplib
import logging
import re
import socket
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime
from time import mktime

from django.conf import settings
from django.utils import timezone
from imap_tools import AND, MailBox, MailBoxStartTls, MailBoxUnencrypted, MailMessage
from imap_tools.errors import ImapToolsError

from returns.models import MailboxCheck
from returns.replies import match
from returns.replies.store import Ingested, ingest, store_all

logger = logging.getLogger(__name__)

HOW_TO_SET_UP = (
    "No mailbox is configured, so no replies are fetched. Set IMAP_HOST, IMAP_USER and "
    "IMAP_PASSWORD (an app password where the provider asks for one), and if needed "
    "IMAP_PORT, IMAP_SECURITY (ssl, starttls or none), IMAP_FOLDER (default INBOX) and "
    "IMAP_PROCESSED_FOLDER, in the environment of the web server and the Celery worker, then "
    "restart them (README: Replies). Meanwhile, take replies in with `manage.py ingest_email "
    "FILE...` or the admin's Upload a forwarded email."
)
BULK = 50  # messages per FETCH command
BATCH = 250  # messages per transaction: a few queries each, whatever its size
BATCH_BYTES = 50 * 1024 * 1024  # a batch held in memory is stored sooner when it is this big


class MailboxNotConfigured(Exception):
    pass


class MailboxUnreachable(Exception):
    """The mailbox could not be reached or read (the reason is the message)."""


@dataclass
class FetchReport:
    taken: list[Ingested] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)  # left in the mailbox, unread

    @property
    def new(self):
        return [item for item in self.taken if not item.duplicate]


class RawMessage(MailMessage):
    """A fetched message kept as bytes: store.ingest parses it once, its own way."""

    def __init__(self, fetch_data):
        raw, uid_data, flag_data = self._get_message_data_parts(fetch_data)
        self._raw_uid_data, self._raw_flag_data = uid_data, flag_data
        self.raw = raw


def is_configured() -> bool:
    return bool(settings.IMAP_HOST)


def connect():
    host, port, timeout = settings.IMAP_HOST, settings.IMAP_PORT, settings.IMAP_TIMEOUT
    if settings.IMAP_SECURITY == "ssl":
        mailbox = MailBox(host, port, timeout=timeout)
    elif settings.IMAP_SECURITY == "starttls":
        mailbox = MailBoxStartTls(host, port, timeout=timeout)
    else:
        mailbox = MailBoxUnencrypted(host, port, timeout=timeout)
    mailbox.email_message_class = RawMessage
    return mailbox.login(settings.IMAP_USER, settings.IMAP_PASSWORD, settings.IMAP_FOLDER)


UNREACHABLE = (OSError, socket.timeout, ssl.SSLError, imaplib.IMAP4.error, ImapToolsError)


def fetch_replies(limit: int | None = None, progress=None) -> FetchReport:
    """Take in every unread message of the mailbox folder; mark each once it is stored.
    `progress(done, total)` is called as each message is taken, and at the end
    (returns/progress.py)."""
    if not is_configured():
        raise MailboxNotConfigured(HOW_TO_SET_UP)
    report = FetchReport()
    try:
        with connect() as mailbox:
            uids = mailbox.uids(AND(seen=False))[:limit]
            if uids:  # imap-tools would fetch the whole folder for an empty list
                _take_in(mailbox, uids, report, progress)
            if progress:
                progress(len(uids), len(uids))
    except UNREACHABLE as error:
        reason = f"{settings.IMAP_HOST}:{settings.IMAP_PORT}: {type(error).__name__}: {error}"
        _record(report, error=reason)
        raise MailboxUnreachable(reason) from error
    _record(report, error="; ".join(report.failed))
    return report


def _take_in(mailbox, uids, report, progress):
    """Read the messages `uids` one by one, and store them a batch at a time."""
    directory = match.Directory()
    arrivals = arrival_times(mailbox, uids)
    batch, batch_bytes = [], 0  # (uid, Incoming): read, to be stored together
    for done, item in enumerate(mailbox.fetch(uid_list=uids, mark_seen=False, bulk=BULK), 1):
        if progress:
            progress(done - 1, len(uids))
        try:
            arrived_at = arrivals.get(item.uid)
            batch.append(
                (item.uid, ingest(item.raw, "mailbox", deferred=True, arrived_at=arrived_at))
            )
        except UNREACHABLE:
            raise
        except Exception as error:  # left unread, for the next run; the rest go on
            _failed(report, item.uid, error)
            continue
        batch_bytes += batch[-1][1].size
        if len(batch) >= BATCH or batch_bytes >= BATCH_BYTES:
            _store(mailbox, batch, directory, report)
            batch, batch_bytes = [], 0
    if batch:
        _store(mailbox, batch, directory, report)


_UID = re.compile(rb"\bUID (\d+)")  # a message's UID in a FETCH response (RFC 3501 7.4.2)


def arrival_times(mailbox, uids) -> dict[str, datetime]:
    """{uid: when the message reached the mailbox}: its INTERNALDATE, the mail server's own
    clock (a sender's Date header may be wrong), asked for all `uids` in a few commands."""
    arrivals = {}
    for start in range(0, len(uids), 1000):
        status, lines = mailbox.client.uid("FETCH", ",".join(uids[start : start + 1000]),
                                           "(INTERNALDATE)")  # fmt: skip
        if status != "OK":
            raise imaplib.IMAP4.error("The server would not say when the messages arrived.")
        for line in lines:
            uid = _UID.search(line) if isinstance(line, bytes) else None
            arrived = imaplib.Internaldate2tuple(line) if uid else None  # local time, or None
            if arrived:
                arrivals[uid.group(1).decode()] = datetime.fromtimestamp(mktime(arrived), UTC)
    return arrivals


def _store(mailbox, batch, directory, report):
    """Store a batch in one transaction, then mark what it stored as processed."""
    results = store_all([item for _, item in batch], "mailbox", directory=directory)
    stored = []
    for (uid, _), result in zip(batch, results, strict=True):
        if isinstance(result, UNREACHABLE):
            raise result
        if isinstance(result, Exception):
            _failed(report, uid, result)
        else:
            report.taken.append(result)
            stored.append(uid)  # committed
    if stored:
        _mark_processed(mailbox, stored)


def _failed(report, uid, error):
    logger.error("Message %s could not be taken in", uid, exc_info=error)
    report.failed.append(f"message {uid}: {type(error).__name__}: {error}")


def _mark_processed(mailbox, uids):
    if settings.IMAP_PROCESSED_FOLDER:
        mailbox.move(uids, settings.IMAP_PROCESSED_FOLDER)
        return
    # A plain UID STORE: imap-tools' flag() also EXPUNGEs, which would destroy for good any
    # message someone else's mail program has marked \Deleted in this shared mailbox.
    status, _ = mailbox.client.uid("STORE", ",".join(uids), "+FLAGS", "(\\Seen)")
    if status != "OK":
        raise imaplib.IMAP4.error(f"The server would not mark {len(uids)} messages as read.")


def _record(report, error=""):
    now = timezone.now()
    check, _ = MailboxCheck.objects.get_or_create(pk=1)
    check.checked_at = now
    check.error = error[:500]
    check.messages_taken = len(report.new)
    if not error or report.taken:
        check.succeeded_at = now
    check.save()
    if error:
        logger.error("The mailbox could not be read: %s", error)
