"""Read an uploaded returns file (CSV or XLSX) into rows of cells, whatever Excel did to it.

CSV: UTF-8, UTF-16 or Windows-1252 (see encoding.py); the delimiter is the comma, or the
semicolon, tab or bar some exports use: the one most lines agree on (sniff_separator).
XLSX: the active sheet, with the cached values of formula cells.
Hostile files (huge, zip bombs, millions of rows) are refused before the work they would cause:
see limits.py for the order of the checks.
"""

import csv
import io
import re
import zipfile
import zlib
from collections import Counter
from itertools import chain, islice

import tablib
from import_export.formats.base_formats import Format

from returns.importing.cells import is_blank
from returns.importing.encoding import text_encoding
from returns.importing.errors import FileProblem, ReturnsFileError
from returns.importing.limits import DAMAGED_XLSX, ImportLimits, check_xlsx

XLSX_SIGNATURE = b"PK\x03\x04"
OLD_EXCEL_SIGNATURE = b"\xd0\xcf\x11\xe0"
SUPPORTED_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")
SEPARATORS = (",", ";", "\t", "|")
EXTRA_COLUMN_PREFIX = "__extra_"
BLANK_COLUMN_PREFIX = "__blank_"
# How many rows a header check sees (a force's table may have title rows above its header).
HEADER_ROWS = 15


def refuse(reason):
    raise ReturnsFileError([FileProblem(reason)])


def read_rows(data, check_header=None, limits=None):
    """Bytes of a CSV or XLSX file -> list of rows (lists of cell values), row 1 first.

    `check_header(first_rows)` sees the first HEADER_ROWS rows before the rest is read, and
    raises ReturnsFileError to refuse the file at once.
    """
    limits = limits or ImportLimits.from_settings()
    if not data:
        refuse("The file is empty.")
    limits.check_size(len(data))
    if data.startswith(XLSX_SIGNATURE):
        return read_xlsx(data, check_header, limits)
    if data.startswith(OLD_EXCEL_SIGNATURE):
        refuse("This is an old Excel 97-2003 (.xls) file: save it as .xlsx or CSV UTF-8.")
    return read_csv(data, check_header, limits)


def read_csv(data, check_header=None, limits=None):
    """Bytes of a CSV file -> rows. The text is decoded as it is read, a little at a time:
    the whole file as one string (or as io.StringIO, four bytes a character) costs far more."""
    limits = limits or ImportLimits.from_settings()
    encoding = text_encoding(data)

    def lines():
        return io.TextIOWrapper(io.BytesIO(data), encoding=encoding, newline="")

    delimiter = sniff_separator(lines())

    def rows():
        return csv.reader(lines(), delimiter=delimiter)

    try:
        if check_header:
            check_header(list(islice(rows(), HEADER_ROWS)))
        # Separators bound the cells before csv builds a row (a line of 20 million commas is
        # one list of 20 million cells); then rows and cells are counted, keeping nothing.
        limits.check_separators(count_separators(data, encoding, delimiter), delimiter)
        limits.check_counts(*count_rows_and_cells(rows()))
        return list(rows())
    except csv.Error as error:
        refuse(f"The CSV file cannot be read: {error}.")


def sniff_separator(lines):
    """The separator of the whole file: the one of `SEPARATORS` whose count is the same on the
    most lines (title lines, with none, aside), so a title such as "Offences; by year" cannot
    decide it. Ties go to the first in SEPARATORS. Counts only: no cells are built."""
    tallies = {separator: Counter() for separator in SEPARATORS}
    for line in lines:
        for separator, tally in tallies.items():
            count = line.count(separator)
            if count:
                tally[count] += 1

    def score(separator):
        common = tallies[separator].most_common(1)
        return common[0][1] if common else 0

    return max(SEPARATORS, key=score)


def count_separators(data, encoding, separator):
    if encoding == "utf-16":
        return data.decode(encoding).count(separator)
    return data.count(separator.encode())  # ASCII, never part of a UTF-8 sequence


def count_rows_and_cells(rows):
    count = cells = 0
    for row in rows:
        count += 1
        cells += len(row)
    return count, cells


