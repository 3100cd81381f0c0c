"""Settings come from the environment and fail fast; each case runs in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PRINT_SETTINGS = (
    "import django, json; django.setup(); from django.conf import settings as s; "
    "db = s.DATABASES['default']; "
    "print(json.dumps({'db': db['ENGINE'], 'db_name': str(db['NAME']), "
    "'broker': s.CELERY_BROKER_URL, 'email': s.EMAIL_BACKEND, 'debug': s.DEBUG, "
    "'tz': s.TIME_ZONE, 'lang': s.LANGUAGE_CODE, 'hosts': s.ALLOWED_HOSTS}))"
)


def run_python(code, tmp_path, **env):
    base = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "CELERY_BROKER_URL",
            "SECRET_KEY",
            "DEBUG",
            "EMAIL_HOST",
            "ALLOWED_HOSTS",
            "CELERY_RESULT_BACKEND",
            "SECURE_SSL_REDIRECT",
            "REPLY_TO_ADDRESS",
            "DEFAULT_FROM_EMAIL",
        }
    }
    base.update(DJANGO_SETTINGS_MODULE="config.settings", VAR_DIR=str(tmp_path / "var"), **env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=base, capture_output=True, text=True, timeout=60
    )


def settings_under(tmp_path, **env):
    result = run_python(PRINT_SETTINGS, tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_it_refuses_to_start_without_a_secret_key_when_debug_is_off(tmp_path):
    result = run_python(PRINT_SETTINGS, tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_it_rejects_a_debug_value_it_cannot_read(tmp_path):
    result = run_python(PRINT_SETTINGS, tmp_path, DEBUG="maybe")
    assert result.returncode != 0
    assert "DEBUG must be one of" in result.stderr


def test_it_rejects_an_unknown_way_of_serving_protected_files(tmp_path):
    result = run_python(PRINT_SETTINGS, tmp_path, DEBUG="1", PROTECTED_FILES_SERVE="nginx")
    assert result.returncode != 0
    assert "PROTECTED_FILES_SERVE must be django, x-sendfile or x-accel-redirect" in result.stderr


@pytest.mark.parametrize("name", ["JOBS_INLINE_MAX_ROWS", "JOBS_STALLED_AFTER_MINUTES"])
def test_it_refuses_a_long_work_setting_below_one(tmp_path, name):
    result = run_python(PRINT_SETTINGS, tmp_path, DEBUG="1", **{name: "0"})
    assert result.returncode != 0
    assert "JOBS_INLINE_MAX_ROWS and JOBS_STALLED_AFTER_MINUTES must be > 0" in result.stderr


PRINT_REPLY_TO = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.REPLY_TO_ADDRESS)"
)


@pytest.mark.parametrize(
    "address",
    [
        "foi@charity.org.uk",  # no {token}: every reply would look alike
        "foi+{token}@",
        "foi+{token}+{token}@charity.org.uk",
        "foi {token}@charity.org.uk",
        "foi+{tok}@charity.org.uk",
    ],
)
def test_it_refuses_to_start_with_a_reply_to_address_it_cannot_use(tmp_path, address):
    result = run_python(PRINT_REPLY_TO, tmp_path, DEBUG="1", REPLY_TO_ADDRESS=address)

    assert result.returncode != 0
    assert "REPLY_TO_ADDRESS must be an email address with {token} in it once" in result.stderr


def test_it_takes_the_reply_to_address_from_the_environment(tmp_path):
    result = run_python(
        PRINT_REPLY_TO, tmp_path, DEBUG="1", REPLY_TO_ADDRESS="replies+{token}@charity.org.uk"
    )

    assert result.stdout.strip() == "replies+{token}@charity.org.uk", result.stderr


def test_it_plus_addresses_the_from_address_by_default(tmp_path):
    result = run_python(
        PRINT_REPLY_TO, tmp_path, DEBUG="1", DEFAULT_FROM_EMAIL="FOI team <foi@charity.org.uk>"
    )

    assert result.stdout.strip() == "foi+{token}@charity.org.uk", result.stderr


def test_it_defaults_to_sqlite_filesystem_broker_and_file_email_under_var(tmp_path):
    seen = settings_under(tmp_path, DEBUG="1")
    assert seen["db"] == "django.db.backends.sqlite3"
    assert seen["db_name"] == str(tmp_path / "var" / "db.sqlite3")
    assert seen["broker"].startswith("filesystem://")
    assert (tmp_path / "var" / "celery" / "queue").is_dir()
    assert seen["email"] == "django.core.mail.backends.filebased.EmailBackend"
    assert seen["hosts"] == ["localhost", "127.0.0.1", "[::1]"]
    assert (seen["tz"], seen["lang"]) == ("Europe/London", "en-gb")


def test_it_takes_database_broker_and_smtp_from_the_environment(tmp_path):
    seen = settings_under(
        tmp_path,
        SECRET_KEY="x" * 60,
        DATABASE_URL="postgres://foi:pw@db.internal:5432/foi",
        CELERY_BROKER_URL="redis://redis.internal:6379/0",
        EMAIL_HOST="smtp.internal",
        ALLOWED_HOSTS="foi.charity.example,www.foi.charity.example",
    )
    assert seen["db"] == "django.db.backends.postgresql"
    assert seen["db_name"] == "foi"
    assert seen["broker"] == "redis://redis.internal:6379/0"
    assert seen["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert seen["hosts"] == ["foi.charity.example", "www.foi.charity.example"]
    assert seen["debug"] is False


@pytest.mark.django_db
def test_it_passes_the_deploy_checks_with_production_variables(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env={
            **os.environ,
            "VAR_DIR": str(tmp_path / "var"),
            "DEBUG": "0",
            "SECRET_KEY": "k3#" + "production-secret-" * 4,
            "ALLOWED_HOSTS": "foi.charity.example",
            "SECURE_SSL_REDIRECT": "1",
            "SECURE_HSTS_PRELOAD": "1",
        },
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
