"""The statistics take the same few queries however many forces, periods and figures there are."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from forces.models import Force, Under18Population
from returns.statistics import compute_statistics
from tests.factories import CampaignFactory, FigureFactory, FOIRequestFactory

pytestmark = pytest.mark.django_db

PERIODS = ["2013/14", "2014/15", "2015/16", "2016/17"]


def campaign_with(force_count, period_count, verifier):
    campaign = CampaignFactory(periods=PERIODS[:period_count])
    for force in Force.objects.order_by("name")[:force_count]:
        request = FOIRequestFactory(campaign=campaign, force=force)
        Under18Population.objects.get_or_create(force=force, year=2016, under_18=100_000)
        for period in campaign.periods:
            cells = [("", ""), ("victim_age", "13"), ("victim_age", "unknown")]
            for breakdown, category in cells:
                FigureFactory(
                    request=request, period=period, breakdown=breakdown, category=category,
                    verified_by=verifier, verified_at=timezone.now(),
                )  # fmt: skip
    return campaign


def queries_for(campaign):
    with CaptureQueriesContext(connection) as captured:
        compute_statistics(campaign)
    return len(captured)


def test_it_uses_four_queries_whatever_the_size(verifier):
    small = campaign_with(2, 2, verifier)
    large = campaign_with(12, 4, verifier)
    assert queries_for(small) == queries_for(large) == 4
    assert compute_statistics(large).figure_count == 12 * 4 * 3
