"""Every staff page beside the admin sends a visitor without an admin login to the login page."""

import pytest

from tests.factories import CampaignFactory, FOIRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def urls():
    campaign = CampaignFactory(slug="ocso")
    foi_request = FOIRequestFactory(campaign=campaign)
    return [
        "/returns/overdue/",
        f"/returns/requests/{foi_request.pk}/verify/",
        "/returns/datasets/",
        "/returns/campaigns/ocso/dataset/",
        "/returns/statistics/",
        "/returns/statistics/ocso/",
        "/returns/statistics/ocso/charts/ages.svg",
    ]


def test_it_sends_anonymous_visitors_to_the_admin_login(client, urls):
    for url in urls:
        response = client.get(url) if "verify" not in url else client.post(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/login/?next="), url
