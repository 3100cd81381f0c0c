"""Where a request stands: `stages.stage_of` for one request, `FOIRequest.objects` for many.

Dates counted by hand. Both requests are due Thu 2 Apr 2026, the day before Good Friday:
Northumbria (FOIA) received Wed 4 Mar, since St Patrick's Day (Tue 17 Mar) is not a working day
under FOIA s.10(6); Police Scotland (FOISA) received Thu 5 Mar. Easter Monday (6 Apr) is a
working day only under FOISA s.73, and both lose the early May bank holiday (Mon 4 May):

- FOIA: chaser Tue 7 Apr, second chaser Mon 20 Apr, long overdue (and internal review) Tue 5 May
  (7-10 Apr 4, 13-17 Apr 9, 20-24 Apr 14, 27 Apr-1 May 19, 5 May 20);
- FOISA: chaser Mon 6 Apr, second chaser Fri 17 Apr, long overdue Fri 1 May (6-10 Apr 5,
  13-17 Apr 10, 20-24 Apr 15, 27-30 Apr 19, 1 May 20).
"""

from datetime import date, timedelta

import pytest

from forces.models import Force
from returns import deadlines, stages
from returns.models import FOIRequest
from returns.stages import StageCode
from tests.factories import CampaignFactory, FOIRequestFactory, force

D = date
DUE = D(2026, 4, 2)
ENGLISH = ("Northumbria Police", D(2026, 3, 4))
SCOTTISH = ("Police Scotland", D(2026, 3, 5))


def awaiting(name_and_receipt, **fields):
    name, received_on = name_and_receipt
    return FOIRequestFactory(force=force(name), received_on=received_on, **fields)


# --- One request: stage_of ------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "request_to, today, code, working_days_late",
    [
        (ENGLISH, D(2026, 4, 2), StageCode.NOT_YET_DUE, 0),
        (ENGLISH, D(2026, 4, 3), StageCode.OVERDUE, 0),  # Good Friday: late, no working day yet
        (ENGLISH, D(2026, 4, 6), StageCode.OVERDUE, 0),  # Easter Monday: not a FOIA working day
        (ENGLISH, D(2026, 4, 7), StageCode.OVERDUE, 1),
        (ENGLISH, D(2026, 5, 4), StageCode.OVERDUE, 19),  # early May bank holiday
        (ENGLISH, D(2026, 5, 5), StageCode.LONG_OVERDUE, 20),
        (SCOTTISH, D(2026, 4, 2), StageCode.NOT_YET_DUE, 0),
        (SCOTTISH, D(2026, 4, 3), StageCode.OVERDUE, 0),
        (SCOTTISH, D(2026, 4, 6), StageCode.OVERDUE, 1),  # Easter Monday works in Scotland
        (SCOTTISH, D(2026, 4, 30), StageCode.OVERDUE, 19),
        (SCOTTISH, D(2026, 5, 1), StageCode.LONG_OVERDUE, 20),
        (SCOTTISH, D(2026, 5, 4), StageCode.LONG_OVERDUE, 20),
    ],
)
def test_it_counts_lateness_in_the_forces_own_working_days(
    request_to, today, code, working_days_late
):
    stage = stages.stage_of(awaiting(request_to), today)

    assert (stage.code, stage.due, stage.working_days_overdue) == (code, DUE, working_days_late)
    assert stage.is_overdue == (today > DUE)
    assert stage.is_long_overdue == (code == StageCode.LONG_OVERDUE)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "request_to, today, next_step",
    [
        (ENGLISH, D(2026, 3, 20), ("chaser", D(2026, 4, 7))),
        (ENGLISH, D(2026, 4, 8), ("chaser", D(2026, 4, 7))),  # due, not yet taken
        (ENGLISH, D(2026, 5, 5), ("internal_review", D(2026, 5, 5))),  # the most advanced due
        (SCOTTISH, D(2026, 3, 20), ("chaser", D(2026, 4, 6))),
        (SCOTTISH, D(2026, 4, 20), ("second_chaser", D(2026, 4, 17))),
        (SCOTTISH, D(2026, 5, 1), ("internal_review", D(2026, 5, 1))),
    ],
)
def test_it_names_the_next_chase_step_and_its_day(request_to, today, next_step):
    stage = stages.stage_of(awaiting(request_to), today)

    assert stage.next_step == next_step


@pytest.mark.django_db
def test_it_moves_to_the_extension_date_and_says_so():
    foi_request = awaiting(ENGLISH, status="extended", extended_due_date=D(2026, 4, 30))

    on_the_old_date = stages.stage_of(foi_request, D(2026, 4, 7))
    after_it = stages.stage_of(foi_request, D(2026, 5, 1))

    assert (on_the_old_date.code, on_the_old_date.due) == (StageCode.NOT_YET_DUE, D(2026, 4, 30))
    assert on_the_old_date.extended
    assert (after_it.code, after_it.working_days_overdue) == (StageCode.OVERDUE, 1)
    assert after_it.next_step == ("chaser", D(2026, 5, 1))
    assert after_it.next_step.label == "Chaser"


