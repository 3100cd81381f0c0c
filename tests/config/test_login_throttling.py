"""Guessing passwords at the login form locks that user out from that address, for an hour."""

import logging

import pytest
from axes.models import AccessAttempt
from django.test import RequestFactory

from config.login_throttling import client_ip

pytestmark = pytest.mark.django_db

RIGHT = "correct horse battery"  # tests/factories.py UserFactory


def log_in(client, username, password, **extra):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password, "next": "/admin/"},
        **extra,
    )


def guess(client, username, times, **extra):
    return [log_in(client, username, f"wrong-{n}", **extra).status_code for n in range(times)]


def logged_in(client):
    return client.get("/admin/").status_code == 200


def test_it_locks_the_user_out_after_five_wrong_passwords_even_for_the_right_one(
    client, caseworker
):
    assert guess(client, "casey", 6) == [200, 200, 200, 200, 429, 429]
    response = log_in(client, "casey", RIGHT)
    assert response.status_code == 429
    assert not logged_in(client)


def test_it_tells_the_locked_out_user_what_happened_and_when_to_try_again(client, caseworker):
    guess(client, "casey", 4)
    page = " ".join(log_in(client, "casey", "wrong-again").content.decode().split())
    assert "Login locked after too many failed attempts" in page
    assert "5 failed login attempts for the user name “casey”" in page
    assert "60 minutes" in page
    assert "Try again after" in page
    assert "ask an Administrator to unlock you" in page


def test_it_logs_the_lockout_with_user_and_address(client, caseworker, caplog):
    with caplog.at_level(logging.WARNING, logger="axes"):
        guess(client, "casey", 5)
    lockouts = [r.getMessage() for r in caplog.records if "Locking out" in r.getMessage()]
    assert len(lockouts) == 1
    assert 'username: "casey"' in lockouts[0] and 'ip_address: "127.0.0.1"' in lockouts[0]
    assert "wrong-" not in caplog.text


def test_it_locks_only_that_user_from_that_address(client, caseworker, second_caseworker):
    guess(client, "casey", 5)
    assert log_in(client, "cass", RIGHT).status_code == 302
    client.logout()
    assert log_in(client, "casey", RIGHT, REMOTE_ADDR="192.0.2.7").status_code == 302


def test_it_forgets_failures_after_a_successful_login(client, caseworker):
    guess(client, "casey", 4)
    assert log_in(client, "casey", RIGHT).status_code == 302
    client.logout()
    assert guess(client, "casey", 4) == [200] * 4
    assert log_in(client, "casey", RIGHT).status_code == 302


def test_it_lets_administrators_see_and_delete_the_lockout_to_unlock(
    client, caseworker, administrator
):
    guess(client, "casey", 5)
    attempt = AccessAttempt.objects.get(username="casey")
    client.force_login(administrator)
    listing = client.get("/admin/axes/accessattempt/")
    assert listing.status_code == 200
    assert "casey" in listing.content.decode()
    response = client.post(f"/admin/axes/accessattempt/{attempt.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    assert not AccessAttempt.objects.exists()
    client.logout()
    assert log_in(client, "casey", RIGHT).status_code == 302
    assert logged_in(client)


def test_it_hides_the_lockouts_from_other_staff(client, caseworker, verifier):
    client.force_login(verifier)
    assert client.get("/admin/axes/accessattempt/").status_code == 403


def test_it_does_not_let_a_forged_forwarded_for_header_dodge_the_lockout(
    client, caseworker, settings
):
    """Behind the HTTPS proxy, the client's address is the one the proxy appended."""
    settings.TRUSTED_PROXY_COUNT = 1
    codes = [
        log_in(
            client, "casey", "wrong", HTTP_X_FORWARDED_FOR=f"10.9.9.{n}, 203.0.113.5"
        ).status_code
        for n in range(6)
    ]
    assert codes == [200, 200, 200, 200, 429, 429]
    assert AccessAttempt.objects.get().ip_address == "203.0.113.5"


def test_it_uses_the_connection_address_when_not_behind_a_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    request = RequestFactory().post(
        "/admin/login/", REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="10.0.0.1"
    )
    assert client_ip(request) == "198.51.100.1"
