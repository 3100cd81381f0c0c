"""`manage.py send_requests SLUG [--json]`: the admin's send, from the command line, over SMTP."""

import io
import json
import socket

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from returns.models import Campaign, FOIRequest
from tests.factories import CampaignFactory, FOIRequestFactory, ForceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign():
    campaign = CampaignFactory(slug="ocso-2017", title="Online child sexual offences 2017")
    for name, address in [("Avonshire Police", "foi@avon.example"), ("Borsetshire Police", "")]:
        FOIRequestFactory(
            campaign=campaign,
            force=ForceFactory(name=name, foi_email=address),
            status=FOIRequest.Status.NOT_SENT,
            sent_on=None,
            received_on=None,
        )
    return campaign


def send_requests(*args):
    """(what it printed, the CommandError it stopped with or None)."""
    out = io.StringIO()
    try:
        call_command("send_requests", *args, stdout=out)
    except CommandError as error:
        return out.getvalue(), error
    return out.getvalue(), None


def test_it_prints_one_object_per_request_as_json(campaign, smtp_server):
    printed, error = send_requests("ocso-2017", "--json")

    assert error is None
    rows = json.loads(printed)
    avon = FOIRequest.objects.get(force__name="Avonshire Police")
    borset = FOIRequest.objects.get(force__name="Borsetshire Police")
    avon_row, borset_row = (request.correspondence.get() for request in (avon, borset))
    assert rows == [
        {
            "force": "Avonshire Police",
            "request": f"FOIR-{avon.pk:05d}",
            "to": "foi@avon.example",
            "subject": f"Freedom of Information request: Online child sexual offences 2017 "
            f"[FOIR-{avon.pk:05d}]",
            "message_id": avon_row.message_id,
            "reply_to": f"foi+{avon.reply_token}@charity.example",
            "sent": True,
        },
        {
            "force": "Borsetshire Police",
            "request": f"FOIR-{borset.pk:05d}",
            "to": None,
            "subject": f"Freedom of Information request: Online child sexual offences 2017 "
            f"[FOIR-{borset.pk:05d}]",
            "message_id": borset_row.message_id,
            "reply_to": f"foi+{borset.reply_token}@charity.example",
            "sent": False,
        },
    ]
    [delivered] = smtp_server.messages()
    assert delivered["Message-ID"] == rows[0]["message_id"]
    assert delivered["Reply-To"] == rows[0]["reply_to"]
    assert (avon.status, avon.received_on) == ("awaiting", timezone.localdate())
    assert (borset.status, borset_row.state) == ("not_sent", "draft")


def test_it_sends_nothing_twice_when_run_again(campaign, smtp_server):
    send_requests("ocso-2017", "--json")

    again = json.loads(send_requests("ocso-2017", "--json")[0])

    # Only the flagged draft is tried again, and still has no address.
    assert [(row["force"], row["sent"]) for row in again] == [("Borsetshire Police", False)]
    assert len(smtp_server.messages()) == 1


def test_it_says_what_it_did_without_json(campaign, smtp_server):
    printed, _ = send_requests("ocso-2017")

    assert "Avonshire Police (FOIR-" in printed and "sent to foi@avon.example" in printed
    assert "Borsetshire Police (FOIR-" in printed and "no FOI email address" in printed
    assert printed.strip().endswith(
        "1 sent, 1 drafted for forces without an FOI address, 0 not taken by the mail server."
    )


def test_it_refuses_an_unknown_campaign():
    printed, error = send_requests("nope", "--json")

    assert str(error) == "There is no campaign with slug 'nope'." and printed == ""


def test_it_exits_non_zero_when_the_mail_server_refuses(campaign, smtp_server, settings):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        settings.EMAIL_PORT = probe.getsockname()[1]  # nothing listens there

    printed, error = send_requests("ocso-2017", "--json")

    assert str(error).startswith("1 not taken by the mail server")
    assert "Avonshire Police: Sending failed" in str(error)
    rows = json.loads(printed)
    assert [(row["force"], row["sent"]) for row in rows] == [
        ("Avonshire Police", False),
        ("Borsetshire Police", False),
    ]
    assert FOIRequest.objects.get(force__name="Avonshire Police").status == "not_sent"


def test_it_exits_non_zero_when_the_wording_cannot_be_filled_in(campaign, smtp_server):
    Campaign.objects.filter(pk=campaign.pk).update(request_wording="{force.name}")

    printed, error = send_requests("ocso-2017", "--json")

    assert str(error).startswith("Not all sent: The request wording of campaign")
    assert json.loads(printed) == []
    assert smtp_server.messages() == []