def read_xlsx(data, check_header=None, limits=None):
    import openpyxl

    limits = limits or ImportLimits.from_settings()
    check_xlsx(data, limits)  # before openpyxl unpacks anything
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or disguised file
        refuse(DAMAGED_XLSX)
    try:
        sheet = book.active
        # Read every row there is, not only the range the file claims (which may be wrong,
        # or say A1:XFD1048576 and so pad every row to 16,384 cells).
        sheet.reset_dimensions()
        rows = sheet.iter_rows(values_only=True)
        first = list(islice(rows, HEADER_ROWS))
        if check_header:
            check_header(first)
        # Rows missing from the XML are filled in as empty ones as they are read: count those.
        return [list(row) for row in limits.bounded(chain(first, rows))]
    finally:
        book.close()


def rows_to_dataset(rows):
    """Rows -> tablib.Dataset with row 1 as headers; every row padded to the widest one.

    Cells beyond the header get `__extra_N` headers (padding is None, a real CSV cell is a
    string), so the parser can refuse a row that has more cells than the header: an unquoted
    1,234 in a CSV splits a number in two. Columns with an empty header get `__blank_N`.
    """
    rows = [list(row) for row in rows]
    if not rows or all(is_blank(cell) for cell in rows[0]):
        refuse("The file has no header row (row 1 should name the columns).")
    header_width = len(rows[0])
    width = max(len(row) for row in rows)
    while width > 1 and all(droppable(row, width - 1, header_width) for row in rows):
        width -= 1
    headers = [header_name(rows[0], index, header_width) for index in range(width)]
    dataset = tablib.Dataset(headers=headers)
    for row in rows[1:]:
        dataset.append((row + [None] * width)[:width])
    return dataset


def droppable(row, index, header_width):
    cell = row[index] if index < len(row) else None
    return cell is None or (index < header_width and is_blank(cell))


def header_name(header, index, header_width):
    if index >= header_width:
        return f"{EXTRA_COLUMN_PREFIX}{index + 1}"
    if is_blank(header[index]):
        return f"{BLANK_COLUMN_PREFIX}{index + 1}"
    return str(header[index])


class ReturnsFileFormat(Format):
    """django-import-export format for the admin: CSV or XLSX, told apart by content."""

    def __init__(self, encoding=None):
        self.encoding = encoding

    def get_title(self):
        return "CSV or Excel (.xlsx)"

    def create_dataset(self, in_stream):
        from returns.importing.rows import check_long_header  # rows.py imports this module

        return rows_to_dataset(read_rows(bytes(in_stream), check_long_header))

    def can_import(self):
        return True

    def get_extension(self):
        return "csv"


DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="[A-Z]+\d+(?::[A-Z]+(\d+))?"')
BYTES_PER_SHEET_ROW = 100  # a guess, only when a sheet does not state its size


def estimated_rows(data):
    """About how many rows a CSV or XLSX file holds, without reading it (is it big work?).

    CSV: its line breaks. XLSX: the row count its biggest sheet states in its first bytes
    (`<dimension ref="A1:G100001"/>`), else a guess from the sheet's unpacked size (read from
    the zip directory: nothing is unpacked beyond the first 4 KB of a sheet).
    """
    if not data.startswith(XLSX_SIGNATURE):
        return data.count(b"\n")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sheets = [i for i in archive.infolist() if i.filename.startswith("xl/worksheets/")]
            return max((sheet_rows(archive, sheet) for sheet in sheets), default=0)
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error):
        return 0  # not readable: the import itself says why, at once


def sheet_rows(archive, sheet):
    with archive.open(sheet) as member:
        found = DIMENSION.search(member.read(4096))
    if found and found.group(1):
        return int(found.group(1))
    return sheet.file_size // BYTES_PER_SHEET_ROW


def refused_at_once(data, limits=None):
    """Whether the cheap checks (size, a damaged or bomb-like XLSX, an unreadable encoding,
    too many rows) refuse the file: the admin then refuses it at once rather than in a job."""
    limits = limits or ImportLimits.from_settings()
    try:
        limits.check_size(len(data))
        if data.startswith(XLSX_SIGNATURE):
            check_xlsx(data, limits)  # the size a sheet states may be wrong: the job counts
        else:
            text_encoding(data)
            limits.check_counts(rows=estimated_rows(data))
    except ReturnsFileError:
        return True
    return False
