"""Each list staff page takes as many queries for 500 rows as for 10: nothing is fetched per row."""

import datetime
from itertools import cycle

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from forces.models import Force
from returns.models import Correspondence, ImportBatch, PlausibilityWarning
from tests.factories import CampaignFactory, FigureFactory, FOIRequestFactory, ForceFactory

pytestmark = pytest.mark.django_db


def requests(count):
    """Overdue requests of several campaigns and forces, each with a letter or two."""
    forces = cycle(Force.objects.order_by("name")[:20])
    for campaign in CampaignFactory.create_batch(-(-count // 20)):
        for _ in range(min(count, 20)):
            foi_request = FOIRequestFactory(campaign=campaign, force=next(forces))
            letter(foi_request, "2026-01-05")
            count -= 1


def letter(foi_request, date, **fields):
    return Correspondence.objects.create(
        request=foi_request,
        direction=Correspondence.Direction.OUT,
        kind=Correspondence.Kind.REQUEST,
        date=date,
        subject=f"FOI request to {foi_request.force}",
        **fields,
    )


def figures(count, verifier=None):
    """Figures of several requests, some imported, verified or warned about."""
    forces = ForceFactory.create_batch(5)
    campaign = CampaignFactory()
    batch = ImportBatch.objects.create(campaign=campaign, original_name="returns.csv")
    by_force = [FOIRequestFactory(campaign=campaign, force=force) for force in forces]
    for n in range(count):
        figure = FigureFactory(
            request=by_force[n % 5],
            breakdown="victim_age",
            category=f"{n}-{timezone.now().timestamp()}",
            import_batch=batch if n % 2 else None,
            verified_at=timezone.now() if n % 3 else None,
        )
        if n % 4 == 0:
            PlausibilityWarning.objects.create(figure=figure, code="spike", message="A spike")


def letters(count):
    foi_requests = [FOIRequestFactory(force=force) for force in ForceFactory.create_batch(5)]
    for n in range(count):
        needs = "Unmatched reply" if n % 7 == 0 else ""
        letter(foi_requests[n % 5], datetime.date(2026, 1, 5), needs_attention=needs)


def campaigns(count):
    forces = list(Force.objects.order_by("name")[:3])
    for campaign in CampaignFactory.create_batch(count):
        for force in forces:
            FOIRequestFactory(campaign=campaign, force=force)


LISTS = {
    "requests": ("admin:returns_foirequest_changelist", requests),
    "figures": ("admin:returns_figure_changelist", figures),
    "correspondence": ("admin:returns_correspondence_changelist", letters),
    "campaigns": ("admin:returns_campaign_changelist", campaigns),
    "overdue board": ("returns:overdue_board", requests),
}


def queries_to_show(client, url):
    client.get(url)  # caches (content types, permissions) filled before counting
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return [query["sql"] for query in captured]


@pytest.mark.parametrize("page", LISTS)
def test_it_lists_500_rows_in_as_many_queries_as_10(client, administrator, page):
    url_name, make = LISTS[page]
    url = reverse(url_name)
    client.force_login(administrator)

    make(10)
    few = queries_to_show(client, url)
    make(490)
    many = queries_to_show(client, url)

    assert len(many) == len(few), "\n".join(many)
