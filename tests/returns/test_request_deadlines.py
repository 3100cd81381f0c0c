"""A request's due dates are derived from its dates of receipt, the regime and the tables."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from returns import rounds
from returns.models import FOIRequest, NonWorkingDay
from tests.factories import FOIRequestFactory, force

pytestmark = pytest.mark.django_db
D = datetime.date


def test_it_derives_the_due_date_from_the_date_of_receipt():
    foi_request = FOIRequestFactory(received_on=D(2014, 3, 16))  # Sunday; St Patrick's Day next
    assert foi_request.due_date == D(2014, 4, 14)


def test_it_restarts_the_clock_when_a_clarification_arrives():
    foi_request = FOIRequestFactory(received_on=D(2026, 1, 5))
    assert foi_request.due_date == D(2026, 2, 2)
    foi_request.clarification_requested_on = D(2026, 1, 8)
    foi_request.clarification_received_on = D(2026, 1, 19)
    foi_request.save()
    assert foi_request.due_date == D(2026, 2, 16)


def test_it_counts_police_scotland_in_scottish_working_days():
    # 12 July 2022 is a bank holiday in Northern Ireland only.
    english = FOIRequestFactory(received_on=D(2022, 7, 1))
    scottish = FOIRequestFactory(received_on=D(2022, 7, 1), force=force("Police Scotland"))
    # 4 Jul..2 Aug: 12 Jul (NI) and 1 Aug (Scottish summer holiday) both skipped under FOIA.
    assert english.due_date == D(2022, 8, 2)
    # 4..29 Jul: 12 Jul is a working day in Scotland.
    assert scottish.due_date == D(2022, 7, 29)


def test_it_moves_open_requests_when_an_extra_non_working_day_is_added():
    open_request = FOIRequestFactory(received_on=D(2026, 1, 5))
    answered = FOIRequestFactory(
        received_on=D(2026, 1, 5),
        force=force("Durham Constabulary"),
        status=FOIRequest.Status.ANSWERED,
        responded_on=D(2026, 1, 20),
    )
    NonWorkingDay.objects.create(date=D(2026, 1, 14), name="Proclaimed day of mourning")
    assert rounds.recompute_open_deadlines() == 1
    open_request.refresh_from_db()
    answered.refresh_from_db()
    assert open_request.due_date == D(2026, 2, 3)
    assert answered.due_date == D(2026, 2, 2)
    assert open_request.history.count() == 2


def test_it_applies_a_scotland_only_extra_day_to_police_scotland_alone():
    NonWorkingDay.objects.create(
        date=D(2026, 1, 14), name="Scottish proclamation", applies_to="foisa"
    )
    english = FOIRequestFactory(received_on=D(2026, 1, 5))
    scottish = FOIRequestFactory(received_on=D(2026, 1, 5), force=force("Police Scotland"))
    assert (english.due_date, scottish.due_date) == (D(2026, 2, 2), D(2026, 2, 3))


def test_it_derives_the_internal_review_deadline():
    foi_request = FOIRequestFactory(
        received_on=D(2026, 1, 5), internal_review_requested_on=D(2026, 3, 2)
    )
    assert foi_request.internal_review_due_date == D(2026, 3, 31)  # 17 Mar (NI) skipped


def test_it_explains_how_the_due_date_was_reached():
    foi_request = FOIRequestFactory(received_on=D(2014, 12, 2))
    reasons = dict(foi_request.deadline_explanation())
    assert reasons[D(2014, 12, 25)] == "Christmas Day"
    assert D(2015, 1, 2) in reasons and D(2014, 12, 26) in reasons


def test_it_refuses_a_public_interest_extension_under_foisa():
    foi_request = FOIRequestFactory.build(
        campaign=FOIRequestFactory().campaign,
        force=force("Police Scotland"),
        extended_due_date=D(2026, 3, 1),
    )
    with pytest.raises(ValidationError, match="FOISA 2002 has no public-interest extension"):
        foi_request.full_clean()


def test_it_gives_the_commissioner_deadline_of_each_act():
    english = FOIRequestFactory(
        received_on=D(2026, 1, 5), internal_review_requested_on=D(2026, 3, 2)
    )
    assert english.commissioner_deadline() == D(2026, 3, 31) + datetime.timedelta(weeks=6)
    english.internal_review_responded_on = D(2026, 3, 20)
    assert english.commissioner_deadline() == D(2026, 5, 1)
    scottish = FOIRequestFactory(
        received_on=D(2026, 1, 5),
        force=force("Police Scotland"),
        internal_review_responded_on=D(2026, 3, 20),
    )
    assert scottish.commissioner_deadline() == D(2026, 9, 20)  # FOISA s.47(4)(a): six months
    assert FOIRequestFactory(force=force("Kent Police")).commissioner_deadline() is None
