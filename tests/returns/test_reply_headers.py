"""Reading a force's email's Message-ID quickly reads it as the email package's parser does."""

from email import message_from_bytes, policy

import pytest

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
