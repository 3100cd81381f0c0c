"""Read one force's own table into a reading report, before anything is saved.

The report says which file, which sheet or table and why, which row is the header, what each
column and each row was taken to mean, every figure it will store and every other non-empty cell
with the reason it is not stored (docs/file-formats.md, "A force's own table"). Nothing is
dropped without being listed. wide.py turns the report into the long layout; the preview shows
it; the caseworker's choices (sheet, header row, breakdown, derived total) read it again.
"""

import re
from dataclasses import dataclass, field

from returns.importing import cells
from returns.importing.errors import FileProblem, ProblemList
from returns.periods import CalendarYearError, normalise_period

DERIVED_NOTE = "Total derived by FOI Returns as the sum of the rows"
# Words instead of a number: kept as the figure's note (cells.parse_value makes it not held, or
# not provided for a refusal).
NOT_HELD_WORDS = {
    "not held",
    "not recorded",
    "not available",
    "not known",
    "not provided",
    "refused",
    "withheld",
}
NOTE_START = re.compile(r"^(\*|†|‡|\(?\d\)|\d\s|[¹²³]|notes?\b|source|please|nb\b|data\b)", re.I)
SUBTOTAL = re.compile(r"^(sub[\s-]?total|total\b)", re.I)


@dataclass(frozen=True)
class Choices:
    """What the caseworker set on the preview; empty = the reader's own guess."""

    sheet: str = ""
    header_row: int | None = None
    derive_total: bool = False
    markers: dict | None = None  # normalised marker text -> status (cells.parse_value)


@dataclass
class SheetSummary:
    name: str
    size: str
    tables: list  # header rows (1-based) with financial years across
    figures: int  # numeric cells below its first header


@dataclass
class ColumnReading:
    index: int
    header: str
    meaning: str  # label, period, total, ignored
    period: str = ""
    reason: str = ""

    @property
    def letter(self):
        return column_letter(self.index)


@dataclass
class RowReading:
    number: int  # the row in the sheet or table, 1-based
    cells: list  # the non-empty cells as written: [(column letter, text)]
    meaning: str  # title, header, category, total, blank, note, subtotal, second table
    label: str = ""
    stored: str = ""  # how the label is stored: "victim_age 13", "headline total"
    reason: str = ""
    left_out: list = field(default_factory=list)  # [(column letter, text, reason)]

    @property
    def is_data(self):
        return self.meaning in ("category", "total")


@dataclass
class FigureReading:
    row: int
    column: str  # the header as written, for messages
    period: str
    breakdown: str
    category: str  # as stored ("" for the headline total)
    cell: object  # as written
    note: str
    stored_as: str  # "reported 12", "suppressed (<5)", a refusal
    derived: bool = False
    column_letter: str = ""
    label: str = ""  # the category as written


@dataclass
class Reading:
    file_name: str
    kind: str
    breakdown: str
    sheets: list = field(default_factory=list)
    sheet: str = ""
    sheet_reason: str = ""
    tables: list = field(default_factory=list)  # "sheet X, row 3 (2015/16, 2016/17)"
    header_row: int | None = None
    header_reason: str = ""
    columns: list = field(default_factory=list)
    rows: list = field(default_factory=list)
    figures: list = field(default_factory=list)
    markers: list = field(default_factory=list)  # [(text, how it is stored)]
    total: str = ""  # "row 12", "derived", "" (none)
    derive_total: bool = False
    warnings: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    problems: ProblemList = field(default_factory=ProblemList)

    @property
    def no_total(self):
        return not self.total and self.breakdown != ""

    @property
    def left_out_rows(self):
        return [row for row in self.rows if not row.is_data and row.meaning != "header"]

    def accounted(self):
        """{(row, column letter): "stored" or the reason it is not}: every non-empty cell."""
        found = {}
        header = {column.letter: column for column in self.columns}
        for row in self.rows:
            if row.meaning == "header":
                for letter, _text in row.cells:
                    column = header.get(letter)
                    found[row.number, letter] = f"header: {column.meaning if column else '?'}"
            elif row.is_data:
                for letter, _text, reason in row.left_out:
                    found[row.number, letter] = reason
            else:
                for letter, _text in row.cells:
                    found[row.number, letter] = row.reason or row.meaning
        for figure in self.figures:
            if not figure.derived:
                found[figure.row, figure.column_letter] = "stored"
        for row in self.rows:
            if row.is_data:
                found.setdefault((row.number, self.label_letter), "stored (category)")
        return found

    @property
    def label_letter(self):
        labels = [column for column in self.columns if column.meaning == "label"]
        return labels[0].letter if labels else "A"


