"""Taking in a force's email: stored once, matched, classified, filed; the chase pauses."""

import json
import mailbox
from datetime import date

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from returns import chasing, stages
from returns.models import Correspondence, EmailAttachment, FOIRequest, InboundMessage
from returns.replies import confirm, match
from returns.replies.store import ingest
from tests.factories import FOIRequestFactory
from tests.returns.replies_helpers import CORPUS, EXPECTED, raw_email, round_fixture  # noqa: F401

pytestmark = pytest.mark.django_db


def take(name, round_, source="file"):
    return ingest(raw_email(name, round_), source)


def request_of(name, round_):
    return round_.durham if b"durham" in raw_email(name).lower() else round_.northumbria


@pytest.mark.parametrize("name", CORPUS)
def test_it_files_each_force_email_under_its_request(name, round_):
    expected = EXPECTED[name]
    if name == "27_force_reference_only.eml":
        FOIRequest.objects.filter(pk=round_.northumbria.pk).update(reference="FOI 001234/17")

    result = take(name, round_).as_json()

    assert result["matched_by"] == expected["matched_by"]
    assert result["suggested_kind"] == expected["kind"]
    assert result["attachments"] == expected["attachments"]
    assert result["duplicate"] is False
    if expected["matched_by"] is None:
        assert (result["request"], result["force"]) == (None, None)
    else:
        filed = request_of(name, round_)
        assert result["request"] == filed.our_reference
        assert result["force"] == filed.force.name
        row = Correspondence.objects.get(message_id=result["message_id"])
        assert (row.request, row.direction, row.kind) == (filed, "in", expected["kind"])
        assert row.kind_confirmed is False and row.kind_reason


def test_it_stores_a_message_seen_before_only_once(round_):
    first = take("12_response_xlsx.eml", round_).as_json()
    again = take("12_response_xlsx.eml", round_).as_json()

    assert again == {**first, "duplicate": True}
    assert InboundMessage.objects.count() == 1
    assert Correspondence.objects.filter(direction="in").count() == 1


def test_it_keeps_the_raw_message_and_the_checked_attachments(round_):
    message = take("12_response_xlsx.eml", round_).message

    assert message.raw.read() == raw_email("12_response_xlsx.eml", round_)
    attachment = message.attachments.get()
    assert attachment.file.read()[:2] == b"PK"
    # The reply file is the request's source file, as one recorded by hand would be.
    assert message.correspondence.attachment.name == attachment.file.name


def test_it_refuses_hostile_attachments_and_keeps_them_in_the_raw_message(round_):
    message = take("24_hostile_attachment_names.eml", round_).message

    rows = {row.original_name: row for row in message.attachments.all()}
    assert rows["../../etc/passwd"].name == "passwd" and rows["../../etc/passwd"].refused
    assert not rows["../../etc/passwd"].file
    assert rows["=cmd|' /C calc'!A0.xlsx"].name == "C calcA0.xlsx"
    assert rows["figures.pdf"].refused.endswith("its content differs.")
    for row in rows.values():
        assert ".." not in row.file.name and "=" not in row.file.name
    assert "Attachments refused" in message.problem
    assert b"../../etc/passwd" in message.raw.read()
    assert message.correspondence.needs_attention


def signed_reply(durham, signature_type):
    boundary, inner = "signed-1", "mixed-1"
    return (
        f"From: FOI <foi@durham.police.uk>\r\nTo: foi+{durham.reply_token}@charity.example\r\n"
        f"Subject: Your request\r\nMessage-ID: <signed-{signature_type[-13:]}@durham>\r\n"
        f'MIME-Version: 1.0\r\nContent-Type: multipart/signed; boundary="{boundary}"; '
        f'protocol="{signature_type}"; micalg=sha-256\r\n\r\n'
        f'--{boundary}\r\nContent-Type: multipart/mixed; boundary="{inner}"\r\n\r\n'
        f"--{inner}\r\nContent-Type: text/plain\r\n\r\nPlease find attached our response.\r\n"
        f"--{inner}\r\nContent-Type: text/csv\r\n"
        f'Content-Disposition: attachment; filename="figures.csv"\r\n\r\nyear,count\r\n'
        f"--{inner}--\r\n"
        f"--{boundary}\r\nContent-Type: {signature_type}; name=smime.p7s\r\n"
        f'Content-Disposition: attachment; filename="smime.p7s"\r\n'
        f"Content-Transfer-Encoding: base64\r\n\r\nMIIFAA==\r\n--{boundary}--\r\n"
    ).encode()


