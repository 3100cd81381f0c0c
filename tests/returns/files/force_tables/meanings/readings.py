"""The reading expected of each force table in this folder (issue 12, points 5 to 7).

Shapes copied from real disclosure logs (numbers made up): the Met's bands 0-5, 6-10, 11-15,
16-17; Jersey's 0-6, 7-12, 13-17 with "<5"; spelled-out ages ("Under 12 months", "NK",
"(blank)"); pivot-table exports with empty cells and "Grand Total"; titles saying "year to
date", "provisional", "data extracted on".

Each Reading says which breakdown the caseworker picks and which periods the campaign asked,
then what must be stored: `cells` maps (period, breakdown, category) to (status, value,
raw_value) for the cells that matter (`figures` counts them all), `caveats` maps a period to the
caveat kind of its figures, `ages` the victim_age statistics of a period. `refused` holds words
the refusal must contain instead. `needs` names what the table needs beyond the reader in this
branch (such a test is skipped until the lead merges it).
"""

from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).parent
NEW_READER = "needs the rebuilt force-table reader of branch h12-reader"


@dataclass(frozen=True)
class Reading:
    name: str
    breakdown: str = "victim_age"
    periods: tuple = ("2015/16", "2016/17")
    figures: int | None = None
    cells: dict = field(default_factory=dict)
    caveats: dict = field(default_factory=dict)  # {period: caveat kind}, "" for none
    ages: dict = field(default_factory=dict)  # {period: {victim_age key: value}}
    markers: dict | None = None  # the meanings the caseworker chose in the preview
    refused: str = ""
    needs: str = ""

    @property
    def data(self):
        return (HERE / self.name).read_bytes()


READINGS = [
    Reading(
        "01_bands_met_style.csv",
        figures=10,
        cells={
            ("2016/17", "victim_age", "0-5"): ("reported", 7, ""),
            ("2016/17", "victim_age", "6-10"): ("reported", 15, ""),
            ("2016/17", "victim_age", "11-15"): ("reported", 98, ""),
            ("2016/17", "victim_age", "16-17"): ("reported", 33, ""),
            ("2016/17", "", ""): ("reported", 153, ""),
        },
        ages={
            "2016/17": {
                "aged_10_and_under": 22,  # 0-5 and 6-10 are whole bands within 0..10
                "recorded": None,  # no single-year age
                "most_common_age": None,
                "banded": 153,
                "straddling_bands": [],
            }
        },
    ),
    Reading(
        "02_bands_straddle_jersey_style.csv",
        figures=8,
        cells={
            ("2015/16", "victim_age", "0-6"): ("suppressed", None, "<5"),
            ("2016/17", "victim_age", "7-12"): ("reported", 14, ""),
            ("2016/17", "victim_age", "13-17"): ("reported", 21, ""),
        },
        ages={
            "2016/17": {
                "aged_10_and_under": None,  # 7-12 crosses age 10: not guessed
                "aged_10_and_under_at_least": 0,  # 0-6 is suppressed
                "straddling_bands": [
                    {"band": "7-12", "count": 14, "statistic": "aged_10_and_under"}
                ],
            }
        },
    ),
    Reading(
        "03_ages_spelled_out.csv",
        figures=2 * 20,  # ages 0..17, unknown ("NK") and the total, for two years
        cells={
            ("2016/17", "victim_age", "0"): ("reported", 1, ""),
            ("2016/17", "victim_age", "1"): ("reported", 0, ""),
            ("2016/17", "victim_age", "3"): ("reported", 0, ""),
            ("2016/17", "victim_age", "11"): ("reported", 9, ""),
            ("2016/17", "victim_age", "13"): ("reported", 22, ""),
            ("2016/17", "", ""): ("reported", 126, ""),
        },
        ages={
            "2016/17": {
                "most_common_age": 13,
                "youngest_age": 0,
                "aged_10_and_under": 27,
                "recorded": 122,
                "unknown": 4,
            }
        },
    ),
    Reading(
        "04_age_18_row.csv",
        refused="'18' is an age of 18 or over, outside the question (victims under 18)",
    ),
    Reading(
        "05_markers_force_table.csv",
        figures=20,
        cells={
            ("2015/16", "victim_age", "0"): ("reported", 0, "-"),
            ("2016/17", "victim_age", "0"): ("reported", 0, "nil"),
            ("2015/16", "victim_age", "1"): ("reported", 0, "none"),
            ("2015/16", "victim_age", "2"): ("suppressed", None, "*"),
            ("2016/17", "victim_age", "2"): ("suppressed", None, "<5"),
            ("2015/16", "victim_age", "3"): ("suppressed", None, "1-4"),
            ("2016/17", "victim_age", "3"): ("suppressed", None, "≤5"),
            ("2015/16", "victim_age", "4"): ("suppressed", None, "<=5"),
            ("2016/17", "victim_age", "4"): ("suppressed", None, "5 or fewer"),
            ("2015/16", "victim_age", "5"): ("not_applicable", None, "N/A"),
            ("2016/17", "victim_age", "5"): ("not_applicable", None, "n/a"),
            ("2016/17", "victim_age", "6"): ("not_held", None, "n/k"),
            ("2015/16", "victim_age", "7"): ("not_applicable", None, "Not applicable"),
        },
    ),
    Reading(
        "06_bands_and_single_years.csv",
        figures=24,
        cells={
            ("2016/17", "victim_age", "0-4"): ("reported", 3, ""),
            ("2016/17", "victim_age", "5-9"): ("reported", 8, ""),
            ("2016/17", "victim_age", "10"): ("reported", 5, ""),
            ("2016/17", "victim_age", "unknown"): ("reported", 2, ""),
        },
        ages={
            "2016/17": {
                "aged_10_and_under": 16,  # 0-4, 5-9 and 10
                "most_common_age": 13,
                "youngest_age": 10,  # single years only: the bands say no exact age
                "recorded": 81,
                "banded": 11,
                "unknown": 2,
            }
        },
    ),
    Reading(
        "07_year_to_date_title.csv",
        periods=("2016/17", "2017/18"),
        figures=8,
        cells={("2017/18", "", ""): ("reported", 78, "")},
        caveats={"2016/17": "", "2017/18": "partial_year"},
    ),
    Reading(
        "08_provisional_extracted.csv",
        breakdown="offence_type",
        periods=("2016/17", "2017/18"),
        figures=8,
        cells={
            ("2017/18", "offence_type", "Sexual communication with a child"): (
                "reported",
                48,
                "",
            )
        },
        caveats={"2016/17": "provisional", "2017/18": "provisional"},
    ),
    Reading(
        "09_pivot_empty_cells.csv",
        figures=12,
        markers={"": "reported"},  # the caseworker chose "empty means 0"
        cells={
            ("2016/17", "victim_age", "11"): ("reported", 0, ""),
            ("2015/16", "victim_age", "12"): ("reported", 0, ""),
            ("2015/16", "victim_age", "unknown"): ("reported", 1, ""),  # "(blank)"
            ("2016/17", "victim_age", "unknown"): ("reported", 0, ""),
            ("2016/17", "", ""): ("reported", 13, ""),
        },
    ),
    Reading(
        "10_partial_year_period_header.csv",
        periods=("2016/17", "2017/18"),
        figures=10,
        cells={("2017/18", "victim_age", "0-5"): ("reported", 1, "")},
        caveats={"2016/17": "", "2017/18": "partial_year"},
    ),
    Reading(
        "11_band_under_10_and_adult_band.csv",
        refused="'18-20' is an age of 18 or over, outside the question (victims under 18)",
    ),
]