def column_letter(index):
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


# --- Periods in a header row.
# A period followed by words about it: "2017/18 (Apr-Dec)", "2018/19 - year to date". The words
# are kept (the column's header as written) for the caveats they may carry (caveats.py).
QUALIFIED_PERIOD = re.compile(
    r"^(?P<period>.+?)\s*(?:\((?P<paren>[^()]*)\)|[-–—:]\s+(?P<tail>\D.*))$"
)


def period_of(cell):
    """(period, None), (None, calendar-year message) or (None, None)."""
    text = cells.cell_text(cell)
    if not text:
        return None, None
    try:
        return normalise_period(text), None
    except CalendarYearError as error:
        return None, str(error)
    except ValueError:
        pass
    qualified = QUALIFIED_PERIOD.match(text)
    if qualified:
        try:
            return normalise_period(qualified["period"]), None
        except ValueError:
            pass
    return None, None


def is_qualified_period(text):
    """True for a period header with words after the period: "2017/18 (Apr-Dec)"."""
    try:
        normalise_period(text)
    except ValueError:
        return period_of(text)[0] is not None
    return False


def period_columns(row):
    return {
        index: period for index, cell in enumerate(row) if index and (period := period_of(cell)[0])
    }


def is_header_row(row):
    return bool(period_columns(row))


def calendar_message(row):
    for index, cell in enumerate(row):
        if index and period_of(cell)[1]:
            return period_of(cell)[1]
    return None


# --- Sheets.
def summarise(grid):
    headers = [index + 1 for index, row in enumerate(grid.rows) if is_header_row(row)]
    figures = 0
    if headers:
        for row in grid.rows[headers[0] :]:
            figures += sum(1 for cell in row[1:] if is_figure(cell))
    return SheetSummary(grid.name, grid.size, headers, figures)


def is_figure(cell):
    if isinstance(cell, bool) or cells.is_blank(cell):
        return False
    return bool(cells.WHOLE.match(cells.cell_text(cell)))


def choose_grid(grids, summaries, wanted):
    if wanted:
        for grid in grids:
            if grid.name == wanted:
                return grid, "chosen on the preview"
    with_tables = [pair for pair in zip(grids, summaries, strict=True) if pair[1].tables]
    if len(grids) == 1:
        return grids[0], "the file's only table"
    if not with_tables:
        first = next((grid for grid in grids if grid.rows), grids[0])
        return first, "no sheet or table has financial years across: the first one is shown"
    if len(with_tables) == 1:
        return with_tables[0][0], "the only one with financial years across"
    grid, summary = max(with_tables, key=lambda pair: pair[1].figures)
    return grid, f"it has financial years across and the most figures ({summary.figures})"


# --- The reading.
def read(grids, kind, file_name, breakdown, campaign_periods, choices=None):
    choices = choices or Choices()
    summaries = [summarise(grid) for grid in grids]
    reading = Reading(file_name=file_name, kind=kind, breakdown=breakdown, sheets=summaries)
    reading.derive_total = choices.derive_total
    reading.tables = [
        f"{summary.name}, row {row}" for summary in summaries for row in summary.tables
    ]
    grid, reading.sheet_reason = choose_grid(grids, summaries, choices.sheet)
    reading.sheet = grid.name
    if len(reading.tables) > 1:
        reading.warnings.append(
            f"This file holds {len(reading.tables)} tables with financial years across "
            f"({'; '.join(reading.tables)}). One is read: check it is the right one, or choose "
            "another sheet or header row."
        )
    TableReader(reading, grid, campaign_periods, choices).read()
    return reading


