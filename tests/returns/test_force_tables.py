"""Issue #12: forces' own tables read faithfully, in the shapes their disclosure logs use.

Each fixture (tests/returns/files/force_tables/: text files kept, the others built by build.py)
has the reading expected of it: the sheet, the header row, the total, some figures as stored,
the rows left out and why, or the refusal. The property test: for any table accepted, every
non-empty cell is either stored or listed in the reading report with its reason.
"""

import string

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from returns.importing.errors import ReturnsFileError
from returns.importing.reading import DERIVED_NOTE, Choices
from returns.importing.service import import_wide, read_force_table
from returns.importing.tables import NO_TEXT_LAYER
from returns.periods import CalendarYearError, normalise_period
from tests.returns.files.force_tables.build import BUILT
from tests.returns.files.helpers import HERE, cells, make_campaign

FOLDER = HERE / "force_tables"
PERIODS = ["2015/16", "2016/17", "2017/18", "2018/19"]


def fixture_bytes(name):
    return BUILT[name]() if name in BUILT else (FOLDER / name).read_bytes()


def reading_of(name, breakdown="offence_type", choices=None):
    return read_force_table(fixture_bytes(name), breakdown, PERIODS, name, choices)


def stored(reading):
    """{(period, category): what is stored} ("" is the headline total)."""
    return {(f.period, f.category): f.stored_as for f in reading.figures}


def meanings(reading):
    return {row.number: row.meaning for row in reading.rows}


