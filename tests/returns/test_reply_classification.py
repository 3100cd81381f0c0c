"""What kind of reply a force's email is, and what it says: pure rules, no database."""

from datetime import date

import pytest

from returns.replies import classify
from returns.replies.parse import parse
from returns.replies.text import html_to_text, safe_file_name
from tests.returns.replies_helpers import CORPUS, EXPECTED, classified, raw_email


@pytest.mark.parametrize("name", CORPUS)
def test_it_suggests_the_kind_of_each_force_email_with_its_reason(name):
    email, verdict = classified(raw_email(name))

    assert verdict.kind == EXPECTED[name]["kind"], verdict.reason
    assert verdict.reason


def test_it_has_a_corpus_of_every_kind_of_reply():
    kinds = {outcome["kind"] for outcome in EXPECTED.values()}

    assert len(CORPUS) >= 25
    assert kinds == set(classify.KINDS)


@pytest.mark.parametrize(
    "name, reference",
    [
        ("01_acknowledgement_our_ref.eml", "FOI 001234/17"),
        ("03_acknowledgement_reference_no.eml", "2026010000123"),
        ("10_refusal_s12.eml", "000567/26"),
        ("27_force_reference_only.eml", "FOI 001234/17"),
    ],
)
def test_it_reads_the_forces_own_reference(name, reference):
    assert classified(raw_email(name))[1].force_reference == reference


def test_it_never_takes_our_reference_for_the_forces():
    text = "Your ref: FOIR-00042\nSubject: [FOIR-00042] request"

    assert classify.force_reference(text) == ""


def test_it_names_the_exemptions_a_refusal_cites():
    assert classified(raw_email("10_refusal_s12.eml"))[1].exemptions == ["s.12"]
    assert classified(raw_email("11_refusal_ncnd_s30_s31.eml"))[1].exemptions == ["s.30", "s.31"]


def test_it_reads_the_date_an_extension_names():
    assert classified(raw_email("09_extension_s10_3.eml"))[1].extended_to == date(2026, 3, 3)


def test_it_reads_the_rfc_3834_and_x_autoreply_headers():
    _, verdict = classified(raw_email("04_auto_reply_rfc3834.eml"))
    assert verdict.kind == "auto_reply" and "RFC 3834" in verdict.reason
    email = parse(b"From: a@b.example\r\nX-Autoreply: yes\r\nSubject: Re: hello\r\n\r\nThanks.\r\n")
    assert classify.classify(email).kind == "auto_reply"


def test_it_does_not_read_our_quoted_request_as_the_forces_words():
    """Our request mentions section 12 and 20 working days; quoted back, it must not count."""
    email, verdict = classified(raw_email("29_response_quoting_our_request.eml"))

    assert "section 12" in email.body
    assert verdict.kind == "response"
    assert "section 12" not in classify.own_text(email.body)


def test_it_shows_html_as_text_without_scripts_or_styles():
    email = parse(raw_email("20_html_only_with_script.eml"))

    assert "alert" not in email.body and "color: red" not in email.body
    assert "<" not in email.body
    assert "Please find our response below." in email.body
    assert "2015/16 98" in " ".join(email.body.split())


def test_it_reads_quoted_printable_and_old_windows_charsets():
    assert "98 offences in 2015/16 \u2013" in " ".join(
        parse(raw_email("21_quoted_printable.eml")).body.split()
    )
    assert "\u00a30" in parse(raw_email("22_windows_1252.eml")).body
    assert "\u201conline\u201d" in parse(raw_email("22_windows_1252.eml")).body
    assert "r\u00e9ponse" in parse(raw_email("23_iso_8859_1.eml")).body


def test_it_reports_broken_mime_and_still_reads_what_it_can():
    email = parse(raw_email("25_malformed_mime.eml"))

    assert "MIME structure is broken" in email.problems[0]
    assert email.message_id == "<malformed-1@northumbria.police.uk>"
    assert [part.name for part in email.attachments] == ["broken.xls"]


