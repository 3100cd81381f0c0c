"""CSV as Excel and others write it (BOM, Windows-1252, semicolons, odd headers) and XLSX."""

import pytest

from returns.importing.service import import_long
from returns.models import Figure
from tests.returns.files.helpers import csv_bytes, make_campaign, xlsx_bytes

pytestmark = pytest.mark.django_db


def imported(campaign, data):
    outcome = import_long(campaign, data, "returns")
    assert outcome.ok, outcome.problems
    return sorted(Figure.objects.values_list("category", "status", "value", "raw_value", "note"))


def test_it_reads_utf8_with_a_byte_order_mark_and_loose_headers():
    campaign = make_campaign()
    data = (
        "\ufeff Force ,PERIOD,Measure,Breakdown,Category,Value,Note\r\nDurham,2016/17,,,,190,\r\n"
    )

    assert imported(campaign, data.encode("utf-8")) == [("", "reported", 190, "", "")]


def test_it_detects_excels_windows_1252():
    campaign = make_campaign()
    data = csv_bytes("Durham,2016/17,,,,,not held – force’s system", encoding="cp1252")

    assert imported(campaign, data) == [("", "not_held", None, "", "not held – force’s system")]


def test_it_reads_semicolon_separated_csv_from_european_excel():
    campaign = make_campaign()
    data = b"force;period;value\nDurham;2016/17;1.234\nNorthumbria;2016/17;323\n"

    outcome = import_long(campaign, data, "returns.csv")

    assert outcome.problems == ["Row 2, column value: '1.234' is not a whole number."]


def test_it_reads_xlsx_numbers_text_and_blank_rows():
    campaign = make_campaign()
    data = xlsx_bytes(
        [
            ["force", "period", "measure", "breakdown", "category", "value", "note"],
            ["E23000008", "2016-17", None, "Victim age", "Under 1", 0, None],
            [None] * 7,
            ["Durham", "2016/2017", None, "victim_age", 13.0, "1,234", None],
            ["Durham", "2016/17", None, "victim_age", "Unknown", "*", None],
            ["Durham", "2016/17", None, None, None, None, "Not provided: s.12 cost"],
        ]
    )

    assert imported(campaign, data) == [
        ("", "not_provided", None, "", "Not provided: s.12 cost"),
        ("0", "reported", 0, "", ""),
        ("13", "reported", 1234, "", ""),
        ("unknown", "suppressed", None, "*", ""),
    ]


def test_it_refuses_a_whole_xlsx_file_for_one_bad_cell():
    campaign = make_campaign()
    data = xlsx_bytes(
        [["force", "period", "value"], ["Durham", "2016/17", 5], ["Durham", "2015/16", 2.5]]
    )

    outcome = import_long(campaign, data, "returns.xlsx")

    assert outcome.problems == ["Row 3, column value: '2.5' is not a whole number."]
    assert not Figure.objects.exists()
