"""Every bad input refuses the whole file, says where and why, and saves nothing."""

import pytest

from returns.importing.service import import_long
from returns.models import Figure, ImportBatch
from tests.factories import FigureFactory
from tests.returns.files.helpers import csv_bytes, make_campaign

pytestmark = pytest.mark.django_db
GOOD = "Northumbria,2016/17,,,,323,"


@pytest.mark.parametrize(
    "bad_line, problem",
    [
        ("Atlantis Police,2016/17,,,,3,", "Row 3, column force: Unknown force 'Atlantis Police'."),
        (
            "Police Scotland,2016/17,,,,3,",
            "Row 3, column force: Police Scotland was not asked in this campaign.",
        ),
        (
            "Durham,2019/20,,,,3,",
            "Row 3, column period: 2019/20 was not asked in this campaign "
            "(asked: 2015/16, 2016/17).",
        ),
        (
            "Durham,2016,,,,3,",
            # Issue #12: a calendar year is named as such, with what to ask the force for.
            "Row 3, column period: '2016' is the calendar year 2016, not a financial year (1 "
            "April to 31 March): ask the force for figures for April–March financial years, "
            "e.g. 2016/17.",
        ),
        (
            "Durham,2016/17,,,,-3,",
            "Row 3, column value: '-3' is negative: a count cannot be below 0.",
        ),
        ("Durham,2016/17,,,,12.5,", "Row 3, column value: '12.5' is not a whole number."),
        ("Durham,2016/17,,,,twelve,", "Row 3, column value: 'twelve' is not a number."),
        ("Durham,2016/17,,,,,", "Row 3, column value: is empty."),
        (
            "Durham,2016/17,burglary,,,3,",
            "Row 3, column measure: 'burglary' is not this campaign's measure",
        ),
        ("Durham,2016/17,,,13,3,", "Row 3, column category: '13' has no breakdown"),
        (
            "Northumbria,2016-17,,,,324,",
            "Row 3: conflicts with row 2: Northumbria Police, 2016/17, headline total is 324 "
            "here but 323 there.",
        ),
        ("Durham,2016/17,,,,1,234,", "Row 3: has more cells than the header"),
    ],
)
def test_it_refuses_the_whole_file_naming_row_column_and_reason(bad_line, problem):
    campaign = make_campaign()

    outcome = import_long(campaign, csv_bytes(GOOD, bad_line), "bad.csv")

    assert not outcome.ok
    assert len(outcome.problems) == 1
    assert outcome.problems[0].startswith(problem)
    assert not Figure.objects.exists() and not ImportBatch.objects.exists()


def test_it_reports_every_problem_of_every_row_at_once():
    campaign = make_campaign()
    data = csv_bytes(GOOD, "Nowhere,2020,,,,x,", "Durham,2016/17,,,,5,")

    outcome = import_long(campaign, data, "bad.csv")

    assert [problem.split(":")[0] for problem in outcome.problems] == [
        "Row 3, column force",
        "Row 3, column period",
        "Row 3, column value",
    ]
    assert not Figure.objects.exists()


def test_it_names_missing_columns():
    campaign = make_campaign()

    outcome = import_long(campaign, csv_bytes("Durham,3", header="force,amount\n"), "bad.csv")

    assert outcome.problems == [
        "Row 1: missing columns period, value. The header row should read: "
        "force,period,measure,breakdown,category,value,note"
    ]


@pytest.mark.parametrize(
    "data, reason",
    [
        (b"", "The file is empty."),
        (b"\xd0\xcf\x11\xe0rest", "old Excel 97-2003 (.xls)"),
        (b"PK\x03\x04not really a zip", "The Excel file cannot be opened"),
        (HEADER_ONLY := b"force,period,value\n", "a header but no figures"),
    ],
)
def test_it_refuses_unreadable_files_clearly(data, reason):
    campaign = make_campaign()

    outcome = import_long(campaign, data, "bad")

    assert reason in outcome.problems[0]


def test_it_keeps_existing_figures_untouched_when_a_later_row_is_bad(caseworker):
    campaign = make_campaign()
    request = campaign.requests.get(force__name="Northumbria Police")
    FigureFactory(request=request, period="2016/17", value=300)
    rows = [f"Northumbria,2016/17,,victim_age,{age},1," for age in range(18)]

    outcome = import_long(campaign, csv_bytes("Northumbria,2016/17,,,,323,", *rows, "X,1,,,,1,"))

    assert not outcome.ok
    assert list(Figure.objects.values_list("value", flat=True)) == [300]
