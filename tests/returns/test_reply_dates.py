"""The day a force's reply is dated: its Date header, unless that cannot be the day it was
written (before the request was sent, or after the email arrived): then the day it arrived,
and staff are told."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from returns.models import FOIRequest
from returns.replies import confirm
from returns.replies.store import file_under, ingest
from tests.factories import FOIRequestFactory, force

pytestmark = pytest.mark.django_db


def reply(request, written, *, token=True, body="Please find attached our response."):
    to = f"foi+{request.reply_token}@charity.example" if token else "foi@charity.example"
    return (
        f"From: FOI Unit <foi@gwent.police.uk>\r\nTo: {to}\r\n"
        f"Date: {written:%a, %d %b %Y} 10:15:00 +0000\r\n"
        f"Message-ID: <reply-{written:%Y%m%d}@gwent.police.uk>\r\n"
        f"Subject: RE: FOI request\r\n\r\n{body}\r\n"
    ).encode()


@pytest.fixture(name="request_")
def request_fixture():
    return FOIRequestFactory(force=force("Gwent Police"), sent_on=date(2026, 1, 5))


def test_it_dates_a_reply_by_its_date_header(request_):
    correspondence = ingest(reply(request_, date(2026, 2, 3)), "file").message.correspondence

    assert correspondence.date == date(2026, 2, 3)
    assert "Date header" not in correspondence.needs_attention


def test_it_dates_a_reply_written_before_the_request_was_sent_by_its_arrival_and_says_so(
    request_,
):
    correspondence = ingest(reply(request_, date(2025, 3, 10)), "file").message.correspondence

    assert correspondence.date == timezone.localdate()
    assert correspondence.needs_attention.startswith(
        "The email's Date header says 10 Mar 2025, before the request was sent (5 Jan 2026): "
        f"it is dated the day it arrived ({timezone.localdate():%-d %b %Y}) instead."
    )


def test_it_dates_a_reply_dated_after_it_arrived_by_its_arrival_and_says_so(request_):
    written = timezone.localdate() + timedelta(days=3)

    correspondence = ingest(reply(request_, written), "file").message.correspondence

    assert correspondence.date == timezone.localdate()
    assert "after the day it arrived" in correspondence.needs_attention


def test_it_records_the_arrival_as_the_response_date_when_the_date_header_cannot_be_right(
    request_, caseworker
):
    correspondence = ingest(reply(request_, date(2025, 3, 10)), "file").message.correspondence

    confirm.confirm(correspondence, "response", user=caseworker)

    request = FOIRequest.objects.get(pk=request_.pk)
    assert request.responded_on == timezone.localdate()
    assert request.responded_on >= request.received_on


def test_it_says_so_when_staff_file_such_a_reply_from_unmatched_replies(request_, caseworker):
    message = ingest(reply(request_, date(2025, 3, 10), token=False), "file").message
    assert message.request is None  # written before the force's only request was sent

    correspondence = file_under(message, request_, "staff", user=caseworker)

    assert correspondence.date == timezone.localdate()
    assert "before the request was sent (5 Jan 2026)" in correspondence.needs_attention
