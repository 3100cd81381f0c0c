"""The figures list (admin): the breakdown filter names the headline total, and categories sort
in their natural order (ages by number) there and on the request page."""

import re

import pytest
from django.urls import reverse

from tests.factories import FigureFactory, FOIRequestFactory

pytestmark = pytest.mark.django_db

AGES = ["6", "10", "13", "2", "unknown", "17"]


@pytest.fixture
def ages(caseworker):
    request = FOIRequestFactory()
    FigureFactory(request=request, period="2016/17", value=100, entered_by=caseworker)
    for age in AGES:
        FigureFactory(
            request=request,
            period="2016/17",
            breakdown="victim_age",
            category=age,
            value=len(age),
            entered_by=caseworker,
        )
    return request


def changelist(client, **query):
    url = reverse("admin:returns_figure_changelist")
    return client.get(url, query).content.decode()


def listed_categories(page):
    return re.findall(r'<td class="field-category_display">([^<]*)</td>', page)


def test_it_labels_the_headline_total_in_the_breakdown_filter(client, caseworker, ages):
    client.force_login(caseworker)
    page = changelist(client)
    assert '<a href="?breakdown=headline">Headline total</a>' in page
    assert '<a href="?breakdown=victim_age">Victim age</a>' in page


def test_it_filters_on_the_headline_total(client, caseworker, ages):
    client.force_login(caseworker)
    page = changelist(client, breakdown="headline")
    assert listed_categories(page) == ["-"]  # the admin's mark for an empty category


def test_it_filters_on_a_breakdown(client, caseworker, ages):
    client.force_login(caseworker)
    page = changelist(client, breakdown="victim_age")
    assert len(listed_categories(page)) == len(AGES)


def test_it_sorts_ages_by_number(client, caseworker, ages):
    client.force_login(caseworker)
    page = changelist(client, breakdown="victim_age")
    assert listed_categories(page) == ["2", "6", "10", "13", "17", "unknown"]


def test_it_sorts_ages_by_number_when_the_column_is_clicked(client, caseworker, ages):
    client.force_login(caseworker)
    url = reverse("admin:returns_figure_changelist")
    page = client.get(url + "?breakdown=victim_age").content.decode()
    column = re.search(r'<a href="(\?[^"]*o=[^"]*)"[^>]*>\s*Category', page)
    assert column, "the category column is sortable"
    ascending = client.get(url + column.group(1).replace("&amp;", "&")).content.decode()
    assert listed_categories(ascending) == ["2", "6", "10", "13", "17", "unknown"]


def test_it_lists_ages_by_number_on_the_request_page(client, caseworker, ages):
    client.force_login(caseworker)
    page = client.get(reverse("admin:returns_foirequest_change", args=[ages.pk])).content.decode()
    fields = re.findall(r'name="figures-\d+-category"[^>]*>', page)
    shown = [re.search(r'value="([^"]*)"', field) for field in fields]
    shown = [match.group(1) if match else "" for match in shown]
    assert shown == ["", "2", "6", "10", "13", "17", "unknown"]


def test_it_lists_ages_by_number_in_the_verify_panel(rf, verifier, ages):
    from returns.templatetags.verification import verify_panel

    request = rf.get("/")
    request.user = verifier
    rows = verify_panel({"request": request}, ages)["rows"]
    assert [row["figure"].category for row in rows] == ["", "2", "6", "10", "13", "17", "unknown"]
