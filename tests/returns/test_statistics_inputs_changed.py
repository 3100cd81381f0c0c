"""What else makes a campaign's statistics stale: populations (rates) and the periods asked."""

import pytest

from forces.models import Under18Population
from returns.models import Campaign
from tests.factories import CampaignFactory, force

pytestmark = pytest.mark.django_db


def version(campaign):
    return Campaign.objects.get(pk=campaign.pk).data_version


def test_it_marks_every_campaign_stale_when_a_population_changes():
    first, second = CampaignFactory(), CampaignFactory()
    population = Under18Population.objects.create(
        force=force("Northumbria Police"), year=2016, under_18=300_000
    )
    assert (version(first), version(second)) == (1, 1)
    population.delete()
    assert (version(first), version(second)) == (2, 2)


def test_it_marks_a_campaign_stale_when_staff_change_its_periods(client, caseworker):
    campaign = CampaignFactory(periods=["2015/16", "2016/17"])
    client.force_login(caseworker)
    response = client.post(
        f"/admin/returns/campaign/{campaign.pk}/change/",
        {
            "title": campaign.title,
            "slug": campaign.slug,
            "measure": campaign.measure,
            "periods": "2016/17, 2017/18",
            "request_wording": campaign.request_wording,
        },
    )
    assert response.status_code == 302
    assert version(campaign) == 1
    assert Campaign.objects.get(pk=campaign.pk).periods == ["2016/17", "2017/18"]
