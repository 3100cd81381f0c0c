"""One force's own table (categories down, periods across) -> the long layout, pure.

reading.py reads the table into a report (which row is the header, what each row and column
means, every figure and every cell left out, with its reason); this builds the long dataset of
exactly the figures the report lists, each with the row and column it came from, so the long
layout's checks (rows.parse_long) name the force's own cell.
"""

import tablib

from returns.importing.reading import NOT_HELD_WORDS  # noqa: F401 (the wide layout's words)
from returns.importing.rows import SOURCE_COLUMN, SOURCE_ROW

LONG_HEADERS = ["force", "period", "measure", "breakdown", "category", "value", "note"]


def wide_to_long(reading, force_name):
    """The long Dataset of the figures `reading` lists, with their source cells."""
    dataset = tablib.Dataset(headers=LONG_HEADERS + [SOURCE_ROW, SOURCE_COLUMN])
    for figure in reading.figures:
        if figure.derived:
            dataset.append(
                [force_name, figure.period, "", "", "", figure.cell, figure.note, 0, figure.column]
            )
            continue
        value, note = ("", figure.note) if figure.note else (figure.cell, "")
        dataset.append(
            [
                force_name,
                figure.period,
                "",
                reading.breakdown,
                figure.label,
                value,
                note,
                figure.row,
                figure.column,
            ]
        )
    return dataset