# name, breakdown, sheet, header row, total, {(period, category): stored}, {row: meaning}
READINGS = [
    (
        "ocso_ages_titles_notes.csv",
        "victim_age",
        "CSV",
        4,
        "row 24",
        {
            ("2016/17", "13"): "reported 57",
            ("2015/16", "4"): "suppressed (text kept: *)",
            ("2016/17", ""): "reported 213",
            ("2016/17", "0"): "reported 1",
        },
        {1: "title", 2: "title", 3: "blank", 25: "blank", 26: "note", 27: "note"},
    ),
    (
        "offences_semicolon_title_commas.csv",
        "offence_type",
        "CSV",
        2,
        "row 8",
        {
            ("2017/18", "Sexual communication with a child"): "reported 23",
            ("2017/18", ""): "reported 57",
        },
        {1: "title"},
    ),
    (
        "offences_tab_utf16.csv",
        "offence_type",
        "CSV",
        1,
        "row 5",
        {("2016/17", "Grooming"): "reported 5", ("2017/18", ""): "reported 24"},
        {},
    ),
    (
        "offences_cp1252_en_dash.csv",
        "offence_type",
        "CSV",
        2,
        "row 5",
        {("2016/17", "Exposure"): "reported 4"},
        {1: "title", 6: "note"},
    ),
    (
        "ages_pipe_separated.csv",
        "victim_age",
        "CSV",
        1,
        "row 6",
        {("2016/17", "13"): "reported 21", ("2017/18", ""): "reported 41"},
        {},
    ),
    (
        "offences_bom_fy_headers.csv",
        "offence_type",
        "CSV",
        1,
        "row 4",
        {("2016/17", "Grooming"): "reported 10", ("2017/18", ""): "reported 18"},
        {},
    ),
    (
        "offences_month_range_headers.csv",
        "offence_type",
        "CSV",
        1,
        "row 4",
        {("2016/17", "Rape"): "reported 3", ("2017/18", ""): "reported 14"},
        {},
    ),
    (
        "gender_sum_row.csv",
        "victim_gender",
        "CSV",
        2,
        "row 6",
        {("2016/17", "Female"): "reported 22", ("2017/18", ""): "reported 36"},
        {1: "title"},
    ),
    (
        "offences_grand_total_column.csv",
        "offence_type",
        "CSV",
        1,
        "row 5",
        {("2015/16", ""): "reported 15", ("2016/17", "Grooming"): "reported 7"},
        {},
    ),
    (
        "offences_no_total.csv",
        "offence_type",
        "CSV",
        1,
        "",
        {("2016/17", "Rape"): "reported 3"},
        {},
    ),
    (
        "two_tables_stacked.csv",
        "offence_type",
        "CSV",
        2,
        "row 3",
        {("2016/17", ""): "reported 772"},
        {1: "title", 4: "blank", 5: "note", 6: "second table", 7: "second table"},
    ),
    (
        "offences_with_ho_codes.csv",
        "offence_type",
        "CSV",
        1,
        "row 6",
        {
            ("2017/18", "Sexual communication with a child"): "reported 14",
            ("2017/18", ""): "reported 29",
        },
        {},
    ),
    (
        "offences_subheadings_subtotals.csv",
        "offence_type",
        "CSV",
        1,
        "row 10",
        {("2017/18", "Grooming"): "reported 8", ("2017/18", ""): "reported 17"},
        {2: "note", 5: "subtotal", 6: "note", 9: "subtotal"},
    ),
    (
        "offences_all_offences_first.csv",
        "offence_type",
        "CSV",
        1,
        "row 2",
        {("2016/17", ""): "reported 40", ("2017/18", "Sexual assault"): "reported 40"},
        {},
    ),
    (
        "offences_notes_and_change_columns.csv",
        "offence_type",
        "CSV",
        1,
        "row 4",
        {("2017/18", "Rape"): "reported 12"},
        {},
    ),
    (
        "several_sheets.xlsx",
        "offence_type",
        "Offence types",
        1,
        "row 7",
        {
            ("2016/17", "Sexual communication with a child"): "reported 9",
            ("2016/17", ""): "reported 42",
        },
        {},
    ),
    (
        "merged_header.xlsx",
        "victim_age",
        "Ages",
        4,
        "row 10",
        {("2016/17", "13"): "reported 57", ("2015/16", "0"): "reported 0"},
        {1: "title", 3: "title", 11: "blank", 12: "note"},
    ),
    (
        "offset_table_ytd_title.xlsx",
        "offence_type",
        "Sheet",
        6,
        "row 9",
        {("2018/19", "Grooming"): "reported 7", ("2018/19", ""): "reported 10"},
        {1: "title", 2: "title"},
    ),
    (
        "numbers_as_floats.xlsx",
        "victim_age",
        "Sheet",
        1,
        "row 5",
        {("2016/17", "13"): "reported 10", ("2017/18", ""): "reported 21"},
        {4: "blank"},
    ),
    (
        "reply_letter.docx",
        "offence_type",
        "Table 1",
        3,
        "row 7",
        {
            ("2016/17", "Sexual assault"): "suppressed (text kept: <5)",
            ("2015/16", ""): "reported 20",
        },
        {1: "title", 2: "title", 8: "note"},
    ),
    (
        "reply_merged_title.docx",
        "victim_age",
        "Table 1",
        2,
        "row 5",
        {("2017/18", "13"): "reported 11"},
        {1: "title"},
    ),
    (
        "ruled_table.pdf",
        "offence_type",
        "Page 1, table 1",
        1,
        "row 4",
        {("2017/18", "Sexual assault"): "reported 9", ("2017/18", ""): "reported 12"},
        {},
    ),
    (
        "text_columns.pdf",
        "victim_age",
        "Page 1",
        2,
        "row 5",
        {("2017/18", "13"): "reported 11", ("2016/17", ""): "reported 13"},
        {1: "title"},
    ),
]


@pytest.mark.parametrize(
    "name, breakdown, sheet, header, total, figures, rows", READINGS, ids=[r[0] for r in READINGS]
)
def test_it_reads_each_force_table_as_expected(
    name, breakdown, sheet, header, total, figures, rows
):
    reading = reading_of(name, breakdown)

    assert not reading.problems, reading.problems.lines()
    assert (reading.sheet, reading.header_row, reading.total) == (sheet, header, total)
    found = stored(reading)
    for key, expected in figures.items():
        assert found[key] == expected, key
    for number, meaning in rows.items():
        assert meanings(reading)[number] == meaning, number
    assert_every_cell_accounted(reading, name)


def assert_every_cell_accounted(reading, name):
    if reading.kind != "csv":
        return  # the other kinds are checked through their grids in the property test
    from returns.importing.tables import read_grids

    grid = next(g for g in read_grids(fixture_bytes(name))[1] if g.name == reading.sheet)
    accounted = reading.accounted()
    for r, row in enumerate(grid.rows, start=1):
        for c, cell in enumerate(row):
            if str(cell or "").strip():
                letter = reading.columns[c].letter if c < len(reading.columns) else None
                assert letter and (r, letter) in accounted, (r, c, cell)


