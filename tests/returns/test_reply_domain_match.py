"""A reply matched only by its sender's domain is filed with certainty only when nothing in it
says another force is answering: forces share FOI units and answer from each other's domains."""

from datetime import UTC, datetime, time, timedelta
from email.utils import format_datetime

import pytest

from returns.replies.store import ingest
from tests.factories import CampaignFactory, FOIRequestFactory, force

pytestmark = pytest.mark.django_db


@pytest.fixture
def norfolk_and_suffolk():
    campaign = CampaignFactory()
    return {
        name: FOIRequestFactory(campaign=campaign, force=force(name))
        for name in ("Norfolk Constabulary", "Suffolk Constabulary")
    }


def reply_from_norfolk(signed, number):
    return (
        f"From: Information Management <foi@norfolk.police.uk>\r\n"
        f"To: foi@charity.example\r\nSubject: Freedom of Information Response\r\n"
        f"Message-ID: <joint-{number}@norfolk.police.uk>\r\n\r\n"
        f"Please find our response below: 98 offences in 2016/17.\r\n\r\n{signed}\r\n"
    ).encode()


def test_it_files_a_reply_from_the_forces_domain_that_names_it(norfolk_and_suffolk):
    message = ingest(reply_from_norfolk("Norfolk Constabulary", 1), "file").message

    assert message.request == norfolk_and_suffolk["Norfolk Constabulary"]
    assert message.matched_by == "domain"


def test_it_leaves_to_staff_a_reply_from_one_forces_domain_naming_another(norfolk_and_suffolk):
    message = ingest(reply_from_norfolk("Suffolk Constabulary", 2), "file").message

    assert message.request is None  # in Unmatched replies, for staff to choose


def test_it_files_a_joint_units_reply_naming_both_forces_by_its_domain(norfolk_and_suffolk):
    signed = "Norfolk Constabulary and Suffolk Constabulary, Joint Information Management"

    message = ingest(reply_from_norfolk(signed, 3), "file").message

    assert message.request == norfolk_and_suffolk["Norfolk Constabulary"]


def test_it_leaves_to_staff_a_reply_written_before_the_forces_only_request_was_sent(
    norfolk_and_suffolk,
):
    norfolk = norfolk_and_suffolk["Norfolk Constabulary"]
    written = norfolk.sent_on - timedelta(days=3)
    raw = reply_from_norfolk("Norfolk Constabulary", 4).replace(
        b"Subject:",
        f"Date: {format_datetime(datetime.combine(written, time(10), UTC))}\r\nSubject:".encode(),
    )

    message = ingest(raw, "file").message

    assert message.request is None  # an answer to something else
