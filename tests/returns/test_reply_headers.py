"""Reading a force's email's Message-ID quickly reads it as the email package's parser does."""

from datetime import datetime
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from returns.replies import parse


def message_with(message_id_line: str):
    raw = f"From: a@b\r\n{message_id_line}\r\nSubject: x\r\n\r\nbody\r\n".encode()
    return message_from_bytes(raw, policy=policy.default)


@pytest.mark.parametrize(
    "value",
    [
        "<8f638a262c498aee@mail.example>",
        " <a.b-c+d=e@mx.northumbria.police.uk> ",
        "<=?utf-8?q?x?=@d>",  # atext: read as it stands, never decoded
    ],
)
def test_it_reads_a_plain_message_id_as_the_parser_does(value):
    message = message_with(f"Message-ID: {value}")

    assert parse._plain_message_id(message) == parse.header(message, "Message-ID") == value.strip()


@pytest.mark.parametrize(
    "value", ["<a..b@c>", "<a@b> trailing words", "<a@b", "(comment) <a@b>", "a@b", "", "<é@b>"]
)
def test_it_leaves_any_other_message_id_to_the_parser(value):
    assert parse._plain_message_id(message_with(f"Message-ID: {value}")) == ""


def test_it_reads_a_folded_message_id_unfolded():
    message = message_with("Message-ID:\r\n <folded@mail.example>")

    assert parse._plain_message_id(message) == parse.header(message, "Message-ID")
    assert parse._plain_message_id(message) == "<folded@mail.example>"


# --- Free-text headers (Subject, References ...) read raw when plain -------------------------

EMAILS = Path(__file__).parent / "files" / "emails"


def parsed_by_the_policy(message, name):
    """A header as the email package's parser reads it: what `parse.header` must give."""
    return " ".join(str(message.get(name)).split()) if name in message else ""


def every_part(message):
    yield message
    payload = message.get_payload()
    if isinstance(payload, list):
        for part in payload:
            yield from every_part(part)


def test_it_reads_every_header_of_the_corpus_as_the_parser_does():
    compared = 0
    for path in sorted(EMAILS.glob("*.eml")):
        for message in every_part(message_from_bytes(path.read_bytes(), policy=parse.POLICY)):
            for name in {key.lower() for key in message.keys()}:
                try:
                    expected = parsed_by_the_policy(message, name)
                except Exception:  # noqa: S112 - a header the policy cannot parse is taken raw
                    continue
                assert parse.header(message, name) == expected, (path.name, name)
                compared += 1
    assert compared > 300


FREE_TEXT = st.text(
    alphabet=st.characters(min_codepoint=0, max_codepoint=127, blacklist_characters="\r\n"),
    max_size=80,
)


@settings(max_examples=300, deadline=None)
@given(
    name=st.sampled_from(["Subject", "References", "In-Reply-To", "Auto-Submitted", "X-Autoreply"]),
    first=FREE_TEXT,
    folded=st.lists(FREE_TEXT, max_size=2),
)
def test_it_reads_a_plain_free_text_header_as_the_parser_does(name, first, folded):
    lines = [first, *(" " + line for line in folded)]
    raw = f"From: a@b\r\n{name}: " + "\r\n".join(lines) + "\r\n\r\nbody\r\n"
    message = message_from_bytes(raw.encode(), policy=parse.POLICY)

    assert parse.header(message, name) == parsed_by_the_policy(message, name)


@pytest.mark.parametrize(
    "value",
    [
        "RE: FOI request [FOIR-12]",
        "=?utf-8?q?R=C3=A9ponse?=",  # an encoded word: the parser decodes it
        "x =?iso-8859-1?q?caf=E9?= y",
        "tab\there",
    ],
)
def test_it_reads_a_subject_as_the_parser_does(value):
    message = message_with(f"Message-ID: <a@b>\r\nSubject: {value}")

    assert parse.header(message, "Subject") == parsed_by_the_policy(message, "Subject")


# --- The Date header read raw when plain ------------------------------------------------------


def sent_at_through_the_policy(message):
    """The Date as read through the email package's parser (what `parse.sent_at` must give)."""
    try:
        moment = parsedate_to_datetime(parse.header(message, "Date"))
    except (TypeError, ValueError, IndexError):
        return None
    return moment if moment.tzinfo is not None else None


def same_moment(first, second):
    return first == second and (first is None or first.utcoffset() == second.utcoffset())


def test_it_reads_every_date_of_the_corpus_as_the_parser_does():
    for path in sorted(EMAILS.glob("*.eml")):
        message = message_from_bytes(path.read_bytes(), policy=parse.POLICY)
        assert same_moment(parse.sent_at(message), sent_at_through_the_policy(message)), path.name


DATES = st.one_of(
    st.builds(
        lambda moment, zone, form: moment.strftime(form) + zone,
        st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1)),
        st.sampled_from([" +0000", " -0000", " +0130", " -0800", " GMT", " EST", "", " +9999"]),
        st.sampled_from(["%a, %d %b %Y %H:%M:%S", "%d %b %y %H:%M", "%d-%b-%Y %H:%M:%S"]),
    ),
    st.text(alphabet=st.sampled_from("0123456789 :,+-ABDFJMNOSTaeglnoprtuy\t"), max_size=40),
    st.text(
        alphabet=st.characters(min_codepoint=0, max_codepoint=127, blacklist_characters="\r\n"),
        max_size=40,
    ),
)


@settings(max_examples=400, deadline=None)
@given(value=DATES, folded=st.booleans())
def test_it_reads_a_date_as_the_parser_does(value, folded):
    if folded and " " in value.strip():
        value = value.strip().replace(" ", "\r\n ", 1)
    raw = f"From: a@b\r\nDate: {value}\r\nSubject: x\r\n\r\nbody\r\n".encode()
    message = message_from_bytes(raw, policy=parse.POLICY)

    assert same_moment(parse.sent_at(message), sent_at_through_the_policy(message))


def test_it_reads_no_date_as_none():
    message = message_with("Message-ID: <a@b>")

    assert parse.sent_at(message) is None
