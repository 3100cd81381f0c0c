"""The statistics rules, on rows as the database returns them (no database needed)."""

import pytest

from returns.breakdowns import CategoryCells, single_year_age
from returns.statistics import (
    ForceAsked,
    StatisticsInputs,
    build_statistics,
    change_pct,
    press_sentence,
    round_half_up,
)

A, B, C = (
    ForceAsked(1, "Avon Police", "E1"),
    ForceAsked(2, "Bede Police", ""),
    ForceAsked(3, "Cam", ""),
)


def inputs(headline=None, age_cells=None, periods=("2015/16", "2016/17"), populations=None):
    return StatisticsInputs(
        slug="round",
        measure="online_child_sexual_offences",
        periods=list(periods),
        forces=[A, B, C],
        headline=headline or {},
        breakdown_cells=[CategoryCells("victim_age", *cells) for cells in age_cells or []],
        populations=populations or {},
    )


def period(statistics, name):
    return next(row for row in statistics.payload["periods"] if row["period"] == name)


def reported(value):
    return ("reported", value)


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [(1, 4, 0.3), (-1, 4, -0.3), (1, 20, 0.1), (149, 100, 1.5), (144, 100, 1.4), (0, 7, 0.0),
     (5653, 365, 15.5), (175000, 3903, 44.8), (22500, 98, 229.6)],
)  # fmt: skip
def test_it_rounds_half_up_to_one_decimal_exactly(numerator, denominator, expected):
    assert round_half_up(numerator, denominator) == expected


def test_it_has_no_change_from_a_missing_or_zero_previous_total():
    assert change_pct(None, 5) is None
    assert change_pct(5, None) is None
    assert change_pct(0, 5) is None
    assert change_pct(4, 5) == 25.0
    assert change_pct(8, 5) == -37.5


@pytest.mark.parametrize(
    ("period_name", "days"),
    [("2015/16", 366), ("2016/17", 365), ("2019/20", 366), ("2099/00", 365), ("2023/24", 366)],
)
def test_it_counts_the_days_of_leap_and_ordinary_financial_years(period_name, days):
    statistics = build_statistics(
        inputs(headline={(1, period_name): reported(days * 2)}, periods=[period_name])
    )
    row = period(statistics, period_name)
    assert row["days"] == days
    assert row["per_day"] == 2.0


def test_it_takes_the_youngest_of_tied_most_common_ages():
    cells = [("2016/17", "14", "reported", 1, 40), ("2016/17", "12", "reported", 2, 40),
             ("2016/17", "13", "reported", 1, 39), ("2016/17", "3", "reported", 1, 1)]  # fmt: skip
    ages = period(build_statistics(inputs(age_cells=cells)), "2016/17")["victim_age"]
    assert (ages["most_common_age"], ages["most_common_age_count"]) == (12, 40)
    assert ages["youngest_age"] == 3


def test_it_reads_under_one_as_age_zero_and_counts_a_band_within_ten_as_aged_10_and_under():
    cells = [("2016/17", "Under 1", "reported", 1, 2), ("2016/17", "0", "reported", 1, 1),
             ("2016/17", "10 and under", "reported", 1, 50),
             ("2016/17", "UNKNOWN", "reported", 1, 4),
             ("2016/17", "11", "reported", 1, 2)]  # fmt: skip
    ages = period(build_statistics(inputs(age_cells=cells)), "2016/17")["victim_age"]
    assert ages == {
        "most_common_age": 0,
        "most_common_age_count": 3,
        "youngest_age": 0,
        "aged_10_and_under": 53,  # issue 12: the band "10 and under" (0-10) counts; was 3
        "recorded": 5,  # single years only, as ever
        "unknown": 4,
        "banded": 50,
        "bands": [{"band": "0-10", "count": 50}],
        "aged_10_and_under_at_least": 53,
        "straddling_bands": [],
    }


def test_it_compares_the_headline_over_each_years_forces_and_like_for_like_over_both():
    headline = {
        (1, "2015/16"): reported(100), (1, "2016/17"): reported(150),
        (2, "2015/16"): reported(300), (2, "2016/17"): ("not_held", None),
        (3, "2016/17"): reported(250),
    }  # fmt: skip
    row = period(build_statistics(inputs(headline=headline)), "2016/17")
    assert (row["previous_total"], row["total"], row["change_pct"]) == (400, 400, 0.0)
    assert (row["previous_forces_reporting"], row["forces_reporting"]) == (2, 2)
    assert row["like_for_like"] == {
        "forces": 1,
        "previous_total": 100,
        "total": 150,
        "change_pct": 50.0,
    }


