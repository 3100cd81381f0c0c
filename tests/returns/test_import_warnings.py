"""Plausibility warnings: found on import, shown in the preview, stored, never blocking."""

import pytest

from returns.importing.plausibility import find_warnings
from returns.importing.service import import_long
from returns.models import Figure, PlausibilityWarning
from tests.returns.files.helpers import csv_bytes, make_campaign

pytestmark = pytest.mark.django_db
M = "m"


def key(period, breakdown="", category=""):
    return (1, period, M, breakdown, category)


def codes(cells, periods=("2015/16", "2016/17")):
    return sorted((w.key[1], w.code) for w in find_warnings(cells, list(periods)))


@pytest.mark.parametrize(
    "previous, current, expected",
    [
        (100, 201, [("2016/17", "year_on_year")]),  # above +100%
        (100, 200, []),  # exactly +100%: not above
        (100, 49, [("2016/17", "year_on_year")]),  # below -50%
        (100, 50, []),
        (5, 15, []),  # a small force: chance swings
        (5, 21, [("2016/17", "year_on_year")]),  # more than 20 this year
        (21, 0, [("2016/17", "zero_after_large")]),
        (20, 0, []),
    ],
)
def test_it_flags_large_year_on_year_changes_and_zeros(previous, current, expected):
    cells = {key("2015/16"): ("reported", previous), key("2016/17"): ("reported", current)}

    assert codes(cells) == expected


def test_it_flags_a_breakdown_above_its_total_but_not_below():
    cells = {
        key("2016/17"): ("reported", 10),
        key("2016/17", "victim_age", "13"): ("reported", 8),
        key("2016/17", "victim_age", "14"): ("reported", 3),
        key("2016/17", "offence_type", "Rape"): ("reported", 9),
        key("2016/17", "offence_type", "Other"): ("suppressed", None),
    }

    assert codes(cells) == [("2016/17", "above_total:victim_age")]


def test_it_ignores_suppressed_and_missing_previous_years():
    cells = {key("2015/16"): ("not_held", None), key("2016/17"): ("reported", 500)}

    assert codes(cells) == []


def test_it_stores_warnings_on_the_figures_without_blocking(caseworker):
    campaign = make_campaign()
    data = csv_bytes(
        "Durham,2015/16,,,,30,",
        "Durham,2016/17,,,,0,",
        "Northumbria,2016/17,,,,10,",
        "Northumbria,2016/17,,victim_age,13,11,",
    )

    outcome = import_long(campaign, data, "r.csv", caseworker)

    assert outcome.ok and Figure.objects.count() == 4
    stored = {
        (w.figure.request.force.short_name, w.figure.period, w.code): w.message
        for w in PlausibilityWarning.objects.select_related("figure__request__force")
    }
    assert stored == {
        ("Durham", "2016/17", "zero_after_large"): "Durham Constabulary 2016/17 total: 0, "
        "where 2015/16 had 30.",
        ("Northumbria", "2016/17", "above_total:victim_age"): "Northumbria Police 2016/17: "
        "the victim age figures add up to 11, more than the total of 10.",
    }


def test_it_clears_a_warning_once_a_corrected_file_resolves_it(caseworker):
    campaign = make_campaign()
    import_long(campaign, csv_bytes("Durham,2015/16,,,,30,", "Durham,2016/17,,,,0,"), "a.csv")
    assert PlausibilityWarning.objects.count() == 1

    import_long(campaign, csv_bytes("Durham,2015/16,,,,30,", "Durham,2016/17,,,,28,"), "b.csv")

    assert PlausibilityWarning.objects.count() == 0