@pytest.mark.parametrize(
    "signature_type", ["application/pkcs7-signature", "application/x-pkcs7-signature"]
)
def test_it_does_not_take_a_signed_emails_signature_for_a_refused_attachment(
    round_, signature_type
):
    message = ingest(signed_reply(round_.durham, signature_type), "mailbox").message

    assert [item.name for item in message.attachments.all()] == ["figures.csv"]
    assert message.problem == ""
    assert message.correspondence.needs_attention == ""
    assert b"smime.p7s" in message.raw.read()


def test_it_names_each_refused_attachment_once(round_):
    message = take("24_hostile_attachment_names.eml", round_).message

    assert message.problem.startswith("Attachments refused: ")
    assert "passwd: passwd" not in message.problem


def test_it_keeps_only_the_headers_of_a_message_over_the_size_limit(round_, settings):
    settings.INBOUND_MAX_MESSAGE_BYTES = 5000
    raw = raw_email("12_response_xlsx.eml", round_)
    assert len(raw) > 5000

    result = ingest(raw, "file")

    message = result.message
    assert result.as_json()["matched_by"] == "token"
    assert "over the limit" in message.problem and "only its headers" in message.problem
    assert message.attachments.count() == 0
    assert message.raw.size < 5000
    assert "over the limit" in message.correspondence.needs_attention


def test_it_refuses_an_attachment_over_the_upload_limit(round_, settings):
    from email.message import EmailMessage

    settings.MAX_UPLOAD_BYTES = 100_000
    email = EmailMessage()
    email["From"], email["To"] = "foi@northumbria.police.uk", "foi+nthm4k3f9q2x@charity.example"
    email["Subject"], email["Message-ID"] = "RE: request", "<big-1@northumbria.police.uk>"
    email.set_content("Please find attached our response.")
    email.add_attachment(b"Year,Offences\n" * 20_000, maintype="text", subtype="csv",
                         filename="huge.csv")  # fmt: skip

    result = ingest(email.as_bytes(), "file")

    assert result.as_json()["attachments"] == []
    assert "the limit is" in result.message.attachments.get().refused


def test_it_trusts_the_reply_address_over_a_quoted_reference_and_says_so(round_):
    result = take("26_conflicting_reference.eml", round_)

    assert result.message.request == round_.northumbria
    note = result.message.correspondence.needs_attention
    assert round_.durham.our_reference in note and "Check which request" in note


def test_it_records_the_forces_reference_from_an_acknowledgement(round_):
    take("01_acknowledgement_our_ref.eml", round_)

    assert FOIRequest.objects.get(pk=round_.northumbria.pk).reference == "FOI 001234/17"


def test_it_flags_a_request_whose_message_bounced(round_):
    take("06_bounce_dsn.eml", round_)

    request = FOIRequest.objects.get(pk=round_.northumbria.pk)
    assert request.not_delivered_on is not None
    assert stages.stage_of(request, date(2026, 3, 1)).code == stages.StageCode.NOT_DELIVERED
    assert not FOIRequest.objects.awaiting_response().filter(pk=request.pk).exists()


def test_it_leaves_what_it_cannot_match_in_unmatched_replies_with_suggestions(round_):
    result = take("28_unmatched_unknown_sender.eml", round_)

    assert result.message.correspondence is None
    assert InboundMessage.objects.filter(correspondence__isnull=True).count() == 1
    assert match.suggestions(result.message) == []


