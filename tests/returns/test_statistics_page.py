"""The statistics page: the stored snapshot in words, a sortable force table and charts."""

import pytest
from django.urls import reverse

from returns import snapshots
from returns.models import Campaign
from tests.returns.statistics_fixtures import add_unverified, press_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(caseworker, verifier):
    campaign = press_round(caseworker, verifier)
    snapshots.recompute(campaign.pk)
    return campaign


def page_url(campaign, **query):
    url = reverse("returns:statistics_page", args=[campaign.slug])
    return url + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def test_it_shows_the_headline_figures_in_words(client, caseworker, campaign):
    client.force_login(caseworker)
    page = client.get(page_url(campaign)).content.decode()
    assert "5,653" in page
    assert "from 39 forces" in page  # reporting a verified total
    assert "42 of 43 forces answered" in page  # a final response or figures (issue 14)
    assert "15.5" in page
    assert "+44.8%" in page  # on last year
    assert "+41.8%" in page  # like for like
    assert "5,653 online child sexual offences in 2016/17, 15.5 a day" in page
    assert "Northumbria Police" in page and "+229.6%" in page
    assert "Out of date" not in page


def test_it_says_how_many_verified_figures_it_was_computed_from(client, verifier, campaign):
    client.force_login(verifier)
    response = client.get(page_url(campaign))
    figures = response.context["figure_count"]
    assert figures == campaign.snapshot.figure_count > 0
    assert f"from {figures} verified figures" in response.content.decode()


def test_it_says_so_while_the_snapshot_is_stale(client, caseworker, campaign):
    Campaign.objects.filter(pk=campaign.pk).update(data_version=99)
    client.force_login(caseworker)
    page = client.get(page_url(campaign)).content.decode()
    assert "Out of date" in page
    assert "5,653" in page  # still shows what it has, marked as out of date


def test_it_previews_unverified_figures_without_storing_them(client, caseworker, campaign):
    add_unverified(campaign, caseworker)
    client.force_login(caseworker)
    page = client.get(page_url(campaign, preview=1)).content.decode()
    assert "Preview including unverified figures" in page
    assert "6,653" in page
    campaign.snapshot.refresh_from_db()
    assert campaign.snapshot.payload["periods"][1]["total"] == 5653


def test_it_shows_an_earlier_period_on_request(client, caseworker, campaign):
    client.force_login(caseworker)
    page = client.get(page_url(campaign, period="2015/16")).content.decode()
    assert "3,903" in page
    assert "from 39 forces" in page
    assert "42 of 43 forces answered" in page
    assert "no previous period" in page


@pytest.mark.parametrize(
    ("fmt", "content_type", "start"),
    [("png", "image/png", b"\x89PNG"), ("svg", "image/svg+xml", b"<?xml")],
)
@pytest.mark.parametrize("name", ["ages", "offence-types", "forces", "years"])
def test_it_draws_each_chart_as_png_and_svg(
    client, caseworker, campaign, name, fmt, content_type, start
):
    client.force_login(caseworker)
    url = reverse("returns:statistics_chart", args=[campaign.slug, name, fmt])
    response = client.get(url + "?period=2016/17&download=1")
    assert response.status_code == 200
    assert response["Content-Type"] == content_type
    assert response.content.startswith(start)
    assert f'filename="{campaign.slug}-{name}-201617.{fmt}"' in response["Content-Disposition"]


def test_it_refuses_an_unknown_chart(client, caseworker, campaign):
    client.force_login(caseworker)
    url = reverse("returns:statistics_chart", args=[campaign.slug, "pie", "png"])
    assert client.get(url).status_code == 404


def test_it_lists_campaigns_and_is_linked_from_the_admin(client, verifier, campaign):
    client.force_login(verifier)
    index = client.get(reverse("returns:statistics_index")).content.decode()
    assert page_url(campaign) in index
    assert (
        reverse("returns:statistics_index") in client.get(reverse("admin:index")).content.decode()
    )


@pytest.mark.parametrize("persona", ["caseworker", "verifier", "administrator"])
def test_it_lets_every_staff_role_in(client, request, persona, campaign):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(page_url(campaign)).status_code == 200


def test_it_refuses_staff_without_a_role(client, outsider, campaign):
    client.force_login(outsider)
    assert client.get(page_url(campaign)).status_code == 403
    chart = reverse("returns:statistics_chart", args=[campaign.slug, "years", "svg"])
    assert client.get(chart).status_code == 403


def test_it_sends_strangers_to_the_login_page(client, campaign):
    response = client.get(page_url(campaign))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]
