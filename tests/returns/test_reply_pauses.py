"""A received reply that may end or stop the clock pauses the chasing until staff confirm its
kind: also one whose words showed no kind ("other"), since it may be the answer."""

from datetime import date

import pytest

from returns import chasing, deadlines
from returns.models import Correspondence
from tests.factories import FOIRequestFactory, force

pytestmark = pytest.mark.django_db

RECEIVED = date(2026, 1, 5)
LONG_OVERDUE = date(2026, 4, 30)


def overdue_request_with_reply(kind):
    northumbria = force("Northumbria Police")
    northumbria.foi_email = "foi@northumbria.police.uk"
    northumbria.save()
    request = FOIRequestFactory(
        force=northumbria,
        received_on=RECEIVED,
        due_date=deadlines.due_date(RECEIVED, northumbria.regime),
    )
    Correspondence.objects.create(
        request=request,
        direction=Correspondence.Direction.IN,
        kind=kind,
        state=Correspondence.State.RECEIVED,
        date=date(2026, 2, 20),
        kind_confirmed=False,
    )
    return request


@pytest.mark.parametrize("kind", ["response", "refusal", "clarification", "extension", "other"])
def test_it_does_not_chase_a_request_whose_reply_waits_for_staff(kind):
    overdue_request_with_reply(kind)

    assert chasing.chase_overdue(today=LONG_OVERDUE) == []


@pytest.mark.parametrize("kind", ["acknowledgement", "auto_reply"])
def test_it_still_chases_after_an_acknowledgement_or_an_automatic_reply(kind):
    overdue_request_with_reply(kind)

    assert len(chasing.chase_overdue(today=LONG_OVERDUE)) == 1