def test_it_gives_a_message_without_message_id_a_stable_one():
    first = parse(raw_email("30_no_message_id.eml")).message_id
    assert first == parse(raw_email("30_no_message_id.eml")).message_id
    assert first.endswith("@no-message-id.invalid>")


def test_it_finds_the_original_of_a_delivery_failure_and_of_a_forward():
    bounce = parse(raw_email("06_bounce_dsn.eml"))
    forward = parse(raw_email("18_forwarded_in_body.eml"))

    assert bounce.is_delivery_report
    assert "foi+nthm4k3f9q2x@charity.example" in bounce.original.addresses
    assert bounce.original.message_id == "<request-nthm@charity.example>"
    assert forward.original.sender == "foi@durham.police.uk"


@pytest.mark.parametrize(
    "hostile, safe",
    [
        ("../../etc/passwd", "passwd"),
        ("=cmd|' /C calc'!A0.xlsx", "C calcA0.xlsx"),
        ("..\\..\\Windows\\win.ini", "win.ini"),
        ("=HYPERLINK(1).csv", "HYPERLINK(1).csv"),
        ("+-@.xlsx", "attachment.xlsx"),
        (".htaccess", "attachment.htaccess"),
        ("", "attachment"),
    ],
)
def test_it_gives_attachments_names_that_cannot_escape_or_run(hostile, safe):
    name = safe_file_name(hostile)

    assert name == safe
    assert "/" not in name and "\\" not in name and name[0] not in "=+-@.|"


def test_it_turns_html_into_text():
    assert html_to_text("<p>A&amp;B</p><script>x()</script><p>C</p>") == "A&B\n\nC"


@pytest.mark.parametrize(
    "subject, body",
    [
        (
            "Freedom of Information Response - FOI/2026/0567",
            "North Wales Police has now completed its search. The information you requested is "
            "disclosed in full below.\n\n2022/23: 48\n2023/24: 53\n\nThis concludes your request.",
        ),
        (
            "Freedom of Information Response",
            "Dyfed-Powys Police can confirm that the information is held and is provided in "
            "full below:\n2022/23: 64\n2023/24: 71",
        ),
    ],
)
def test_it_reads_figures_given_in_the_body_as_a_final_response(subject, body):
    email = parse(f"From: foi@dyfed-powys.police.uk\nSubject: {subject}\n\n{body}\n".encode())

    verdict = classify.classify(email)

    assert verdict.kind == "response", verdict.reason


def plain_bytes(subject):
    return f"From: a@kent.police.uk\nSubject: {subject}\n\nAway.\n".encode()


def test_it_gives_the_rfc_3834_header_as_the_reason_and_quotes_a_subject_at_a_word():
    subject = "Automatic reply: Freedom of Information request: Online child sexual abuse offences"
    plain = parse(plain_bytes(subject))
    header = parse(b"Auto-Submitted: auto-replied\n" + plain_bytes(subject))

    assert classify.classify(header).reason.startswith("Auto-Submitted: auto-replied")
    assert '"Automatic reply: Freedom of Information request: Online..."' in (
        classify.classify(plain).reason
    )


@pytest.mark.parametrize(
    "body",
    [
        "Before we can progress your request, can you confirm whether you want figures by date "
        "the crime was recorded or the date it was committed?",
        "Could you please confirm which offences you would like included?",
    ],
)
def test_it_reads_can_you_confirm_which_as_a_clarification(body):
    email = parse(f"From: foi@gwent.police.uk\nSubject: RE: FOI request\n\n{body}\n".encode())

    assert classify.classify(email).kind == "clarification"


def test_it_reads_a_plural_label_before_the_forces_reference():
    text = "Your two requests, our references FOI 2026/781 (FOIR-00018) and FOI 2026/402."

    assert classify.force_reference(text) == "FOI 2026/781"


def test_it_says_a_secure_message_notice_hides_the_reply_behind_its_link():
    email = parse(
        b"From: Egress Switch <switch@egress.com>\nSubject: Secure email from Gwent Police\n\n"
        b"foi@gwent.police.uk has sent you a secure email. Click the link to read it.\n"
    )

    verdict = classify.classify(email)

    assert verdict.kind == "other" and "secure-message notice" in verdict.reason
