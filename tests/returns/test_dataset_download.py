"""Downloading the verified dataset in the admin: verifiers and administrators only."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from returns.verification import verify_figures
from tests.factories import FigureFactory, FOIRequestFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(caseworker, verifier):
    foi_request = FOIRequestFactory()
    verify_figures(verifier, [FigureFactory(request=foi_request, entered_by=caseworker, value=3)])
    FigureFactory(request=foi_request, period="2015/16", entered_by=caseworker, value=8)
    return foi_request.campaign


def url(campaign):
    return reverse("returns:dataset_download", args=[campaign.slug])


def downloaded(response):
    """The file of a download, which streams (the whole body only once it is read)."""
    assert response.streaming
    return b"".join(response.streaming_content)


def test_it_shows_the_options_and_how_much_is_verified(client, verifier, campaign):
    client.force_login(verifier)

    response = client.get(url(campaign))

    assert response.status_code == 200
    assert "1 of 2 figures are verified" in response.content.decode()


def test_it_downloads_the_verified_figures_as_csv(client, verifier, campaign):
    client.force_login(verifier)

    response = client.get(url(campaign), {"format": "csv"})

    assert response["Content-Type"].startswith("text/csv")
    assert f'filename="{campaign.slug}-verified-' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(downloaded(response).decode())))
    assert [(r["period"], r["value"]) for r in rows] == [("2016/17", "3")]


def test_it_suppresses_small_counts_when_asked(client, administrator, campaign):
    client.force_login(administrator)

    response = client.get(url(campaign), {"format": "xlsx", "suppress_below": "5"})

    sheet = openpyxl.load_workbook(io.BytesIO(downloaded(response)))["Figures"]
    assert sheet["H2"].value == "<5"


def test_it_rejects_bad_options_with_a_message(client, verifier, campaign):
    client.force_login(verifier)

    response = client.get(url(campaign), {"format": "pdf", "suppress_below": "1"})

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"format", "suppress_below"}


@pytest.mark.parametrize("persona", ["caseworker", "outsider"])
def test_it_refuses_people_without_the_export_role(client, request, campaign, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(url(campaign), {"format": "csv"}).status_code == 403


def test_it_answers_404_for_an_unknown_campaign(client, verifier):
    client.force_login(verifier)

    assert client.get(reverse("returns:dataset_download", args=["nope"])).status_code == 404


def test_it_lists_campaigns_with_their_verified_counts(client, verifier, campaign):
    client.force_login(verifier)

    response = client.get(reverse("returns:datasets_index"))

    page = response.content.decode()
    assert "1 of 2" in page and url(campaign) in page


@pytest.mark.parametrize("persona", ["caseworker", "outsider"])
def test_it_hides_the_datasets_list_from_people_without_the_export_role(client, request, persona):
    client.force_login(request.getfixturevalue(persona))

    assert client.get(reverse("returns:datasets_index")).status_code == 403
