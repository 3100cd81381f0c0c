"""The force-email corpus (tests/returns/files/emails/) and a round to file it under."""

import imaplib
import json
import os
import uuid
from pathlib import Path

import pytest

from returns.models import Correspondence
from returns.replies import classify
from returns.replies.parse import parse
from returns.replies.text import safe_file_name
from tests.factories import CampaignFactory, FOIRequestFactory, force

EMAILS = Path(__file__).resolve().parent / "files" / "emails"
EXPECTED = json.loads((EMAILS / "expected.json").read_text())
CORPUS = sorted(EXPECTED)
NTHM_TOKEN, DRHM_TOKEN = "nthm4k3f9q2x", "drhm7p2m5w8z"
NTHM_ID, DRHM_ID = "<request-nthm@charity.example>", "<request-drhm@charity.example>"


def classified(raw: bytes):
    """The email in `raw`, parsed, and the kind suggested for it (as ingest would)."""
    email = parse(raw)
    names = [safe_file_name(part.name) for part in email.attachments]
    return email, classify.classify(email, names)


def raw_email(name, round_=None) -> bytes:
    """The corpus file `name`, its %%OUR_REF%% the reference of the request it answers."""
    raw = (EMAILS / name).read_bytes()
    if round_ is None:
        return raw
    durham = b"durham" in raw.lower()
    ours, other = (
        (round_.durham, round_.northumbria) if durham else (round_.northumbria, round_.durham)
    )
    raw = raw.replace(b"%%OUR_REF%%", ours.our_reference.encode())
    return raw.replace(b"%%OTHER_REF%%", other.our_reference.encode())


class Round:
    """Two sent requests (Northumbria, Durham) with our outgoing messages' ids recorded."""

    def __init__(self):
        campaign = CampaignFactory()
        self.northumbria = self._sent(campaign, "Northumbria Police", NTHM_TOKEN, NTHM_ID)
        self.durham = self._sent(campaign, "Durham Constabulary", DRHM_TOKEN, DRHM_ID)
        self.campaign = campaign

    @staticmethod
    def _sent(campaign, name, token, message_id):
        request = FOIRequestFactory(campaign=campaign, force=force(name), reply_token=token)
        Correspondence.objects.create(
            request=request,
            direction=Correspondence.Direction.OUT,
            kind=Correspondence.Kind.REQUEST,
            date=request.sent_on,
            address=f"foi@{name.split()[0].lower()}.police.uk",
            subject="Freedom of Information request",
            message_id=message_id,
        )
        return request

    def by_name(self, name):
        return {"Northumbria Police": self.northumbria, "Durham Constabulary": self.durham}[name]


@pytest.fixture(name="round_")
def round_fixture(db):
    return Round()


class ImapMailbox:
    """A fresh mailbox on the throwaway dovecot that scripts/test starts."""

    def __init__(self, settings):
        if not os.environ.get("TEST_IMAP_PORT"):
            pytest.fail("The IMAP tests need the dovecot that scripts/test starts.")
        self.host = os.environ["TEST_IMAP_HOST"]
        self.port = int(os.environ["TEST_IMAP_PORT"])
        self.user = f"foi-{uuid.uuid4().hex[:10]}"
        self.password = os.environ["TEST_IMAP_PASSWORD"]
        settings.IMAP_HOST, settings.IMAP_PORT = self.host, self.port
        settings.IMAP_USER, settings.IMAP_PASSWORD = self.user, self.password
        settings.IMAP_SECURITY, settings.IMAP_FOLDER = "none", "INBOX"
        settings.IMAP_PROCESSED_FOLDER = ""

    def client(self):
        client = imaplib.IMAP4(self.host, self.port)
        client.login(self.user, self.password)
        return client

    def append(self, *raws, arrived=None):
        """Put `raws` in the inbox; `arrived` (an aware datetime): when the server says they
        came (INTERNALDATE), else now."""
        client = self.client()
        when = imaplib.Time2Internaldate(arrived) if arrived else None
        for raw in raws:
            status, _ = client.append("INBOX", None, when, raw)
            assert status == "OK"
        client.logout()

    def unseen(self) -> int:
        client = self.client()
        client.select("INBOX")
        _, found = client.search(None, "UNSEEN")
        client.logout()
        return len(found[0].split())
