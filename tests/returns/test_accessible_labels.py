"""Fields and links that had no accessible name (found by axe-core, tests/journeys)."""

import pytest
from django.urls import reverse

from tests.factories import FigureFactory

pytestmark = pytest.mark.django_db


def test_it_names_each_field_of_the_request_pages_figure_rows(client, caseworker):
    foi_request = FigureFactory().request
    client.force_login(caseworker)

    page = client.get(reverse("admin:returns_foirequest_change", args=[foi_request.pk]))

    html = page.content.decode()
    assert 'name="figures-0-period"' in html
    assert 'aria-label="Period"' in html and 'aria-label="Note"' in html


def test_it_names_each_active_box_of_the_forces_list_by_its_force(client, administrator):
    client.force_login(administrator)

    html = client.get(reverse("admin:forces_force_changelist")).content.decode()

    assert 'aria-label="Active: Gwent Police"' in html


def test_it_labels_the_headline_total_option_of_the_breakdown_filter(client, caseworker):
    FigureFactory(breakdown="", category="")
    client.force_login(caseworker)

    html = client.get(reverse("admin:returns_figure_changelist")).content.decode()

    assert '<a href="?breakdown=headline">Headline total</a>' in html