def test_it_refuses_calendar_years_saying_what_to_ask_for():
    reading = reading_of("offences_calendar_years.csv")

    [problem] = reading.problems.lines()
    assert "'2016' is the calendar year 2016, not a financial year" in problem
    assert "ask the force for figures for April–March financial years, e.g. 2016/17" in problem


def test_it_names_the_cell_of_a_bad_value():
    reading = reading_of("ages_bad_value.csv", "victim_age")

    assert reading.problems.lines()[0].startswith("Row 2, column 2017/18: 'x' is not a number")


def test_it_refuses_a_scanned_pdf_with_no_text_layer():
    with pytest.raises(ReturnsFileError) as refused:
        reading_of("scanned.pdf")

    assert str(refused.value) == NO_TEXT_LAYER
    assert "no text layer" in NO_TEXT_LAYER and "type the figures in on the request page" in (
        NO_TEXT_LAYER
    )


def test_it_lists_every_sheet_and_says_why_it_chose_one():
    reading = reading_of("several_sheets.xlsx")

    assert [(s.name, s.tables) for s in reading.sheets] == [
        ("Cover", []),
        ("Offence types", [1]),
        ("Victim ages", [1]),
    ]
    assert reading.sheets[0].size == "2 rows × 1 columns"
    assert "the most figures" in reading.sheet_reason
    assert "2 tables with financial years across" in reading.warnings[0]


def test_it_reads_the_sheet_chosen_on_the_preview():
    reading = reading_of("several_sheets.xlsx", "victim_age", Choices(sheet="Victim ages"))

    assert (reading.sheet, reading.sheet_reason) == ("Victim ages", "chosen on the preview")
    assert stored(reading)["2016/17", "13"] == "reported 57"


def test_it_reads_the_header_row_chosen_on_the_preview():
    reading = reading_of("two_tables_stacked.csv", choices=Choices(header_row=6))

    assert reading.header_row == 6
    assert stored(reading) == {
        ("2015/16", "Cyber flagged"): "reported 55",
        ("2016/17", "Cyber flagged"): "reported 145",
    }
    assert {row.number: row.meaning for row in reading.rows if row.number < 6} == {
        1: "title",
        2: "title",
        3: "title",
        4: "blank",
        5: "title",
    }


def test_it_says_a_table_has_no_total_and_derives_one_when_asked():
    plain = reading_of("offences_no_total.csv")
    derived = reading_of("offences_no_total.csv", choices=Choices(derive_total=True))

    assert plain.no_total and "No total" in plain.warnings[0]
    assert derived.total == "derived"
    totals = [f for f in derived.figures if f.derived]
    assert [(f.period, f.cell, f.note) for f in totals] == [
        ("2015/16", 8, DERIVED_NOTE),
        ("2016/17", 15, DERIVED_NOTE),
    ]


def test_it_shows_left_out_columns_and_cells_with_their_reason():
    reading = reading_of("offences_with_ho_codes.csv")

    assert [(c.letter, c.meaning) for c in reading.columns] == [
        ("A", "ignored"),
        ("B", "label"),
        ("C", "period"),
        ("D", "period"),
    ]
    rape = next(row for row in reading.rows if row.number == 2)
    assert rape.left_out == [
        ("A", "19E", "column A (HO code): left of the categories: shown, not stored")
    ]
    totals = reading_of("offences_grand_total_column.csv")
    assert totals.columns[3].meaning == "total"
    assert "adds up the periods" in totals.rows[1].left_out[0][2]


def test_it_lists_every_non_numeric_marker_with_how_it_is_stored():
    reading = reading_of("gender_sum_row.csv", "victim_gender")

    assert reading.markers == [("*", "suppressed (text kept: *)")]


@pytest.mark.parametrize(
    "text",
    [
        "2016/17",
        "2016-17",
        "2016-2017",
        "2016/2017",
        "FY 16/17",
        "FY2016/17",
        "Apr 2016 - Mar 2017",
        "April 2016 to March 2017",
        "2016–17",
        "2016—2017",
        "Apr 2016 – Mar 2017",
        "1 April 2016 - 31 March 2017",
        "Financial year 2016/17",
    ],
)
def test_it_reads_the_forms_forces_write_financial_years_in(text):
    assert normalise_period(text) == "2016/17"


