"""The mailbox's messages are stored a batch at a time (returns/replies/store.py: store_all):
each is filed as it would be alone, and one message cannot keep the others of its batch out."""

import json
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from returns.models import Correspondence, FOIRequest, InboundMessage, StoredFile
from returns.replies import mailbox, store
from tests.returns.replies_helpers import (  # noqa: F401
    CORPUS,
    EXPECTED,
    ImapMailbox,
    raw_email,
    round_fixture,
)

pytestmark = pytest.mark.django_db

SOME = ["01_acknowledgement_our_ref.eml", "12_response_xlsx.eml", "28_unmatched_unknown_sender.eml"]
SPREADSHEET_ID = "<8f638a262c498aee@mail.example>"  # SOME[1]'s


@pytest.fixture
def imap(settings):
    return ImapMailbox(settings)


def fetched(capsys):
    call_command("fetch_replies", "--json")
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_it_files_every_message_of_one_batch_as_it_would_file_it_alone(round_, imap, capsys):
    # 27 is matched by the force's reference that 01, earlier in the same batch, recorded.
    # (21 has the Message-ID of 20, so it would be a duplicate.)
    names = [name for name in CORPUS if name != "21_quoted_printable.eml"]
    imap.append(*[raw_email(name, round_) for name in names])

    lines = fetched(capsys)

    assert len(lines) == len(names) and not any(line["duplicate"] for line in lines)
    for name, line in zip(names, lines, strict=True):
        expected = EXPECTED[name]
        assert (line["matched_by"], line["suggested_kind"], line["attachments"]) == (
            expected["matched_by"],
            expected["kind"],
            expected["attachments"],
        ), name
    assert imap.unseen() == 0
    assert InboundMessage.objects.count() == len(names)
    northumbria = FOIRequest.objects.get(pk=round_.northumbria.pk)
    assert northumbria.reference == "FOI 001234/17" and northumbria.not_delivered_on
    malformed = InboundMessage.objects.get(message_id="<malformed-1@northumbria.police.uk>")
    assert "MIME structure is broken" in malformed.problem
    assert b"never-closed" in malformed.raw.read()


def test_it_stores_a_message_twice_in_one_batch_once(round_, imap, capsys):
    raw = raw_email(SOME[1], round_)
    imap.append(raw, raw_email(SOME[0], round_), raw)

    lines = fetched(capsys)

    assert [line["duplicate"] for line in lines] == [False, False, True]
    assert lines[2] == {**lines[0], "duplicate": True}
    assert InboundMessage.objects.count() == 2
    assert Correspondence.objects.filter(direction="in").count() == 2
    assert imap.unseen() == 0


def test_it_stores_the_others_when_one_message_of_a_batch_cannot_be_stored(round_, imap):
    imap.append(*[raw_email(name, round_) for name in SOME])
    real = store._note_what_is_certain

    def failing_for_the_spreadsheet(message, *args):
        if message.message_id == SPREADSHEET_ID:
            raise RuntimeError("the database refused it")
        return real(message, *args)

    with mock.patch.object(store, "_note_what_is_certain", failing_for_the_spreadsheet):
        with pytest.raises(CommandError, match="1 messages could not be taken in"):
            call_command("fetch_replies")

    assert imap.unseen() == 1
    assert sorted(InboundMessage.objects.values_list("suggested_kind", flat=True)) == [
        "acknowledgement",
        "other",
    ]
    # The failed message's raw .eml and spreadsheet went with its rows: nothing half-kept.
    kept = {message.raw.name for message in InboundMessage.objects.all()}
    assert set(StoredFile.objects.values_list("name", flat=True)) == kept
    call_command("fetch_replies")  # the next run takes it
    assert imap.unseen() == 0 and InboundMessage.objects.count() == 3


def test_it_reports_a_message_another_run_stored_meanwhile_as_a_duplicate(round_, imap, capsys):
    imap.append(*[raw_email(name, round_) for name in SOME])
    real = store._existing
    raced = []

    def stored_meanwhile(message_ids):
        found = real(message_ids)
        if not raced:  # between this batch's look-up and its insert, another run stores one
            raced.append(None)
            raced.append(store.ingest(raw_email(SOME[1], round_), "mailbox"))
        return found

    with mock.patch.object(store, "_existing", stored_meanwhile):
        lines = fetched(capsys)

    assert [line["duplicate"] for line in lines] == [False, True, False]
    assert lines[1] == {**raced[1].as_json(), "duplicate": True}
    assert InboundMessage.objects.count() == 3
    assert Correspondence.objects.filter(direction="in").count() == 2
    assert imap.unseen() == 0


def test_it_stores_a_batch_sooner_when_it_holds_many_bytes(round_, imap, capsys):
    imap.append(*[raw_email(name, round_) for name in SOME])
    batches = []

    def counted(items, source, **kwargs):
        batches.append(len(items))
        return store.store_all(items, source, **kwargs)

    with mock.patch.object(mailbox, "BATCH_BYTES", 8_000):  # 01 and 12 hold 8.8 kB
        with mock.patch.object(mailbox, "store_all", counted):
            lines = fetched(capsys)

    assert batches == [2, 1]
    assert [line["duplicate"] for line in lines] == [False, False, False]
    assert imap.unseen() == 0
