"""The daily beat task chases overdue forces on a real worker, through the real broker."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from returns.models import Correspondence
from returns.tasks import chase_overdue
from tests.factories import FOIRequestFactory, ForceFactory


@pytest.mark.worker
def test_it_takes_the_due_step_once_on_the_worker(live_worker, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    the_force = ForceFactory(foi_email="foi@worker.example")
    # Received over a year ago: every step fell due unrun, so only the most advanced is taken,
    # the review (no complaint before a review was really asked for).
    foi_request = FOIRequestFactory(
        force=the_force, received_on=timezone.localdate() - timedelta(days=400)
    )

    first = chase_overdue.delay().get(timeout=30)
    second = chase_overdue.delay().get(timeout=30)

    assert first == [
        {
            "force": the_force.name,
            "request": foi_request.pk,
            "kind": "internal_review",
            "to": "foi@worker.example",
            "sent": True,
        }
    ]
    assert second == []
    assert [email.to for email in mail.outbox] == [["foi@worker.example"]]
    kinds = set(Correspondence.objects.filter(request=foi_request).values_list("kind", "state"))
    assert kinds == {("internal_review", "sent")}
