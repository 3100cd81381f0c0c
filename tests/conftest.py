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
