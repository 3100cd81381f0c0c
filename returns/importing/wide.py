"""One force's own table (categories down, periods across) -> the long layout, pure.

The header row is the first row with a financial year in it (title rows above it are fine);
its first column holds the categories: ages "Under 1", "0".."17", "Unknown", offence types...
A "Total" row is the headline total of each period; a "Total" column (adding up the periods)
is not a figure and is left out. A cell may say "not held" (or "not recorded"...) instead of
a number; other markers ("N/A", "-", "<5") mean what importing/cells.py says.
"""

import tablib

from returns.importing import cells
from returns.importing.errors import FileProblem, ProblemList, ReturnsFileError
from returns.importing.files import HEADER_ROWS
from returns.importing.rows import SOURCE_COLUMN, SOURCE_ROW
from returns.periods import normalise_period

HEADER_SEARCH_ROWS = HEADER_ROWS
NOT_HELD_WORDS = {
    "not held",
    "not recorded",
    "not available",
    "not known",
    "not provided",
    "refused",
    "withheld",
}
LONG_HEADERS = ["force", "period", "measure", "breakdown", "category", "value", "note"]


def wide_to_long(rows, force_name, breakdown, campaign_periods):
    """(Dataset in the long layout with source locations, [notes for the preview])."""
    header_index = find_header_row(rows)
    header = rows[header_index]
    period_columns, notes, header_problems = read_period_columns(header, header_index + 1)
    problems = ProblemList(header_problems)
    for period in sorted(set(period_columns.values()) - set(campaign_periods)):
        problems.add(
            FileProblem(f"{period} was not asked in this campaign.", header_index + 1, period)
        )
    if problems:
        raise ReturnsFileError(problems)
    dataset = tablib.Dataset(headers=LONG_HEADERS + [SOURCE_ROW, SOURCE_COLUMN])
    for number, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        label = cells.cell_text(row[0] if row else None)
        values = {column: row[column] if column < len(row) else None for column in period_columns}
        if not label and all(cells.is_blank(value) for value in values.values()):
            continue
        if not label:
            problems.add(FileProblem("the category (first column) is empty.", row=number))
            continue
        for column, period in period_columns.items():
            value, note = split_value_and_note(values[column])
            dataset.append([force_name, period, "", breakdown, label, value, note, number, period])
    if problems:
        raise ReturnsFileError(problems)
    return dataset, notes


def find_header_row(rows):
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if any(is_period(cell) for cell in list(row)[1:]):
            return index
    raise ReturnsFileError(
        [
            FileProblem(
                "No header row with financial years (e.g. 2016/17) across was found in the "
                "first rows of the table: categories go down the first column, periods across."
            )
        ]
    )


def read_period_columns(header, row_number):
    columns, notes, problems = {}, [], []
    for index, cell in enumerate(list(header)[1:], start=1):
        text = cells.cell_text(cell)
        if not text:
            continue
        if cells.is_total_label(text):
            notes.append(f"The {text!r} column adds up the periods: it is not imported.")
            continue
        try:
            period = normalise_period(text)
        except ValueError as error:
            problems.append(FileProblem(f"{error} (or Total)", row_number, text))
            continue
        if period in columns.values():
            problems.append(FileProblem(f"{period} appears twice.", row_number, text))
        columns[index] = period
    return columns, notes, problems


def is_period(cell):
    try:
        normalise_period(cells.cell_text(cell))
    except ValueError:
        return False
    return True


def split_value_and_note(cell):
    text = cells.cell_text(cell)
    if text.lower() in NOT_HELD_WORDS:
        return "", text
    return cell, ""
