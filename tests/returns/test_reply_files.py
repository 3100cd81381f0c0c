"""A received email and its attachments are kept in the database with the email's rows
(returns.models.StoredFile), and served by the permission-checking view like any reply."""

from email.message import EmailMessage

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage

from returns.models import InboundMessage, StoredFile
from returns.replies.store import ingest
from tests.returns.replies_helpers import raw_email, round_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

SPREADSHEET = "12_response_xlsx.eml"


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_it_keeps_the_raw_message_and_its_attachments_in_the_database(round_, settings):
    raw = raw_email(SPREADSHEET, round_)

    message = ingest(raw, "file").message

    attachment = message.attachments.get()
    kept = dict(StoredFile.objects.values_list("name", "data"))
    assert set(kept) == {message.raw.name, attachment.file.name}
    assert bytes(kept[message.raw.name]) == raw
    assert bytes(kept[attachment.file.name])[:2] == b"PK"  # the spreadsheet, decoded
    assert not (settings.MEDIA_ROOT / "inbound").exists()
    assert message.correspondence.attachment.name == attachment.file.name


def test_it_serves_them_to_staff_allowed_to_see_replies(client, caseworker, outsider, round_):
    message = ingest(raw_email(SPREADSHEET, round_), "file").message
    attachment = message.attachments.get()

    client.force_login(caseworker)
    response = client.get(message.raw.url)
    assert response.status_code == 200
    assert body(response) == raw_email(SPREADSHEET, round_)
    assert response["Content-Disposition"].startswith("attachment;")
    assert body(client.get(attachment.file.url))[:2] == b"PK"
    client.force_login(outsider)
    assert client.get(message.raw.url).status_code == 403


def test_it_sends_them_itself_when_the_web_server_sends_the_other_files(
    client, caseworker, round_, settings
):
    settings.PROTECTED_FILES_SERVE = "x-accel-redirect"
    message = ingest(raw_email(SPREADSHEET, round_), "file").message
    client.force_login(caseworker)

    response = client.get(message.raw.url)

    assert "X-Accel-Redirect" not in response  # the web server cannot see the database
    assert body(response) == raw_email(SPREADSHEET, round_)


def test_it_still_serves_an_email_kept_on_disk_before(client, caseworker, settings):
    on_disk = FileSystemStorage(location=settings.MEDIA_ROOT)
    name = on_disk.save("inbound/2026/01/old-message.eml", ContentFile(b"Subject: old\r\n\r\nhi"))
    message = InboundMessage.objects.create(message_id="<old@x.uk>", raw=name, source="file")
    client.force_login(caseworker)

    response = client.get(message.raw.url)

    assert body(response) == b"Subject: old\r\n\r\nhi"
    assert message.raw.size == len(b"Subject: old\r\n\r\nhi")


def test_it_keeps_two_attachments_of_the_same_name_apart():
    email = EmailMessage()
    email["From"], email["Subject"] = "foi@northumbria.police.uk", "Response"
    email["Message-ID"] = "<same-names@northumbria.police.uk>"
    email.set_content("Please find attached our response.")
    for data in (b"first,1\n", b"second,2\n"):
        email.add_attachment(data, maintype="text", subtype="csv", filename="response.csv")

    message = ingest(email.as_bytes(), "file").message

    names = [item.file.name for item in message.attachments.all()]
    assert len(set(names)) == 2
    assert [item.file.read() for item in message.attachments.all()] == [b"first,1\n", b"second,2\n"]
    assert names[1].endswith("/response-2.csv")


def test_it_fits_a_long_attachment_name_in_its_field():
    email = EmailMessage()
    email["From"], email["Subject"] = "foi@northumbria.police.uk", "Response"
    email["Message-ID"] = "<long-name@northumbria.police.uk>"
    email.set_content("Please find attached our response.")
    email.add_attachment(b"a,1\n", maintype="text", subtype="csv", filename="x" * 150 + ".csv")

    attachment = ingest(email.as_bytes(), "file").message.attachments.get()

    assert len(attachment.file.name) <= 100 and attachment.file.name.endswith("xx.csv")
    assert attachment.file.read() == b"a,1\n"