@pytest.mark.parametrize(
    "text", ["2016", "Jan-Dec 2016", "2016 calendar year", "January to December 2016"]
)
def test_it_refuses_calendar_years_as_such(text):
    with pytest.raises(CalendarYearError, match="not a financial year.*e.g. 2016/17"):
        normalise_period(text)


@pytest.mark.parametrize(
    "label",
    [
        "Total",
        "Totals",
        "Grand Total",
        "Sum",
        "Sum:",
        "All",
        "All offences",
        "Overall",
        "Total number of offences",
        "TOTAL NUMBER OF CRIMES",
        "grand total",
    ],
)
def test_it_takes_each_total_label_as_the_headline_total(label):
    data = f"Offence,2016/17\nRape,3\n{label},3\n".encode()

    reading = read_force_table(data, "offence_type", PERIODS)

    assert reading.total == "row 3"
    assert stored(reading)["2016/17", ""] == "reported 3"


def test_it_sniffs_the_separator_over_the_whole_file_not_its_first_line():
    data = b"Offences, by type; cyber flag\nOffence;2016/17\nRape;3\nTotal;3\n"

    reading = read_force_table(data, "offence_type", PERIODS)

    assert reading.header_row == 2 and stored(reading)["2016/17", "Rape"] == "reported 3"


# --- Imported, through the request page.


@pytest.fixture
def table_page(client, caseworker):
    """A campaign, and the Import a force's table page of its Northumbria request, logged in."""
    campaign = make_campaign()
    request = campaign.requests.get(force__name="Northumbria Police")
    client.force_login(caseworker)
    return campaign, reverse("admin:returns_figure_import_table", args=[request.pk])


@pytest.mark.django_db
def test_it_stores_a_derived_total_with_its_note(caseworker):
    campaign = make_campaign()
    request = campaign.requests.get(force__name="Northumbria Police")
    data = fixture_bytes("offences_no_total.csv")

    outcome = import_wide(
        request, data, "offence_type", "t.csv", caseworker, choices=Choices(derive_total=True)
    )

    assert outcome.ok, outcome.problems
    assert cells(campaign)["Northumbria Police", "2016/17", "", ""] == (
        "reported",
        15,
        "",
        DERIVED_NOTE,
    )


@pytest.mark.django_db
def test_it_previews_reads_again_with_another_sheet_and_confirms_that_reading(client, table_page):
    campaign, url = table_page
    upload = SimpleUploadedFile("reply.xlsx", fixture_bytes("several_sheets.xlsx"))

    preview = client.post(url, {"table": upload, "breakdown": "offence_type"})
    page = preview.content.decode()
    assert "How the table was read" in page and "Victim ages" in page and "Cover" in page
    form = preview.context["confirm_form"]
    choices = {k: form[k].value() for k in form.fields}
    again = client.post(
        url,
        {
            **choices,
            "sheet": "Victim ages",
            "breakdown": "victim_age",
            "header_row": "",
            "reread": "1",
        },
    )
    assert again.context["reading"].sheet == "Victim ages"
    form = again.context["confirm_form"]
    done = client.post(url, {**{k: form[k].value() for k in form.fields}, "confirm": "1"})

    assert done.status_code == 302
    stored_cells = cells(campaign)
    assert stored_cells["Northumbria Police", "2016/17", "victim_age", "13"][1] == 57
    assert not any(key[2] == "offence_type" for key in stored_cells)


@pytest.mark.django_db
def test_it_previews_a_table_of_headline_totals_only_chosen_on_the_first_form(client, table_page):
    campaign, url = table_page
    upload = SimpleUploadedFile("totals.csv", b"Offences,2015/16,2016/17\nTotal,64,71\n")

    page = client.post(url, {"table": upload, "breakdown": ""}).content.decode()

    assert "This field is required" not in page
    assert "How the table was read" in page


@pytest.mark.django_db
def test_it_shows_the_reading_of_a_refused_table(client, table_page):
    campaign, url = table_page
    upload = SimpleUploadedFile("t.csv", fixture_bytes("offences_calendar_years.csv"))

    page = client.post(url, {"table": upload, "breakdown": "offence_type"}).content.decode()

    assert "calendar year 2016, not a financial year" in page
    assert "Number of offences by calendar year" in page  # the title row, shown verbatim


