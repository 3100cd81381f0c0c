"""Issue #13: a force's reply with a spreadsheet, Word or PDF attachment has "Import this
table", which opens the force-table import (preview, read again, confirm) on the stored file.

The replies come from the email corpus (tests/returns/files/emails/) through the real ingest
path; the Word letter with a table is the one the force-table tests read
(tests/returns/files/force_tables/build.py), put in place of the corpus reply's attachment.
"""

import email
from email.policy import default as default_policy

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from returns.importing.limits import DAMAGED_DOCX
from returns.importing.tables import NO_TEXT_LAYER
from returns.models import Correspondence, Figure, ImportBatch
from returns.replies import attached
from returns.replies.store import ingest
from returns.rounds import record_response
from tests.returns.files.force_tables.build import docx_reply, several_sheets_xlsx
from tests.returns.files.helpers import cells
from tests.returns.replies_helpers import raw_email, round_fixture  # noqa: F401

pytestmark = pytest.mark.django_db

IMPORT = "Import this table"
XLSX_REPLY = "12_response_xlsx.eml"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


def with_attachments(name, round_, *files):
    """The corpus reply `name` with its attachment replaced by `files` ((name, bytes, type))."""
    message = email.message_from_bytes(raw_email(name, round_), policy=default_policy)
    message.clear_content()
    message.set_content("Dear FOI Team\n\nPlease find attached our response.\n")
    for file_name, data, content_type in files:
        maintype, subtype = content_type.split("/")
        message.add_attachment(data, maintype=maintype, subtype=subtype, filename=file_name)
    return message.as_bytes()


def received(raw):
    message = ingest(raw, "mailbox").message
    assert message.is_filed
    return message


def request_page(client, foi_request):
    return client.get(reverse("admin:returns_foirequest_change", args=[foi_request.pk])).text


def import_url(foi_request, **source):
    return attached.import_url(foi_request.pk, **source)


def preview(client, url, breakdown, **kwargs):
    return client.post(url, {"breakdown": breakdown}, **kwargs)


def posted(form, **more):
    """What the browser sends back of a preview's form (an empty choice as "")."""
    values = {name: form[name].value() for name in form.fields}
    return {**{k: "" if v is None else v for k, v in values.items()}, **more}


def confirm(client, url, page):
    return client.post(url, posted(page.context["confirm_form"], confirm="1"))


def refused(response, foi_request):
    """The message of a refusal, shown on the request page it sends the user back to."""
    assert response.redirect_chain == [
        (reverse("admin:returns_foirequest_change", args=[foi_request.pk]), 302)
    ]
    return [str(message) for message in response.context["messages"]]


def test_it_imports_a_spreadsheet_reply_from_its_import_this_table_button(
    client, caseworker, round_
):
    message = received(raw_email(XLSX_REPLY, round_))
    item = message.attachments.get()
    url = import_url(round_.northumbria, attachment=item.pk)
    client.force_login(caseworker)

    assert f'href="{url}">{IMPORT}' in request_page(client, round_.northumbria)
    first = client.get(url)
    assert "FOI 001234-17 response.xlsx" in first.text and 'name="breakdown"' in first.text
    assert 'type="file"' not in first.text  # the file is the attachment: nothing to upload

    shown = preview(client, url, "victim_age")

    assert shown.context["outcome"].ok, shown.context["outcome"].problems
    reading = shown.context["reading"]
    assert reading.file_name == "FOI 001234-17 response.xlsx"
    read = {(f.period, f.category): f.stored_as for f in reading.figures}
    assert read[("2016/17", "13")] == "reported 34"
    assert read[("2016/17", "")] == "reported 96"
    assert "How the table was read" in shown.text
    assert not Figure.objects.exists()

    done = confirm(client, url, shown)

    assert done.status_code == 302
    assert done.url == reverse("admin:returns_foirequest_change", args=[round_.northumbria.pk])
    figures = cells(round_.campaign)
    assert figures["Northumbria Police", "2015/16", "victim_age", "14"][1] == 19
    assert figures["Northumbria Police", "2016/17", "", ""][1] == 96
    batch = ImportBatch.objects.get()
    assert (batch.request, batch.layout, batch.uploaded_by) == (
        round_.northumbria,
        ImportBatch.Layout.WIDE,
        caseworker,
    )
    assert batch.original_name == "FOI 001234-17 response.xlsx"
    assert batch.correspondence == message.correspondence
    assert batch.file.read() == item.file.open("rb").read()
    assert set(Figure.objects.values_list("import_batch", flat=True)) == {batch.pk}