class TableReader:
    def __init__(self, reading, grid, campaign_periods, choices):
        self.reading = reading
        self.grid = grid
        self.campaign_periods = list(campaign_periods)
        self.choices = choices
        self.problems = reading.problems

    def read(self):
        header_index = self.find_header()
        if header_index is None:
            for number, row in enumerate(self.grid.rows, start=1):
                self.add_row(number, row, "title", "no header row with financial years found")
            return
        self.read_columns(header_index)
        for number, row in enumerate(self.grid.rows[:header_index], start=1):
            if self.visible(number - 1, row):
                self.add_row(number, row, "title", "above the header row: a title or note")
            else:
                self.add_row(number, row, "blank", "blank")
        self.add_row(header_index + 1, self.grid.rows[header_index], "header", "the header row")
        self.read_body(header_index)
        self.read_total()
        self.collect_markers()

    # --- Header.
    def find_header(self):
        rows = self.grid.rows
        wanted = self.choices.header_row
        if wanted:
            if 1 <= wanted <= len(rows) and is_header_row(rows[wanted - 1]):
                self.reading.header_row = wanted
                self.reading.header_reason = "chosen on the preview"
                return wanted - 1
            self.problems.add(
                FileProblem(
                    "has no financial year (e.g. 2016/17) across: it cannot be the header row.",
                    row=wanted,
                )
            )
            return None
        for index, row in enumerate(rows):
            if is_header_row(row):
                self.reading.header_row = index + 1
                self.reading.header_reason = "the first row with financial years across"
                return index
        message = next(filter(None, (calendar_message(row) for row in rows)), None)
        self.problems.add(
            FileProblem(
                message
                or "No header row with financial years (e.g. 2016/17) across was found: "
                "categories go down the first column, financial years across."
            )
        )
        return None

    def read_columns(self, header_index):
        header = self.grid.rows[header_index]
        periods = period_columns(header)
        first_period = min(periods)
        self.label_index = self.find_label_column(header_index, first_period)
        self.period_columns = {}
        width = max(self.grid.width, len(header))
        for index in range(width):
            cell = header[index] if index < len(header) else None
            text = cells.cell_text(cell)
            column = ColumnReading(index, text, "ignored")
            if index == self.label_index:
                column.meaning, column.reason = "label", "the categories"
            elif index in periods:
                self.read_period_column(column, periods[index], header_index)
            elif index < first_period:
                column.reason = "left of the categories: shown, not stored"
            elif text and cells.is_total_label(text):
                column.meaning = "total"
                column.reason = "adds up the periods: not a figure, not stored"
                self.reading.notes.append(
                    f"The {text!r} column adds up the periods: it is not imported."
                )
            elif text:
                column.reason = period_of(text)[1] or self.not_a_period(text)
            else:
                column.reason = "no header: not a financial year"
            self.reading.columns.append(column)

    def not_a_period(self, text):
        try:
            normalise_period(text)
        except ValueError as error:
            return f"{error} Not stored."
        return "not stored"

    def read_period_column(self, column, period, header_index):
        column.meaning, column.period = "period", period
        if period in self.period_columns.values():
            column.meaning = "ignored"
            column.reason = f"{period} appears twice in the header"
            self.problems.add(
                FileProblem(f"{period} appears twice.", header_index + 1, column.header)
            )
        elif period not in self.campaign_periods:
            column.reason = "not asked in this campaign"
            self.problems.add(
                FileProblem(
                    f"{period} was not asked in this campaign.", header_index + 1, column.header
                )
            )
        else:
            self.period_columns[column.index] = column

    def find_label_column(self, header_index, first_period):
        """The column of the category labels: of those left of the first period column, the
        rightmost whose cells below the header are mostly text (a code column such as "19E"
        to its left is shown, not stored)."""
        below = self.grid.rows[header_index + 1 :]
        best, best_count = 0, -1
        for index in range(first_period):
            count = sum(
                1
                for row in below
                if index < len(row) and not cells.is_blank(row[index]) and not is_figure(row[index])
            )
            if count and count >= best_count:
                best, best_count = index, count
        return best

    # --- Body.
    def read_body(self, header_index):
        second_table = None
        for index in range(header_index + 1, len(self.grid.rows)):
            row, number = self.grid.rows[index], index + 1
            if second_table:
                self.add_row(
                    number, row, "second table", f"part of the table from row {second_table}"
                )
                continue
            if not self.visible(index, row):
                self.add_row(number, row, "blank", "blank")
                continue
            if is_header_row(row):
                second_table = number
                self.add_row(number, row, "second table", "a second table starts here: not read")
                continue
            if self.read_row(index, row):
                second_table = number

    def read_row(self, index, row):
        """Read one row below the header; True when it starts another table."""
        number = index + 1
        label = cells.cell_text(self.cell(row, self.label_index))
        values = {i: self.cell(row, i) for i in self.period_columns}
        parsed = {i: self.value(cell) for i, cell in values.items() if not cells.is_blank(cell)}
        if not any(isinstance(result[0], cells.Value) for result in parsed.values()):
            texts = [c for c in values.values() if not cells.is_blank(c)]
            if texts:
                self.add_row(
                    number,
                    row,
                    "second table",
                    "headings, not figures, under the financial years: the table ends above",
                )
                return True
            self.add_row(number, row, "note", self.note_reason(label))
            return False
        if not label:
            self.add_row(number, row, "category", "")
            self.problems.add(FileProblem("the category (first column) is empty.", row=number))
            return False
        if cells.is_total_label(label):
            self.add_data_row(number, row, "total", label, "", "", "headline total")
            return False
        if SUBTOTAL.match(label):
            self.add_row(number, row, "subtotal", "a subtotal of some rows: not stored")
            return False
        try:
            breakdown, category = cells.parse_category(self.reading.breakdown, label)
        except ValueError as error:
            self.add_data_row(number, row, "category", label, "", label, "refused")
            self.problems.add(FileProblem(str(error), number, "category"))
            return False
        stored = f"{breakdown} {category}" if breakdown else "headline total"
        meaning = "category" if breakdown else "total"
        self.add_data_row(number, row, meaning, label, breakdown, category, stored)
        return False

    def note_reason(self, label):
        if NOTE_START.match(label):
            return "a note or footnote: no figures"
        return "no figures in the period columns: a sub-heading or note"

    def add_data_row(self, number, row, meaning, label, breakdown, category, stored):
        reading_row = self.add_row(number, row, meaning, "", label=label, stored=stored)
        for index, column in enumerate(self.reading.columns):
            cell = self.cell(row, index)
            if index in self.period_columns:
                self.add_figure(number, column, (breakdown, category, label), cell)
            elif cells.is_blank(cell) or (number - 1, index) in self.grid.copies:
                continue
            elif column.meaning != "label":
                reason = f"column {column.letter} ({column.header or 'no header'}): {column.reason}"
                reading_row.left_out.append((column.letter, cells.cell_text(cell), reason))
                if column.meaning == "ignored" and is_figure(cell) and index > self.label_index:
                    self.warn_once(
                        f"Column {column.letter} holds figures but is not read: {column.reason}."
                    )
        for index in range(len(self.reading.columns), len(row)):
            if not cells.is_blank(row[index]):
                letter = column_letter(index)
                reading_row.left_out.append(
                    (letter, cells.cell_text(row[index]), f"column {letter}: beyond the header")
                )

    def add_figure(self, number, column, key, cell):
        breakdown, category, label = key
        result, note = self.value(cell)
        stored_as = describe(result)
        if isinstance(result, str):
            self.problems.add(FileProblem(result, number, column.header))
        self.reading.figures.append(
            FigureReading(
                number,
                column.header,
                column.period,
                breakdown,
                category,
                cell,
                note,
                stored_as,
                column_letter=column.letter,
                label=label,
            )
        )

    def value(self, cell):
        """(cells.Value or the reason it is refused, note)."""
        text = cells.cell_text(cell)
        note = text if text.lower() in NOT_HELD_WORDS else ""
        try:
            return parse_value("" if note else cell, note, self.choices.markers), note
        except ValueError as error:
            return str(error), note

    # --- Totals.
    def read_total(self):
        reading = self.reading
        totals = [row for row in reading.rows if row.meaning == "total"]
        if totals:
            reading.total = f"row {totals[0].number}"
            return
        if reading.breakdown == "" or not any(row.is_data for row in reading.rows):
            return
        if not self.choices.derive_total:
            reading.warnings.append(
                "No total: the table has no Total row, so the force would be missing from the "
                "national total. Tick “use the sum of the rows as the total” to store the sum "
                "(marked derived), or ask the force for its total."
            )
            return
        reading.total = "derived"
        for _period_index, column in self.period_columns.items():
            self.derive(column)

    def derive(self, column):
        figures = [f for f in self.reading.figures if f.column == column.header and not f.derived]
        values = [self.value(f.cell)[0] for f in figures]
        unusable = [
            f
            for f, value in zip(figures, values, strict=True)
            if not isinstance(value, cells.Value) or value.status != "reported"
        ]
        if unusable or not figures:
            rows = ", ".join(str(f.row) for f in unusable)
            self.reading.warnings.append(
                f"{column.period}: no total derived: row {rows} is not a number, so the sum of "
                "the rows would not be the total."
            )
            return
        total = sum(value.value for value in values)
        self.reading.figures.append(
            FigureReading(
                0,
                column.header,
                column.period,
                "",
                "",
                total,
                DERIVED_NOTE,
                f"reported {total:,} (derived: the sum of the rows)",
                derived=True,
                column_letter=column.letter,
            )
        )

    # --- Markers.
    def collect_markers(self):
        seen = {}
        for figure in self.reading.figures:
            text = cells.cell_text(figure.cell)
            if figure.derived or not text or cells.WHOLE.match(text):
                continue
            seen.setdefault(text, figure.stored_as)
        self.reading.markers = sorted(seen.items())

    # --- Helpers.
    def cell(self, row, index):
        return row[index] if index is not None and index < len(row) else None

    def visible(self, index, row):
        return any(
            not cells.is_blank(cell) and (index, column) not in self.grid.copies
            for column, cell in enumerate(row)
        )

    def warn_once(self, message):
        if message not in self.reading.warnings:
            self.reading.warnings.append(message)

    def add_row(self, number, row, meaning, reason, label="", stored=""):
        shown = [
            (column_letter(i), cells.cell_text(cell))
            for i, cell in enumerate(row)
            if not cells.is_blank(cell) and (number - 1, i) not in self.grid.copies
        ]
        reading_row = RowReading(number, shown, meaning, label, stored, reason)
        self.reading.rows.append(reading_row)
        return reading_row


def parse_value(cell, note, markers=None):
    if markers:
        return cells.parse_value(cell, note, markers=markers)
    return cells.parse_value(cell, note)


def describe(result):
    if isinstance(result, str):
        return f"refused: {result}"
    if result.status == "reported":
        return f"reported {result.value:,}"
    if result.raw_value:
        return f"{result.status.replace('_', ' ')} (text kept: {result.raw_value})"
    return result.status.replace("_", " ")
