"""create_campaign: one request per active force of the nations chosen, optionally already sent."""

import datetime

import pytest
from django.core.management import CommandError, call_command

from forces.models import Force
from returns.models import Campaign, Correspondence, FOIRequest

pytestmark = pytest.mark.django_db


def create(*args):
    call_command("create_campaign", *args)
    return Campaign.objects.get(slug=args[0])


def test_it_asks_every_active_force_of_england_and_wales():
    Force.objects.filter(name="Dorset Police").update(active=False)
    campaign = create(
        "ocso-2017",
        "--title",
        "Online child sexual offences 2017",
        "--measure",
        "online_child_sexual_offences",
        "--periods",
        "2015/16,2016-17",
        "--nations",
        "england,wales",
    )
    assert campaign.periods == ["2015/16", "2016/17"]
    assert campaign.requests.count() == 42
    assert not campaign.requests.filter(force__name="Dorset Police").exists()
    assert set(campaign.requests.values_list("status", flat=True)) == {"not_sent"}
    assert not campaign.requests.exclude(due_date=None).exists()


def test_it_includes_police_scotland_psni_and_uk_forces_when_asked():
    campaign = create(
        "all",
        "--title",
        "All",
        "--measure",
        "m",
        "--periods",
        "2018/19",
        "--nations",
        "england,wales,scotland,northern-ireland,uk",
    )
    assert campaign.requests.count() == 48


def test_it_records_requests_sent_on_a_date_with_their_due_dates():
    campaign = create(
        "sent",
        "--title",
        "Sent",
        "--measure",
        "m",
        "--periods",
        "2015/16",
        "--nations",
        "england,scotland",
        "--sent-on",
        "2014-12-02",
    )
    northumbria = campaign.requests.get(force__name="Northumbria Police")
    assert northumbria.status == FOIRequest.Status.AWAITING
    assert northumbria.sent_on == northumbria.received_on == datetime.date(2014, 12, 2)
    # FOIA: Christmas, Boxing Day, 1 and 2 January skipped (published worked example).
    assert northumbria.due_date == datetime.date(2015, 1, 5)
    scotland = campaign.requests.get(force__name="Police Scotland")
    assert scotland.due_date == datetime.date(2015, 1, 5)
    logged = Correspondence.objects.get(request=northumbria)
    assert (logged.kind, logged.state, logged.date) == (
        "request",
        "sent",
        datetime.date(2014, 12, 2),
    )


@pytest.mark.parametrize(
    "args, message",
    [
        (["--periods", "2015/17", "--nations", "england"], "second year must follow"),
        (["--periods", "2015/16", "--nations", "england,mars"], "Unknown nation(s): mars"),
        (
            ["--periods", "2015/16", "--nations", "england", "--sent-on", "02/12/2014"],
            "--sent-on must be a date as YYYY-MM-DD",
        ),
    ],
)
def test_it_refuses_bad_arguments_and_creates_nothing(args, message):
    with pytest.raises(CommandError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call_command("create_campaign", "bad", "--title", "T", "--measure", "m", *args)
    assert not Campaign.objects.exists()


def test_it_refuses_a_slug_already_taken():
    create("taken", "--title", "T", "--measure", "m", "--periods", "2015/16", "--nations", "wales")
    with pytest.raises(CommandError, match="already exists"):
        create(
            "taken", "--title", "T", "--measure", "m", "--periods", "2015/16", "--nations", "wales"
        )


def test_it_refuses_a_measure_code_with_spaces():
    with pytest.raises(CommandError, match="measure"):
        create(
            "m",
            "--title",
            "T",
            "--measure",
            "Online offences",
            "--periods",
            "2015/16",
            "--nations",
            "wales",
        )
    assert not FOIRequest.objects.exists()
