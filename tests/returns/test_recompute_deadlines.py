import datetime

import pytest
from django.core.management import call_command

from returns.models import NonWorkingDay
from tests.factories import FOIRequestFactory

pytestmark = pytest.mark.django_db


def test_it_moves_due_dates_of_open_requests_to_match_the_holiday_tables(capsys):
    foi_request = FOIRequestFactory(received_on=datetime.date(2026, 1, 5))
    NonWorkingDay.objects.bulk_create(  # bulk: no admin hook ran, as after a package upgrade
        [NonWorkingDay(date=datetime.date(2026, 1, 14), name="Proclaimed holiday")]
    )
    call_command("recompute_deadlines")
    assert "1 open requests have a new due date." in capsys.readouterr().out
    foi_request.refresh_from_db()
    assert foi_request.due_date == datetime.date(2026, 2, 3)
    call_command("recompute_deadlines")
    assert "0 open requests" in capsys.readouterr().out


def test_it_is_scheduled_daily_before_the_chase_and_runs_as_a_task(settings):
    from returns.tasks import recompute_deadlines

    schedule = settings.CELERY_BEAT_SCHEDULE
    assert schedule["recompute-deadlines-daily"]["task"] == recompute_deadlines.name
    assert (
        schedule["recompute-deadlines-daily"]["schedule"].hour,
        schedule["chase-overdue-daily"]["schedule"].hour,
    ) == ({6}, {7})
    foi_request = FOIRequestFactory(received_on=datetime.date(2026, 1, 5))
    NonWorkingDay.objects.bulk_create(
        [NonWorkingDay(date=datetime.date(2026, 1, 14), name="Proclaimed holiday")]
    )
    assert recompute_deadlines.apply().get() == 1
    foi_request.refresh_from_db()
    assert foi_request.due_date == datetime.date(2026, 2, 3)
