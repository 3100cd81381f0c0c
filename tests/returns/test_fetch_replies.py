"""Fetching replies from a real IMAP mailbox (the dovecot scripts/test starts)."""

import json
from datetime import UTC, date, datetime
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from returns.models import Correspondence, InboundMessage, MailboxCheck
from returns.replies import mailbox as mailbox_module
from returns.replies import store
from returns.replies.mailbox import fetch_replies
from tests.factories import FOIRequestFactory, force
from tests.returns.replies_helpers import ImapMailbox, raw_email, round_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

SOME = ["01_acknowledgement_our_ref.eml", "12_response_xlsx.eml", "28_unmatched_unknown_sender.eml"]


@pytest.fixture
def imap(settings):
    return ImapMailbox(settings)


def test_it_fetches_new_messages_and_marks_them_read(round_, imap, capsys):
    imap.append(*[raw_email(name, round_) for name in SOME])

    call_command("fetch_replies", "--json")

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["suggested_kind"] for line in lines] == ["acknowledgement", "response", "other"]
    assert [line["matched_by"] for line in lines] == ["token", "token", None]
    assert imap.unseen() == 0
    assert InboundMessage.objects.filter(source="mailbox").count() == 3
    check = MailboxCheck.objects.get()
    assert check.succeeded_at and not check.error and check.messages_taken == 3


def test_it_never_stores_a_message_twice(round_, imap, capsys):
    imap.append(raw_email(SOME[0], round_))
    call_command("fetch_replies")
    imap.append(raw_email(SOME[0], round_))  # the same message again (a re-delivery)

    call_command("fetch_replies", "--json")

    assert json.loads(capsys.readouterr().out.splitlines()[-1])["duplicate"] is True
    assert Correspondence.objects.filter(direction="in").count() == 1


def test_it_leaves_a_message_unread_when_storing_it_failed(round_, imap):
    imap.append(*[raw_email(name, round_) for name in SOME[:2]])
    real_ingest = store.ingest

    def failing_second(raw, source, **kwargs):
        if b"xlsx" in raw:
            raise RuntimeError("disk full")
        return real_ingest(raw, source, **kwargs)

    with mock.patch.object(mailbox_module, "ingest", failing_second):
        with pytest.raises(CommandError, match="left unread"):
            call_command("fetch_replies")

    assert imap.unseen() == 1
    assert InboundMessage.objects.count() == 1
    call_command("fetch_replies")  # the next run takes it
    assert imap.unseen() == 0 and InboundMessage.objects.count() == 2


def test_it_reports_a_mailbox_it_cannot_reach_and_loses_nothing(settings, db):
    settings.IMAP_HOST, settings.IMAP_PORT, settings.IMAP_SECURITY = "127.0.0.1", 1, "none"
    settings.IMAP_USER = settings.IMAP_PASSWORD = "x"
    settings.IMAP_TIMEOUT = 3

    with pytest.raises(CommandError, match="could not be read"):
        call_command("fetch_replies")

    assert "127.0.0.1:1" in MailboxCheck.objects.get().error


def test_it_reports_a_wrong_password(imap, settings):
    settings.IMAP_PASSWORD = "wrong"

    with pytest.raises(CommandError, match="could not be read"):
        call_command("fetch_replies")


def test_it_says_how_to_set_up_a_mailbox_when_none_is_configured(settings):
    settings.IMAP_HOST = ""

    with pytest.raises(CommandError, match="IMAP_HOST, IMAP_USER and IMAP_PASSWORD"):
        call_command("fetch_replies")


def test_it_moves_processed_messages_when_asked(round_, imap, settings):
    client = imap.client()
    client.create("Processed")
    client.logout()
    settings.IMAP_PROCESSED_FOLDER = "Processed"
    imap.append(raw_email(SOME[0], round_))

    call_command("fetch_replies")

    client = imap.client()
    assert client.select("INBOX")[1] == [b"0"]
    assert client.select("Processed")[1] == [b"1"]
    client.logout()


def test_it_reads_nothing_when_nothing_is_unread(round_, imap, capsys):
    imap.append(*[raw_email(name, round_) for name in SOME])
    call_command("fetch_replies")

    report = mailbox_module.fetch_replies()

    assert report.taken == []  # not the folder's every message again, as duplicates
    assert MailboxCheck.objects.get().messages_taken == 0


def test_it_never_purges_a_message_someone_else_marked_deleted(round_, imap):
    imap.append(raw_email(SOME[0], round_))
    client = imap.client()
    client.select("INBOX")
    client.store("1", "+FLAGS", "(\\Seen \\Deleted)")  # a colleague's mail program
    client.logout()
    imap.append(raw_email(SOME[1], round_))

    call_command("fetch_replies")

    client = imap.client()
    client.select("INBOX")
    _, found = client.search(None, "ALL")
    client.logout()
    assert len(found[0].split()) == 2  # marking ours read expunged nothing
    assert imap.unseen() == 0


# --- When a message came: the mail server's clock, not the sender's -------------------------

OLD_DATED_REPLY = (  # its Date a year before the request was sent: the sender's clock is wrong
    b"From: Freedom of Information <freedomofinformation@gwent.police.uk>\r\n"
    b"To: foi@charity.example\r\nDate: Mon, 10 Mar 2025 10:15:00 +0000\r\n"
    b"Message-ID: <old-dated@gwent.police.uk>\r\nSubject: Your FOI request\r\n\r\n"
    b"Please find attached our response to your request.\r\n"
)


@pytest.fixture(name="gwent_request")
def gwent_request_fixture():
    return FOIRequestFactory(force=force("Gwent Police"), sent_on=date(2026, 1, 5))


def test_it_records_when_each_message_reached_the_mailbox(gwent_request, imap):
    arrived = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    imap.append(OLD_DATED_REPLY, arrived=arrived)

    fetch_replies()

    assert InboundMessage.objects.get().received_at == arrived


def test_it_files_by_domain_a_reply_that_came_after_the_request_was_sent_whatever_its_date(
    gwent_request, imap
):
    imap.append(OLD_DATED_REPLY)  # it arrives now

    [taken] = fetch_replies().taken

    assert (taken.message.request, taken.message.matched_by) == (gwent_request, "domain")
    correspondence = taken.message.correspondence
    assert correspondence.date == timezone.localdate(taken.message.received_at)
    assert "Date header says 10 Mar 2025, before the request was sent" in (
        correspondence.needs_attention
    )


def test_it_leaves_unmatched_an_email_that_reached_the_mailbox_before_the_request_was_sent(
    gwent_request, imap
):
    imap.append(OLD_DATED_REPLY, arrived=datetime(2025, 12, 1, 9, 0, tzinfo=UTC))

    [taken] = fetch_replies().taken

    assert taken.message.request is None  # an old email left unread: staff choose
