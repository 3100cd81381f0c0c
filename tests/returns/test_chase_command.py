"""`manage.py chase_overdue [--today YYYY-MM-DD] [--dry-run] [--json]`.

The contract: docs/file-formats.md ("Command-line contracts").
"""

import json
import subprocess
import sys
from datetime import date, timedelta
from io import StringIO

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from returns import deadlines
from returns.models import Correspondence, EmailTemplate
from tests.factories import CampaignFactory, FOIRequestFactory, ForceFactory, force

pytestmark = pytest.mark.django_db


def awaiting(the_force, campaign, received_on=date(2026, 1, 5)):
    due = deadlines.due_date(received_on, the_force.regime)
    return FOIRequestFactory(
        force=the_force, campaign=campaign, received_on=received_on, due_date=due
    )


def chase(*args):
    out = StringIO()
    call_command("chase_overdue", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def two_overdue():
    campaign = CampaignFactory()
    with_address = awaiting(ForceFactory(name="Addressed Police"), campaign)
    without = awaiting(ForceFactory(name="Unaddressed Police", foi_email=""), campaign)
    return with_address, without


def test_it_prints_exactly_one_json_object_per_step_taken(two_overdue):
    with_address, without = two_overdue

    output = chase("--today", "2026-02-03", "--json")

    assert json.loads(output) == [
        {
            "force": "Addressed Police",
            "request": with_address.pk,
            "kind": "chaser",
            "to": with_address.force.foi_email,
            "sent": True,
        },
        {
            "force": "Unaddressed Police",
            "request": without.pk,
            "kind": "chaser",
            "to": None,
            "sent": False,
        },
    ]
    assert len(mail.outbox) == 1


def test_it_prints_an_empty_json_list_when_nothing_is_due(two_overdue):
    assert json.loads(chase("--today", "2026-02-02", "--json")) == []


def test_it_takes_nothing_twice_when_run_again_the_same_day(two_overdue):
    chase("--today", "2026-02-03", "--json")

    assert json.loads(chase("--today", "2026-02-03", "--json")) == []
    assert Correspondence.objects.filter(kind="chaser").count() == 2


def test_it_reports_a_dry_run_without_sending_or_recording(two_overdue):
    with_address, _ = two_overdue

    steps = json.loads(chase("--today", "2026-02-16", "--dry-run", "--json"))

    assert [(step["kind"], step["sent"]) for step in steps] == [("second_chaser", False)] * 2
    assert steps[0]["to"] == with_address.force.foi_email
    assert Correspondence.objects.count() == 0
    assert mail.outbox == []


def test_it_summarises_for_people_without_json(two_overdue):
    with_address, without = two_overdue

    output = chase("--today", "2026-02-03")

    assert f"Addressed Police (request {with_address.pk}): Chaser, to " in output
    assert ": sent." in output
    assert f"Unaddressed Police (request {without.pk}): Chaser, no FOI email address" in output
    assert "drafted for staff" in output
    assert output.rstrip().endswith("2 steps taken.")


def test_it_says_a_dry_run_sent_nothing(two_overdue):
    output = chase("--today", "2026-02-03", "--dry-run")

    assert "would be sent" in output and "would be drafted for staff" in output
    assert output.rstrip().endswith("Dry run: 2 steps due; nothing sent or recorded.")


def test_it_runs_for_today_by_default():
    today = timezone.localdate()
    awaiting(force("Northumbria Police"), CampaignFactory(), received_on=today)
    long_ago = awaiting(force("Durham Constabulary"), CampaignFactory(), today - timedelta(400))

    # Every step of the year-old request fell due unrun: only the most advanced is taken, the
    # review (the complaint waits for a review really asked for, and its deadline).
    assert [(step["request"], step["kind"]) for step in json.loads(chase("--json"))] == [
        (long_ago.pk, "internal_review")
    ]


def test_it_refuses_a_date_it_cannot_read():
    with pytest.raises(CommandError, match=r"--today must be a date written YYYY-MM-DD.*'3/2/26'"):
        chase("--today", "3/2/26")


def test_it_exits_non_zero_with_the_message_on_a_bad_date():
    result = subprocess.run(
        [sys.executable, "manage.py", "chase_overdue", "--today", "2026-02-30", "--json"],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode != 0
    assert result.stdout == ""
    assert "--today must be a date written YYYY-MM-DD" in result.stderr


def test_it_prints_the_steps_taken_then_fails_naming_the_broken_template(two_overdue):
    with_address, without = two_overdue
    EmailTemplate.objects.filter(key="chaser", regime="foia").update(subject="{% if %}")
    out = StringIO()

    with pytest.raises(CommandError, match=f"request {with_address.pk}: The subject of the email"):
        call_command("chase_overdue", "--today", "2026-02-03", "--json", stdout=out)

    assert json.loads(out.getvalue()) == []
    assert not Correspondence.objects.exists()
