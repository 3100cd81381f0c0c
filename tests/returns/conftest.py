import email
import email.policy
import mailbox
import os

import pytest

from returns import snapshots


@pytest.fixture
def recomputes():
    """Every stored statistics recompute, as (campaign_id, data_version), seen through the signal
    (sent from the worker thread too)."""
    seen = []

    def record(sender, campaign_id, data_version, **kwargs):
        seen.append((campaign_id, data_version))

    snapshots.statistics_recomputed.connect(record)
    yield seen
    snapshots.statistics_recomputed.disconnect(record)


# --- The real SMTP server scripts/test starts (aiosmtpd, filing what it accepts in a maildir).
class Delivered:
    """The messages the test SMTP server has accepted, parsed as the force would read them."""

    def __init__(self, maildir):
        self.maildir = maildir

    def messages(self):
        box = mailbox.Maildir(self.maildir, create=False)
        parsed = [
            email.message_from_bytes(box.get_bytes(key), policy=email.policy.default)
            for key in box.keys()
        ]
        return sorted(parsed, key=lambda message: (message["To"], message["Subject"]))

    def to(self, address):
        return [message for message in self.messages() if message["To"] == address]

    def one(self, address, subject_start):
        """The one message to `address` whose subject starts so."""
        [message] = [m for m in self.to(address) if m["Subject"].startswith(subject_start)]
        return message


@pytest.fixture
def smtp_server(settings):
    """Django's SMTP backend pointed at the test SMTP server; its maildir emptied first."""
    port, maildir = os.environ.get("TEST_SMTP_PORT"), os.environ.get("TEST_SMTP_MAILDIR")
    if not (port and maildir):
        pytest.fail("These tests need the SMTP server scripts/test starts: run them through it.")
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", int(port)
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 10
    settings.DEFAULT_FROM_EMAIL = "FOI team <foi@charity.example>"
    settings.REPLY_TO_ADDRESS = "foi+{token}@charity.example"
    mailbox.Maildir(maildir).clear()
    return Delivered(maildir)


@pytest.fixture
def eager_tasks():
    """Celery tasks run inline where they are queued (as with CELERY_TASK_ALWAYS_EAGER)."""
    from config.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield app
    app.conf.task_always_eager = before
