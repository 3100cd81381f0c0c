"""The directory of forces loaded by the data migration from forces/data/forces.csv."""

import pytest

from forces.loading import read_forces_csv
from forces.models import Force

pytestmark = pytest.mark.django_db


def test_it_loads_all_48_forces():
    assert Force.objects.count() == 48 == len(read_forces_csv())


def test_it_gives_police_scotland_foisa_and_every_other_force_foia():
    assert list(Force.objects.filter(regime="foisa").values_list("name", flat=True)) == [
        "Police Scotland"
    ]
    assert Force.objects.filter(regime="foia").count() == 47


def test_it_counts_the_forces_of_each_nation():
    counts = {n: Force.objects.filter(nation=n).count() for n, _ in Force.Nation.choices}
    assert counts == {"england": 39, "wales": 4, "scotland": 1, "northern-ireland": 1, "uk": 3}


def test_it_keeps_ons_codes_and_aliases():
    northumbria = Force.objects.get(ons_code="E23000007")
    assert northumbria.name == "Northumbria Police"
    met = Force.objects.get(name="Metropolitan Police Service")
    assert "Met Police" in met.alias_list
    assert Force.objects.get(name="Police Service of Northern Ireland").ons_code == ""


def test_it_starts_every_force_active_and_without_an_foi_address():
    assert not Force.objects.filter(active=False).exists()
    assert Force.objects.exclude(foi_email="").count() == 0
