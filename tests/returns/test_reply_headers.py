"""Reading a force's email's Message-ID quickly reads it as the email package's parser does."""

from email import message_from_bytes, policy
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
