import email
import email.policy
import mailbox
import os
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings
from django.test import override_settings

from returns.roles import ADMINISTRATORS, CASEWORKERS, VERIFIERS
from tests.factories import UserFactory


# --- Personas: every staff page gets a test for each of them.
@pytest.fixture
def caseworker(db):
    return UserFactory(username="casey", roles=[CASEWORKERS])


@pytest.fixture
def second_caseworker(db):
    return UserFactory(username="cass", roles=[CASEWORKERS])


@pytest.fixture
def verifier(db):
    return UserFactory(username="vera", roles=[VERIFIERS])


@pytest.fixture
def administrator(db):
    return UserFactory(username="ada", roles=[ADMINISTRATORS])


@pytest.fixture
def outsider(db):
    """Logged in to the admin, but in no role."""
    return UserFactory(username="olly")


# --- A real Celery worker on the real broker (Redis in scripts/test).
@pytest.fixture
def live_worker(django_db_serialized_rollback, transactional_db):
    """Runs tasks in a worker thread consuming from the configured broker.

    Needs a committed database (transactional_db): the worker has its own connection.
    serialized_rollback restores the migrated rows (forces, roles) for the tests after it.
    """
    from config.celery import app

    if not app.conf.broker_url.startswith("redis"):
        pytest.fail("The worker tests need Redis as the broker: run them through scripts/test.")
    app.control.purge()
    with start_worker(
        app, pool="solo", perform_ping_check=False, loglevel="WARNING", shutdown_timeout=30
    ):
        yield app


@pytest.fixture(autouse=True, scope="session")
def _static_files_without_collectstatic():
    """The suite runs with DEBUG off but without `collectstatic`, so without the hashed-name
    manifest that production's static storage reads (config/settings.py STORAGES): plain names,
    served from the apps by the test server."""
    Path(django_settings.STATIC_ROOT).mkdir(parents=True, exist_ok=True)  # quiets WhiteNoise
    plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
    with override_settings(STORAGES={**django_settings.STORAGES, "staticfiles": plain}):
        yield


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"


def pytest_report_header(config):
    return f"database: {os.environ.get('DATABASE_URL', 'sqlite (default)')}"


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