def test_it_counts_a_reported_zero_but_never_a_suppressed_or_not_held_cell():
    headline = {
        (1, "2016/17"): reported(0),
        (2, "2016/17"): ("suppressed", None),
        (3, "2016/17"): ("not_held", None),
    }
    cells = [("2016/17", "5", "suppressed", 3, None), ("2016/17", "6", "not_held", 2, None)]
    row = period(build_statistics(inputs(headline=headline, age_cells=cells)), "2016/17")
    assert (row["forces_reporting"], row["total"], row["per_day"]) == (1, 0, 0.0)
    assert row["suppressed_cells"] == 1 + 3
    assert row["victim_age"]["recorded"] is None
    assert row["victim_age"]["youngest_age"] is None


def test_it_gives_nulls_when_no_force_reported():
    row = period(build_statistics(inputs()), "2016/17")
    assert (row["forces_reporting"], row["total"], row["per_day"]) == (0, None, None)
    assert row["like_for_like"] == {
        "forces": 0,
        "previous_total": None,
        "total": None,
        "change_pct": None,
    }


def test_it_gives_rates_only_where_the_population_of_the_starting_year_is_known():
    headline = {(1, "2016/17"): reported(323), (2, "2016/17"): reported(10)}
    populations = {(1, 2016): 300_000, (2, 2015): 1000}
    rows = build_statistics(inputs(headline=headline, populations=populations)).payload["forces"]
    rates = {(r["force"], r["period"]): r["rate_per_10k_children"] for r in rows}
    assert rates[("Avon Police", "2016/17")] == 10.8
    assert rates[("Bede Police", "2016/17")] is None  # mid-2015 is not 2016/17's population
    assert rates[("Avon Police", "2015/16")] is None  # nothing reported


def test_it_writes_null_for_a_force_without_ons_code():
    rows = build_statistics(inputs()).payload["forces"]
    assert [(r["force"], r["ons_code"]) for r in rows[::2]] == [
        ("Avon Police", "E1"),
        ("Bede Police", None),
        ("Cam", None),
    ]


@pytest.mark.parametrize(
    ("category", "age"),
    [("13", 13), (" 3 ", 3), ("under 1", 0), ("Under one", 0), ("<1", 0), ("16-17", None),
     ("unknown", None), ("", None), ("1.5", None)],
)  # fmt: skip
def test_it_recognises_single_year_ages(category, age):
    assert single_year_age(category) == age


def test_it_writes_a_press_sentence_from_the_figures():
    headline = {(1, "2015/16"): reported(3903), (1, "2016/17"): reported(5653)}
    cells = [("2016/17", "13", "reported", 1, 257), ("2016/17", "3", "reported", 1, 1)]
    payload = build_statistics(inputs(headline=headline, age_cells=cells)).payload
    sentence = press_sentence(payload, "2016/17")
    assert "5,653 online child sexual offences in 2016/17, 15.5 a day" in sentence
    assert "1 of 3 forces" in sentence
    assert "up 44.8% on the 3,903 recorded in 2015/16" in sentence
    assert "most common age of victims was 13 (257 offences)" in sentence
    assert press_sentence(build_statistics(inputs()).payload, "2015/16").startswith("No force")


def test_it_writes_the_press_sentence_in_good_english_for_a_single_offence():
    from returns.statistics import press_sentence

    payload = {
        "measure": "online_child_sexual_offences",
        "periods": [
            {
                "period": "2016/17",
                "total": 1,
                "per_day": 0.0,
                "forces_reporting": 1,
                "forces_asked": 43,
                "change_pct": None,
                "victim_age": {
                    "most_common_age": 13,
                    "most_common_age_count": 1,
                    "youngest_age": 13,
                    "aged_10_and_under": 0,
                },
            }
        ],
    }
    sentence = press_sentence(payload, "2016/17")
    assert "victims was 13 (1 offence); the youngest was 13; 0 offences were against" in sentence
