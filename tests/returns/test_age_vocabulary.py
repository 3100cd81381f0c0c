"""Victim ages: one vocabulary, bands with bounds, and the statistics over bands (issue 12,
point 5). Pure: no database."""

import pytest

from returns.breakdowns import CategoryCells, age_band, age_category
from returns.importing import cells
from returns.statistics import ForceAsked, StatisticsInputs, build_statistics, press_sentence


@pytest.mark.parametrize(
    ("written", "stored"),
    [("Under 1", "0"), ("Under 12 months", "0"), ("0 (under 1)", "0"), ("under one", "0"),
     ("Less than 1 year", "0"), ("Aged 11", "11"), ("11 yrs", "11"), ("11 years", "11"),
     ("11 years old", "11"), ("Age 13", "13"), ("13", "13"), ("12.0", "12"),
     ("Unknown", "unknown"), ("Not known", "unknown"), ("NK", "unknown"), ("N/K", "unknown"),
     ("Not recorded", "unknown"), ("Age not recorded", "unknown"), ("Not stated", "unknown"),
     ("(blank)", "unknown"), ("Unknown Age", "unknown"), ("Age unknown", "unknown")],
)  # fmt: skip
def test_it_stores_every_way_forces_write_an_age_in_one_vocabulary(written, stored):
    assert cells.parse_category("victim_age", written) == ("victim_age", stored)


@pytest.mark.parametrize(
    ("written", "stored", "bounds"),
    [("0-4", "0-4", (0, 4)), ("0-5", "0-5", (0, 5)), ("6-10", "6-10", (6, 10)),
     ("6–10", "6-10", (6, 10)), ("11 — 15", "11-15", (11, 15)), ("16-17", "16-17", (16, 17)),
     ("Under 10", "0-9", (0, 9)), ("10 and under", "0-10", (0, 10)),
     ("11 and under", "0-11", (0, 11)), ("Aged 0-4", "0-4", (0, 4)),
     ("5 to 9", "5-9", (5, 9)), ("13-17 years", "13-17", (13, 17))],
)  # fmt: skip
def test_it_stores_age_bands_with_their_bounds(written, stored, bounds):
    assert cells.parse_category("victim_age", written) == ("victim_age", stored)
    assert age_band(stored) == bounds
    assert age_band(written) == bounds  # a band stored as written before issue 12 too


@pytest.mark.parametrize("category", ["13", "0", "unknown", "Under 1", "16+", "Rape", "4-1"])
def test_it_gives_no_bounds_to_what_is_not_a_band(category):
    assert age_band(category) is None


@pytest.mark.parametrize("written", ["18", "19 years", "Aged 18", "18+", "Over 18",
                                     "18 and over", "16-18", "18-20", "Over 17"])  # fmt: skip
def test_it_refuses_an_age_of_18_or_over_as_outside_the_question(written):
    with pytest.raises(ValueError) as refusal:
        cells.parse_category("victim_age", written)
    assert str(refusal.value).startswith(
        f"{written!r} is an age of 18 or over, outside the question (victims under 18)."
    )


def test_it_keeps_what_it_cannot_read_as_written_never_guessing():
    assert age_category("16 and over") == "16 and over"  # adults too? not said: shown as is
    assert age_category("17+") == "17+"
    assert age_category("0 (under 2)") == "0 (under 2)"  # the two halves disagree
    assert age_category("Teenager") == "Teenager"


# --- Statistics over bands ----------------------------------------------------------------------


def ages_of(rows, period="2016/17"):
    inputs = StatisticsInputs(
        slug="round",
        measure="online_child_sexual_offences",
        periods=["2015/16", "2016/17"],
        forces=[ForceAsked(1, "Avon", "E1")],
        headline={(1, "2016/17"): ("reported", 100)},
        breakdown_cells=[
            CategoryCells("victim_age", period, category, status, 1, total)
            for category, status, total in rows
        ],
    )
    payload = build_statistics(inputs).payload
    return next(row for row in payload["periods"] if row["period"] == period)["victim_age"]


SINGLE_YEARS = [("3", "reported", 1), ("9", "reported", 4), ("13", "reported", 20),
                ("unknown", "reported", 2)]  # fmt: skip


def test_it_gives_single_year_ages_the_keys_and_figures_they_always_had():
    assert ages_of(SINGLE_YEARS) == {
        "most_common_age": 13,
        "most_common_age_count": 20,
        "youngest_age": 3,
        "aged_10_and_under": 5,
        "recorded": 25,
        "unknown": 2,
    }


def test_it_counts_whole_bands_within_0_to_10_as_aged_10_and_under():
    ages = ages_of([("0-5", "reported", 6), ("6-10", "reported", 9), ("11-15", "reported", 50),
                    ("16-17", "reported", 30)])  # fmt: skip
    assert ages == {
        "most_common_age": None,  # the mode and youngest come from single years only
        "most_common_age_count": None,
        "youngest_age": None,
        "aged_10_and_under": 15,
        "recorded": None,
        "unknown": None,
        "banded": 95,
        "bands": [{"band": "0-5", "count": 6}, {"band": "6-10", "count": 9},
                  {"band": "11-15", "count": 50}, {"band": "16-17", "count": 30}],
        "aged_10_and_under_at_least": 15,
        "straddling_bands": [],
    }  # fmt: skip


def test_it_adds_bands_to_single_years_without_changing_the_single_year_figures():
    ages = ages_of([*SINGLE_YEARS, ("0-4", "reported", 7)])
    assert ages["aged_10_and_under"] == 5 + 7
    assert (ages["most_common_age"], ages["youngest_age"], ages["recorded"]) == (13, 3, 25)
    assert ages["banded"] == 7


def test_it_reports_a_band_across_age_10_instead_of_guessing():
    ages = ages_of([("0-6", "suppressed", None), ("7-12", "reported", 14),
                    ("13-17", "reported", 21)])  # fmt: skip
    assert ages["aged_10_and_under"] is None
    assert ages["aged_10_and_under_at_least"] == 0
    assert ages["straddling_bands"] == [
        {"band": "7-12", "count": 14, "statistic": "aged_10_and_under"}
    ]


def test_it_needs_no_guess_for_a_band_across_age_10_that_holds_nobody():
    ages = ages_of([("0-6", "reported", 3), ("7-12", "reported", 0)])
    assert ages["aged_10_and_under"] == 3
    assert ages["straddling_bands"] == []


def test_it_leaves_aged_10_and_under_out_of_the_press_sentence_when_a_band_crosses_it():
    inputs = StatisticsInputs(
        slug="round",
        measure="online_child_sexual_offences",
        periods=["2016/17"],
        forces=[ForceAsked(1, "Avon", "E1")],
        headline={(1, "2016/17"): ("reported", 40)},
        breakdown_cells=[
            CategoryCells("victim_age", "2016/17", "13", "reported", 1, 20),
            CategoryCells("victim_age", "2016/17", "7-12", "reported", 1, 20),
        ],
    )
    sentence = press_sentence(build_statistics(inputs).payload, "2016/17")
    assert "The most common age of victims was 13 (20 offences); the youngest was 13." in sentence
    assert "aged 10 and under" not in sentence