def test_it_imports_a_word_letters_table_and_keeps_read_again(client, caseworker, round_):
    docx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    raw = with_attachments("15_response_docx.eml", round_, ("Disclosure.docx", docx_reply(), docx))
    message = received(raw)
    url = import_url(round_.northumbria, attachment=message.attachments.get().pk)
    client.force_login(caseworker)
    assert IMPORT in request_page(client, round_.northumbria)

    first = preview(client, url, "offence_type")
    assert first.context["outcome"].ok, first.context["outcome"].problems
    choices = first.context["choices_form"]
    again = client.post(url, posted(choices, reread="1"))

    assert again.context["outcome"].ok, again.context["outcome"].problems
    done = confirm(client, url, again)

    assert done.status_code == 302
    figures = cells(round_.campaign)
    assert figures["Northumbria Police", "2016/17", "offence_type", "Grooming"][1] == 12
    assert figures["Northumbria Police", "2016/17", "offence_type", "Sexual assault"][:3] == (
        Figure.Status.SUPPRESSED,
        None,
        "<5",
    )
    batch = ImportBatch.objects.get()
    assert (batch.original_name, batch.correspondence) == (
        "Disclosure.docx",
        message.correspondence,
    )


@pytest.mark.parametrize(
    "name, reason",
    [
        # The corpus's Word file is a bare zip that Word itself would not open.
        ("15_response_docx.eml", DAMAGED_DOCX),
        ("14_response_pdf.eml", NO_TEXT_LAYER),  # a scan
    ],
)
def test_it_offers_any_word_or_pdf_reply_and_says_why_one_cannot_be_read(
    client, caseworker, round_, name, reason
):
    message = received(raw_email(name, round_))
    url = import_url(round_.northumbria, attachment=message.attachments.get().pk)
    client.force_login(caseworker)
    assert IMPORT in request_page(client, round_.northumbria)

    shown = preview(client, url, "victim_age")

    assert shown.context["outcome"].problems == [reason]
    assert reason in shown.text
    assert "confirm_form" not in shown.context and not ImportBatch.objects.exists()


def test_it_shows_the_button_on_the_received_emails_page_once_filed(client, caseworker, round_):
    filed = received(raw_email(XLSX_REPLY, round_))
    unmatched = ingest(raw_email("28_unmatched_unknown_sender.eml", round_), "mailbox").message
    client.force_login(caseworker)

    page = client.get(reverse("admin:returns_inboundmessage_change", args=[filed.pk])).text
    other = client.get(reverse("admin:returns_inboundmessage_change", args=[unmatched.pk])).text

    url = import_url(round_.northumbria, attachment=filed.attachments.get().pk)
    assert f'href="{url}">{IMPORT}' in page
    assert IMPORT not in other


def test_it_offers_the_file_of_a_reply_recorded_by_hand(client, caseworker, round_):
    reply = record_response(
        round_.durham,
        responded_on=round_.durham.sent_on,
        outcome="full",
        attachment=SimpleUploadedFile("durham.xlsx", several_sheets_xlsx()),
        user=caseworker,
    )
    url = import_url(round_.durham, correspondence=reply.pk)
    client.force_login(caseworker)
    assert f'href="{url}">{IMPORT}' in request_page(client, round_.durham)

    shown = preview(client, url, "offence_type")
    assert shown.context["outcome"].ok, shown.context["outcome"].problems
    confirm(client, url, shown)

    assert ImportBatch.objects.get().correspondence == reply
    assert cells(round_.campaign)["Durham Constabulary", "2016/17", "", ""][1] == 42


def test_it_shows_no_button_to_a_user_who_may_not_import_and_refuses_them(client, verifier, round_):
    message = received(raw_email(XLSX_REPLY, round_))
    url = import_url(round_.northumbria, attachment=message.attachments.get().pk)
    client.force_login(verifier)

    page = request_page(client, round_.northumbria)
    email_page = client.get(reverse("admin:returns_inboundmessage_change", args=[message.pk]))

    assert "FOI 001234-17 response.xlsx" in page and IMPORT not in page
    assert IMPORT not in email_page.text
    assert client.get(url).status_code == 403
    assert preview(client, url, "victim_age").status_code == 403
    assert not ImportBatch.objects.exists()


