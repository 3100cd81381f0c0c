"""Force replies and imported returns files reach only staff allowed to see them, as downloads."""

import importlib

import pytest
from django.core.files.base import ContentFile
from django.urls import clear_url_caches

from returns.models import Correspondence, ImportBatch
from tests.factories import FOIRequestFactory

pytestmark = pytest.mark.django_db

REPLY = b"%PDF-1.4 the force's reply: 323 offences"


@pytest.fixture
def reply():
    return Correspondence.objects.create(
        request=FOIRequestFactory(),
        direction=Correspondence.Direction.IN,
        kind=Correspondence.Kind.RESPONSE,
        date="2017-05-09",
        attachment=ContentFile(REPLY, name="northumbria reply.pdf"),
    )


@pytest.fixture
def batch(reply, caseworker):
    return ImportBatch.objects.create(
        campaign=reply.request.campaign,
        request=reply.request,
        uploaded_by=caseworker,
        original_name="returns.csv",
        file=ContentFile(b"force,period,measure\n", name="returns.csv"),
    )


@pytest.fixture
def urls_as_under_scripts_run(settings):
    """config.urls as scripts/run loads it: with DEBUG on."""
    import config.urls

    settings.DEBUG = True
    importlib.reload(config.urls)
    clear_url_caches()
    yield
    settings.DEBUG = False
    importlib.reload(config.urls)
    clear_url_caches()


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_it_links_files_to_the_protected_view_not_to_media(reply):
    assert reply.attachment.url.startswith("/files/correspondence/")
    assert "/media/" not in reply.attachment.url


def test_it_sends_anonymous_visitors_to_the_login_page(client, reply):
    response = client.get(reply.attachment.url)
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/?next=")


def test_it_refuses_staff_without_a_role(client, outsider, reply, batch):
    client.force_login(outsider)
    for url in (reply.attachment.url, batch.file.url):
        response = client.get(url)
        assert response.status_code == 403, url
        assert REPLY not in body(response)


@pytest.mark.usefixtures("urls_as_under_scripts_run")
def test_it_serves_nothing_under_media_even_with_debug_on(client, caseworker, reply):
    media_url = "/media/" + reply.attachment.name
    assert client.get(media_url).status_code == 404
    client.force_login(caseworker)
    assert client.get(media_url).status_code == 404


@pytest.mark.parametrize("persona", ["caseworker", "verifier", "administrator"])
def test_it_gives_staff_in_a_role_the_file_as_a_download(client, request, persona, reply):
    client.force_login(request.getfixturevalue(persona))
    response = client.get(reply.attachment.url)
    assert response.status_code == 200
    assert body(response) == REPLY
    assert response["Content-Disposition"] == 'attachment; filename="northumbria_reply.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response["Cache-Control"]


def test_it_gives_an_import_batch_file_to_a_caseworker(client, caseworker, batch):
    client.force_login(caseworker)
    response = client.get(batch.file.url)
    assert response.status_code == 200
    assert body(response) == b"force,period,measure\n"


def test_it_serves_no_file_that_no_record_owns(client, caseworker, reply, settings):
    (settings.MEDIA_ROOT / "correspondence" / "stray.pdf").write_bytes(b"stray")
    client.force_login(caseworker)
    assert client.get("/files/correspondence/stray.pdf").status_code == 404
    assert client.get("/files/../config/settings.py").status_code == 404


def test_it_hands_the_file_to_nginx_when_configured(client, caseworker, reply, settings):
    settings.PROTECTED_FILES_SERVE = "x-accel-redirect"
    settings.PROTECTED_FILES_ACCEL_PREFIX = "/protected-media/"
    client.force_login(caseworker)
    response = client.get(reply.attachment.url)
    assert response.status_code == 200
    assert response.content == b""
    assert response["X-Accel-Redirect"] == "/protected-media/" + reply.attachment.name
    assert response["Content-Disposition"].startswith("attachment;")


def test_it_hands_the_file_to_apache_when_configured(client, caseworker, reply, settings):
    settings.PROTECTED_FILES_SERVE = "x-sendfile"
    client.force_login(caseworker)
    response = client.get(reply.attachment.url)
    assert response["X-Sendfile"] == str(settings.MEDIA_ROOT / reply.attachment.name)
    assert response.content == b""


def test_it_links_the_admin_pages_to_the_protected_view(client, caseworker, reply, batch):
    client.force_login(caseworker)
    pages = [
        f"/admin/returns/foirequest/{reply.request.pk}/change/",  # inline widget, verify panel
        f"/admin/returns/correspondence/{reply.pk}/change/",
        f"/admin/returns/importbatch/{batch.pk}/change/",
    ]
    for page in pages:
        html = client.get(page).content.decode()
        assert 'href="/files/' in html, page
        assert "/media/" not in html, page