def test_it_does_not_guess_between_two_open_requests_of_one_force(round_):
    other = FOIRequestFactory(force=round_.northumbria.force)
    raw = (
        "From: Jo Bell <jo.bell@northumbria.police.uk>\r\nSubject: Your request\r\n"
        f"Message-ID: <two-1@x>\r\n\r\nAbout {other.our_reference}: please find our response "
        "below.\r\n"
    ).encode()

    result = ingest(raw, "file")

    assert result.as_json()["request"] is None
    ranked = match.suggestions(result.message)
    assert [entry.request for entry in ranked] == [other, round_.northumbria]
    assert "our reference is quoted" in ranked[0].reasons


def test_it_does_not_chase_a_request_with_an_unconfirmed_final_response(round_):
    today = date(2026, 3, 2)  # the requests were due on 2 Feb 2026
    take("12_response_xlsx.eml", round_)

    steps = chasing.chase_overdue(today)

    assert [step.force for step in steps] == ["Durham Constabulary"]
    paused = FOIRequest.objects.get(pk=round_.northumbria.pk)
    assert stages.stage_of(paused, today).code == stages.StageCode.REPLY_TO_CONFIRM


def test_it_records_the_response_date_from_the_message_when_confirmed(round_, caseworker):
    row = take("10_refusal_s12.eml", round_).message.correspondence

    confirm.confirm(row, "refusal", user=caseworker)

    request = FOIRequest.objects.get(pk=round_.durham.pk)
    assert request.responded_on == date(2026, 2, 3)  # the email's Date header
    assert request.status == FOIRequest.Status.ANSWERED
    assert request.outcome == FOIRequest.Outcome.REFUSED
    assert [e.section for e in request.exemptions.all()] == ["s.12"]
    row.refresh_from_db()
    assert row.kind_confirmed and row.kind_confirmed_by == caseworker


def test_it_stops_the_clock_when_a_clarification_is_confirmed(round_):
    row = take("08_clarification.eml", round_).message.correspondence

    confirm.confirm(row, "clarification")

    request = FOIRequest.objects.get(pk=round_.northumbria.pk)
    assert request.status == FOIRequest.Status.CLARIFICATION
    assert request.clarification_requested_on == date(2026, 2, 3)


def test_it_records_an_extension_with_the_date_the_force_named(round_):
    row = take("09_extension_s10_3.eml", round_).message.correspondence

    confirm.confirm(row, "extension")

    request = FOIRequest.objects.get(pk=round_.northumbria.pk)
    assert (request.status, request.extended_due_date) == ("extended", date(2026, 3, 3))


def test_it_resumes_chasing_when_staff_change_a_suggested_response(round_):
    row = take("17_second_address_of_the_force.eml", round_).message.correspondence

    confirm.confirm(row, "other")

    steps = chasing.chase_overdue(date(2026, 3, 2))
    assert {step.force for step in steps} == {"Northumbria Police", "Durham Constabulary"}


def test_it_takes_emails_from_eml_and_mbox_files_and_prints_one_object_each(
    round_, tmp_path, capsys
):
    eml = tmp_path / "reply.eml"
    eml.write_bytes(raw_email("13_response_csv.eml", round_))
    box = mailbox.mbox(tmp_path / "replies.mbox")
    for name in ("01_acknowledgement_our_ref.eml", "28_unmatched_unknown_sender.eml"):
        box.add(raw_email(name, round_))
    box.close()

    call_command("ingest_email", str(eml), str(tmp_path / "replies.mbox"), "--json")

    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [line["suggested_kind"] for line in lines] == ["response", "acknowledgement", "other"]
    assert lines[0] == {
        "message_id": lines[0]["message_id"],
        "request": round_.durham.our_reference,
        "force": "Durham Constabulary",
        "matched_by": "token",
        "suggested_kind": "response",
        "attachments": ["durham_online_offences.csv"],
        "duplicate": False,
    }
    assert lines[2]["request"] is None and lines[2]["matched_by"] is None


def test_it_says_which_file_it_cannot_read(tmp_path):
    with pytest.raises(CommandError, match="missing.eml"):
        call_command("ingest_email", str(tmp_path / "missing.eml"))


def test_it_keeps_attachment_rows_out_of_reach_of_public_urls(round_):
    attachment = take("13_response_csv.eml", round_).message.attachments.get()

    assert EmailAttachment.objects.count() == 1
    assert attachment.file.url.startswith("/files/")