# --- Property: nothing dropped unseen.
LABELS = st.sampled_from(
    [
        "Rape",
        "Grooming",
        "Total",
        "Sum:",
        "Notes: data extracted",
        "* fewer than 5",
        "",
        "Contact offences",
        "Sub-total",
        "Exposure",
        "2016/17",
        "All offences",
    ]
)
CELLS = st.one_of(
    st.integers(0, 500).map(str),
    st.sampled_from(["*", "<5", "", "not held", "n/a", "x", "2016/17"]),
    st.text(string.ascii_letters + " ", max_size=8),
)


@st.composite
def tables(draw):
    width = draw(st.integers(1, 4))
    header = ["Offence", *PERIODS[:width]]
    if draw(st.booleans()):
        header.append(draw(st.sampled_from(["Total", "Notes", "", "% change"])))
    titles = draw(st.lists(st.lists(CELLS, max_size=3), max_size=3))
    body = draw(
        st.lists(st.tuples(LABELS, st.lists(CELLS, min_size=0, max_size=len(header))), max_size=10)
    )
    rows = [[*title] for title in titles] + [header] + [[label, *values] for label, values in body]
    return rows


def to_csv(rows):
    import csv
    import io

    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(tables(), st.booleans())
def test_it_accounts_for_every_non_empty_cell_of_any_accepted_table(rows, derive):
    data = to_csv(rows)
    try:
        reading = read_force_table(
            data, "offence_type", PERIODS, choices=Choices(derive_total=derive)
        )
    except ReturnsFileError:
        return  # refused as a whole: nothing stored
    if reading.problems:
        return  # refused: nothing stored, the problems say why
    from returns.importing.tables import read_grids

    grid = read_grids(data)[1][0]
    accounted = reading.accounted()
    for r, row in enumerate(grid.rows, start=1):
        for c, cell in enumerate(row):
            if str(cell or "").strip():
                from returns.importing.reading import column_letter

                assert (r, column_letter(c)) in accounted, (r, c, cell, reading.rows)


@pytest.mark.parametrize(
    "header, period, qualified",
    [
        ("2017/18 (Apr-Dec)", "2017/18", True),
        ("2018/19 - year to date", "2018/19", True),
        ("FY 16/17 (provisional)", "2016/17", True),
        ("2016/17", "2016/17", False),
        ("2016 - 2017", "2016/17", False),
        ("Notes (see below)", None, False),
    ],
)
def test_it_reads_a_period_header_with_words_after_the_period(header, period, qualified):
    from returns.importing.reading import is_qualified_period, period_of

    assert period_of(header)[0] == period
    assert is_qualified_period(header) == qualified


@pytest.mark.django_db
def test_it_lets_the_caseworker_change_what_a_marker_means_before_confirming(client, table_page):
    campaign, url = table_page
    table = b"Offence,2015/16,2016/17\nRape,N/A,3\nGrooming,,2\nTotal,4,5\n"
    upload = SimpleUploadedFile("pivot.csv", table)

    preview = client.post(url, {"table": upload, "breakdown": "offence_type"})
    assert "confirm_form" not in preview.context  # the empty cell is refused as read
    form = preview.context["choices_form"]
    assert form.fields["marker_0"].label == "Store “N/A” as"
    choices = {k: form[k].value() for k in form.fields if form[k].value() is not None}
    again = client.post(
        url, {**choices, "marker_0": "not_held", "empty_means_zero": "on", "reread": "1"}
    )
    form = again.context["confirm_form"]
    assert form["marker_0"].value() == "not_held"  # the choice is kept for the confirm
    done = client.post(
        url,
        {**{k: form[k].value() for k in form.fields if form[k].value() is not None},
         "empty_means_zero": "on", "confirm": "1"},
    )  # fmt: skip

    assert done.status_code == 302
    stored = cells(campaign)
    assert stored["Northumbria Police", "2015/16", "offence_type", "Rape"][:2] == ("not_held", None)
    assert stored["Northumbria Police", "2015/16", "offence_type", "Grooming"][:2] == (
        "reported",
        0,
    )
