"""Read an uploaded returns file (CSV or XLSX) into rows of cells, whatever Excel did to it.

CSV: UTF-8 with or without a byte-order mark; UTF-16 with its mark (Excel's "Unicode text");
otherwise Windows-1252, which is what Excel writes for a plain "CSV" on Windows. Bytes that are
none of these are refused with a message saying how to re-save the file. The delimiter is the
comma, or the semicolon/tab Excel uses in some locales, read from the header line.
XLSX: the active sheet, with the cached values of formula cells.
"""

import csv
import io

import tablib
from import_export.formats.base_formats import Format

from returns.importing.cells import is_blank
from returns.importing.errors import FileProblem, ReturnsFileError

XLSX_SIGNATURE = b"PK\x03\x04"
OLD_EXCEL_SIGNATURE = b"\xd0\xcf\x11\xe0"
SUPPORTED_SUFFIXES = (".csv", ".txt", ".xlsx", ".xlsm")
EXTRA_COLUMN_PREFIX = "__extra_"
BLANK_COLUMN_PREFIX = "__blank_"


def refuse(reason):
    raise ReturnsFileError([FileProblem(reason)])


def read_rows(data):
    """Bytes of a CSV or XLSX file -> list of rows (lists of cell values), row 1 first."""
    if not data:
        refuse("The file is empty.")
    if data.startswith(XLSX_SIGNATURE):
        return read_xlsx(data)
    if data.startswith(OLD_EXCEL_SIGNATURE):
        refuse("This is an old Excel 97-2003 (.xls) file: save it as .xlsx or CSV UTF-8.")
    return read_csv(decode_text(data))


def decode_text(data):
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if b"\x00" in data:
        refuse("This does not look like a CSV or XLSX file.")
    try:
        # Excel's "CSV (Comma delimited)" on Windows: every byte but five is a character.
        return data.decode("cp1252")
    except UnicodeDecodeError:
        refuse(
            "The file is neither UTF-8 nor Windows-1252 text. In Excel, save it as "
            '"CSV UTF-8 (Comma delimited)" or as .xlsx.'
        )


def read_csv(text):
    first_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = max([",", ";", "\t"], key=first_line.count)
    try:
        return [row for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)]
    except csv.Error as error:
        refuse(f"The CSV file cannot be read: {error}.")


def read_xlsx(data):
    import openpyxl

    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or disguised file
        refuse("The Excel file cannot be opened: is it a damaged or password-protected .xlsx?")
    try:
        return [list(row) for row in book.active.iter_rows(values_only=True)]
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
        return rows_to_dataset(read_rows(bytes(in_stream)))

    def can_import(self):
        return True

    def get_extension(self):
        return "csv"