@pytest.mark.parametrize("forged", ["other request", "no such id", "not a number"])
def test_it_refuses_an_attachment_that_is_not_this_requests(client, caseworker, round_, forged):
    message = received(raw_email(XLSX_REPLY, round_))  # Northumbria's
    pk = {
        "other request": message.attachments.get().pk,
        "no such id": 999999,
        "not a number": "1;DROP",
    }[forged]
    url = import_url(round_.durham, attachment=pk)
    client.force_login(caseworker)

    for response in (
        client.get(url, follow=True),
        preview(client, url, "victim_age", follow=True),
    ):
        assert refused(response, round_.durham) == [attached.NOT_THIS_REQUEST]
    assert not ImportBatch.objects.exists() and not Figure.objects.exists()


def test_it_refuses_an_unfiled_email_or_our_own_message(client, caseworker, round_):
    unmatched = ingest(
        with_attachments(
            "28_unmatched_unknown_sender.eml",
            round_,
            ("figures.xlsx", several_sheets_xlsx(), "application/octet-stream"),
        ),
        "mailbox",
    ).message
    ours = round_.northumbria.correspondence.get(direction=Correspondence.Direction.OUT)
    ours.attachment.save("ours.xlsx", ContentFile(several_sheets_xlsx()))
    client.force_login(caseworker)

    for url in (
        import_url(round_.northumbria, attachment=unmatched.attachments.get().pk),
        import_url(round_.northumbria, correspondence=ours.pk),
    ):
        response = client.get(url, follow=True)
        assert refused(response, round_.northumbria) == [attached.NOT_THIS_REQUEST]


def test_it_offers_no_button_for_what_is_not_a_table_and_refuses_it_forged(
    client, caseworker, round_
):
    raw = with_attachments(
        XLSX_REPLY,
        round_,
        ("crest.png", PNG, "image/png"),
        ("notes.txt", b"2015/16,98\r\n2016/17,323\r\n", "text/plain"),
        # Names that say table, contents that do not: a PDF named .csv, a Word file named .xlsx.
        ("figures.csv", b"%PDF-1.4\n% not a csv\n", "text/csv"),
        ("figures.xlsx", docx_reply(), "application/octet-stream"),
    )
    message = received(raw)
    stored = list(message.attachments.exclude(file=""))
    assert [item.name for item in stored] == [
        "crest.png",
        "notes.txt",
        "figures.csv",
        "figures.xlsx",
    ]
    client.force_login(caseworker)

    assert IMPORT not in request_page(client, round_.northumbria)
    for item in stored:
        url = import_url(round_.northumbria, attachment=item.pk)
        for response in (
            client.get(url, follow=True),
            preview(client, url, "victim_age", follow=True),
        ):
            reason = attached.NOT_A_TABLE.format(name=item.name)
            assert refused(response, round_.northumbria) == [reason]
    assert not ImportBatch.objects.exists()


def test_it_refuses_a_forwarded_email_and_a_refused_attachment(client, caseworker, round_):
    forwarded = received(raw_email("19_forwarded_as_attachment.eml", round_))
    hostile = received(raw_email("24_hostile_attachment_names.eml", round_))
    client.force_login(caseworker)
    page = request_page(client, round_.northumbria)

    assert page.count(IMPORT) == 1  # the hostile email's real workbook, "C calcA0.xlsx"
    for item in [*forwarded.attachments.all(), *hostile.attachments.filter(file="")]:
        response = client.get(import_url(round_.northumbria, attachment=item.pk), follow=True)
        reason = attached.NOT_A_TABLE.format(name=item.name)
        assert refused(response, round_.northumbria) == [reason]


def test_it_keeps_the_upload_size_limit_for_an_attachment(client, caseworker, round_, settings):
    message = received(raw_email(XLSX_REPLY, round_))
    url = import_url(round_.northumbria, attachment=message.attachments.get().pk)
    settings.MAX_UPLOAD_BYTES = 1000  # lowered since the reply came in
    client.force_login(caseworker)

    shown = preview(client, url, "victim_age")

    assert shown.status_code == 200
    assert "can be imported (MAX_UPLOAD_BYTES)" in shown.text
    assert "reading" not in shown.context and not ImportBatch.objects.exists()


def test_it_says_how_to_import_an_old_excel_or_opendocument_attachment(client, caseworker, round_):
    ole = bytes.fromhex("D0CF11E0A1B11AE1") + b"\0" * 504
    raw = with_attachments(
        XLSX_REPLY,
        round_,
        ("FOI 1234 data.xls", ole, "application/vnd.ms-excel"),
        ("FOI 1234 data.ods", b"PK\x03\x04" + b"\0" * 60, "application/octet-stream"),
    )
    received(raw)
    client.force_login(caseworker)

    page = request_page(client, round_.northumbria)

    assert IMPORT not in page
    assert page.count("open it and save it as .xlsx (or .docx), then Import a force") == 2
