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