def unsaved(status="awaiting", **fields):
    """A request built in memory: the stages that need no clock need no database."""
    return FOIRequest(force=Force(regime="foia"), status=status, **fields)


@pytest.mark.parametrize(
    "foi_request, code",
    [
        (unsaved("not_sent"), StageCode.NOT_SENT),
        (unsaved("clarification", received_on=D(2026, 3, 4)), StageCode.CLOCK_STOPPED),
        (unsaved("awaiting"), StageCode.NO_DUE_DATE),
        (unsaved("answered", due_date=DUE), StageCode.ANSWERED),
        # A response date is a final response whatever the status says.
        (unsaved("awaiting", due_date=DUE, responded_on=D(2026, 5, 5)), StageCode.ANSWERED),
        (unsaved("withdrawn", due_date=DUE), StageCode.WITHDRAWN),
    ],
)
def test_it_gives_requests_not_awaiting_a_response_no_lateness_and_no_step(foi_request, code):
    stage = stages.stage_of(foi_request, D(2026, 6, 1))

    assert stage.code == code
    assert (stage.working_days_overdue, stage.next_step, stage.is_overdue) == (0, None, False)
    assert not stages.is_awaiting_response(foi_request)


# --- Many requests: FOIRequest.objects agrees with stage_of ----------------------------------


@pytest.fixture
def round_of_requests():
    campaign = CampaignFactory()
    on = {"campaign": campaign}
    return [
        awaiting(ENGLISH, **on),
        awaiting(SCOTTISH, **on),
        awaiting(
            ("Durham Constabulary", D(2026, 3, 4)),
            status="extended",
            extended_due_date=D(2026, 4, 16),
            **on,
        ),
        awaiting(("Kent Police", D(2026, 3, 4)), status="clarification", **on),
        awaiting(
            ("Essex Police", D(2026, 3, 4)), status="answered", responded_on=D(2026, 4, 1), **on
        ),
        awaiting(("Gwent Police", D(2026, 3, 4)), status="withdrawn", **on),
        FOIRequestFactory(
            force=force("Dyfed-Powys Police"), status="not_sent", received_on=None, **on
        ),
    ]


def names(requests):
    return sorted(foi_request.force.name for foi_request in requests)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "today",
    [D(2026, 4, 2), D(2026, 4, 3), D(2026, 4, 6), D(2026, 4, 17), D(2026, 5, 1), D(2026, 5, 5)],
)
def test_it_answers_the_same_from_the_database_as_for_one_request(round_of_requests, today):
    stage = {r.force.name: stages.stage_of(r, today) for r in round_of_requests}
    requests = FOIRequest.objects.select_related("force")

    def where(rule):
        return sorted(name for name, one in stage.items() if rule(one))

    assert names(requests.not_yet_due(today)) == where(lambda s: s.code == StageCode.NOT_YET_DUE)
    assert names(requests.overdue(today)) == where(lambda s: s.is_overdue)
    assert names(requests.long_overdue(today)) == where(lambda s: s.is_long_overdue)
    assert names(requests.awaiting_response()) == sorted(
        r.force.name for r in round_of_requests if stages.is_awaiting_response(r)
    )


@pytest.mark.django_db
def test_it_sorts_a_round_into_unsent_open_and_awaiting(round_of_requests):
    requests = FOIRequest.objects.select_related("force")

    assert names(requests.unsent()) == ["Dyfed-Powys Police"]
    assert names(requests.open()) == [
        "Durham Constabulary",
        "Kent Police",  # clarification: open, but its clock is stopped
        "Northumbria Police",
        "Police Scotland",
    ]
    assert names(requests.awaiting_response()) == [
        "Durham Constabulary",
        "Northumbria Police",
        "Police Scotland",
    ]


@pytest.mark.django_db
def test_it_finds_long_overdue_requests_on_the_day_they_become_so(round_of_requests):
    requests = FOIRequest.objects.select_related("force")

    assert names(requests.long_overdue(D(2026, 4, 30))) == []
    assert names(requests.long_overdue(D(2026, 5, 1))) == ["Police Scotland"]
    assert names(requests.long_overdue(D(2026, 5, 5))) == ["Northumbria Police", "Police Scotland"]


# --- The long-overdue cutoff, a pure rule ----------------------------------------------------


@pytest.mark.parametrize(
    "end, regime, cutoff",
    [
        (D(2026, 5, 5), "foia", D(2026, 4, 6)),  # back over 4 May, Easter Monday, Good Friday
        (D(2026, 5, 1), "foisa", D(2026, 4, 5)),  # Easter Sunday: 6 Apr is a working day
        (D(2026, 5, 4), "foisa", D(2026, 4, 5)),  # a bank holiday adds no working day
        (D(2027, 2, 1), "foia", D(2027, 1, 4)),  # itself the substitute 2 January (Scotland)
    ],
)
def test_it_finds_the_latest_due_date_that_is_20_working_days_past(end, regime, cutoff):
    assert deadlines.working_days_back(end, 20, regime) == cutoff
    assert deadlines.working_days_after(cutoff, end, regime) == 20
    assert deadlines.working_days_after(cutoff + timedelta(days=1), end, regime) < 20
