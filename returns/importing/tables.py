"""Any file a force replies with -> its tables as grids of cells, for the reader (reading.py).

CSV: one grid (files.read_csv: encoding and separator sniffed over the whole file).
XLSX: one grid per sheet, every sheet; merged cells read as the text they show.
DOCX: one grid per table (python-docx), with the paragraphs just above and below it (titles,
notes) as rows of one cell. PDF with a text layer (pdfplumber): one grid per ruled table, or per
page of text laid out in columns; a PDF with no text at all is a scan and is refused.
Every check of limits.py runs before the work it guards, as for the long layout.
"""

import io
import re
import zipfile
from dataclasses import dataclass, field

from returns.importing import cells
from returns.importing.errors import FileProblem, ReturnsFileError
from returns.importing.files import OLD_EXCEL_SIGNATURE, XLSX_SIGNATURE, read_csv
from returns.importing.limits import DAMAGED_XLSX, ImportLimits, check_docx, check_xlsx

PDF_SIGNATURE = b"%PDF"
NO_TEXT_LAYER = "This PDF has no text layer (a scan): type the figures in on the request page."
# Paragraphs of a Word reply kept with a table: its title just above, its notes just below.
PARAGRAPHS_ABOVE, PARAGRAPHS_BELOW = 3, 5
PDF_MAX_PAGES = 100
COLUMN_GAP = re.compile(r"\s{2,}")
MERGE_REF = re.compile(rb'<(?:\w+:)?mergeCell\s+ref="([A-Z]+)(\d+):([A-Z]+)(\d+)"')
SCAN_CHUNK = 1024 * 1024


@dataclass
class Grid:
    """One table or sheet: rows of cells (row 1 first), and where merged cells were filled in."""

    name: str
    rows: list
    copies: set = field(default_factory=set)  # (row index, column index) filled from a merge

    @property
    def width(self):
        return max((len(row) for row in self.rows), default=0)

    @property
    def size(self):
        return f"{len(self.rows)} rows × {self.width} columns"


def refuse(reason):
    raise ReturnsFileError([FileProblem(reason)])


def kind_of(data):
    return kind_of_stream(io.BytesIO(data))


def kind_of_stream(stream):
    """The file's kind by content, from a seekable binary stream: "pdf", "docx", "xlsx" or
    "csv" (anything else). A stored file is told without reading it whole."""
    head = stream.read(len(XLSX_SIGNATURE))
    stream.seek(0)
    if head.startswith(PDF_SIGNATURE):
        return "pdf"
    if head.startswith(XLSX_SIGNATURE):
        try:
            with zipfile.ZipFile(stream) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            refuse(DAMAGED_XLSX)
        return "docx" if "word/document.xml" in names else "xlsx"
    if head.startswith(OLD_EXCEL_SIGNATURE):
        refuse(
            "This is an old Office 97-2003 file (.xls or .doc): save it as .xlsx, .docx or "
            "CSV UTF-8."
        )
    return "csv"


def read_grids(data, limits=None):
    """(kind, [Grid]) of the file's bytes; ReturnsFileError when it cannot or may not be read."""
    limits = limits or ImportLimits.from_settings()
    if not data:
        refuse("The file is empty.")
    limits.check_size(len(data))
    kind = kind_of(data)
    reader = {"csv": csv_grids, "xlsx": xlsx_grids, "docx": docx_grids, "pdf": pdf_grids}[kind]
    grids = reader(data, limits)
    if not any(grid.rows for grid in grids):
        refuse("The file holds no table.")
    return kind, grids


def csv_grids(data, limits):
    return [Grid("CSV", read_csv(data, limits=limits))]


# --- Workbooks.
def xlsx_grids(data, limits):
    import openpyxl

    check_xlsx(data, limits)  # before openpyxl unpacks anything
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged or disguised file
        refuse(DAMAGED_XLSX)
    try:
        sheets = [Grid(sheet.title, []) for sheet in book.worksheets]
        # The ceilings count the rows and cells of every sheet together.
        for index, row in limits.bounded(sheet_rows(book), size=lambda pair: len(pair[1])):
            sheets[index].rows.append(row)
        for sheet, grid in zip(book.worksheets, sheets, strict=True):
            trim(grid)
            fill_merges(grid, merged_ranges(book, sheet))
        return sheets
    finally:
        book.close()


def sheet_rows(book):
    """(sheet index, cells) of every row of every sheet."""
    for index, sheet in enumerate(book.worksheets):
        if not hasattr(sheet, "iter_rows"):
            continue  # a chart sheet
        # Every row there is, not only the range the file claims (which may be wrong).
        sheet.reset_dimensions()
        for row in sheet.iter_rows(values_only=True):
            yield index, list(row)


def merged_ranges(book, sheet):
    """[(first row, first column, last row, last column)] 0-based, from the sheet's XML: the
    read-only reader does not give them. The sheet's size was checked by check_xlsx."""
    path = getattr(sheet, "_worksheet_path", None)
    archive = getattr(book, "_archive", None)
    if not path or archive is None:
        return []
    found, tail = [], b""
    with archive.open(path) as stream:
        while chunk := stream.read(SCAN_CHUNK):
            window = tail + chunk
            found.extend(MERGE_REF.findall(window))
            tail = window[-200:]
            tail = tail[tail.rfind(b"<") :] if b"<" in tail else b""
    ranges = set()
    for first_col, first_row, last_col, last_row in found:
        ranges.add(
            (
                int(first_row) - 1,
                column_index(first_col.decode()),
                int(last_row) - 1,
                column_index(last_col.decode()),
            )
        )
    return sorted(ranges)


def column_index(letters):
    index = 0
    for letter in letters:
        index = index * 26 + ord(letter) - 64
    return index - 1


def fill_merges(grid, ranges):
    """A merged cell shows its text in every cell it covers: fill them in, marked as copies.
    Numbers are not copied, so that a merged figure is never counted twice."""
    for first_row, first_col, last_row, last_col in ranges:
        if first_row >= len(grid.rows) or first_col >= len(grid.rows[first_row]):
            continue
        value = grid.rows[first_row][first_col]
        if is_number(value):
            continue
        for r in range(first_row, min(last_row, len(grid.rows) - 1) + 1):
            row = grid.rows[r]
            for c in range(first_col, last_col + 1):
                if (r, c) == (first_row, first_col):
                    continue
                while len(row) <= c:
                    row.append(None)
                if cells.is_blank(row[c]):
                    row[c] = value
                    grid.copies.add((r, c))


def is_number(value):
    if isinstance(value, int | float):
        return True
    return bool(cells.WHOLE.match(cells.cell_text(value)))


def trim(grid):
    """Drop the empty cells at the end of each row and the empty rows at the end."""
    for index, row in enumerate(grid.rows):
        end = len(row)
        while end and cells.is_blank(row[end - 1]):
            end -= 1
        grid.rows[index] = list(row[:end])
    while grid.rows and not grid.rows[-1]:
        grid.rows.pop()


# --- Word.
def docx_grids(data, limits):
    import docx
    from docx.table import Table

    check_docx(data, limits)  # before python-docx unpacks anything
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception:  # a damaged or disguised file
        refuse("The Word file cannot be opened: is it a damaged or password-protected .docx?")
    grids, paragraphs, last = [], [], None
    for element in document.element.body.iterchildren():
        tag = element.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = cells.cell_text("".join(node.text or "" for node in element.iter(qn("w:t"))))
            if text:
                paragraphs.append(text)
                if last is not None and len(paragraphs) <= PARAGRAPHS_BELOW:
                    last.rows.append([text])
        elif tag == "tbl":
            grid = docx_grid(Table(element, document), len(grids) + 1)
            grid.rows[:0] = [[text] for text in paragraphs[-PARAGRAPHS_ABOVE:]]
            grid.copies = {(r + len(paragraphs[-PARAGRAPHS_ABOVE:]), c) for r, c in grid.copies}
            grids.append(grid)
            paragraphs, last = [], grid
    for grid in grids:
        limits.check_counts(len(grid.rows), sum(len(row) for row in grid.rows))
    return grids


def qn(name):
    from docx.oxml.ns import qn as docx_qn

    return docx_qn(name)


def docx_grid(table, number):
    from docx.table import _Cell

    """Rows of cell texts; a merged cell's text goes in its first position, its other
    positions are copies (text only, as for a workbook)."""
    grid = Grid(f"Table {number}", [])
    above = {}  # column -> text of the cell above, for vertical merges
    for r, row in enumerate(table.rows):
        tr = row._tr
        values = [None] * (tr.grid_before or 0)
        for tc in tr.tc_lst:
            span = tc.grid_span
            column = len(values)
            if tc.vMerge == "continue":
                text = above.get(column)
                for _ in range(span):
                    values.append(None if is_number(text) else text)
                    grid.copies.add((r, len(values) - 1))
                continue
            text = cells.cell_text(_Cell(tc, table).text) or None
            values.append(text)
            above[column] = text
            for _ in range(span - 1):
                values.append(None if is_number(text) else text)
                grid.copies.add((r, len(values) - 1))
        grid.rows.append(values)
    grid.copies = {(r, c) for r, c in grid.copies if grid.rows[r][c] is not None}
    trim(grid)
    return grid


# --- PDF.
def pdf_grids(data, limits):
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
        pages = pdf.pages
    except Exception:  # damaged, disguised or password-protected
        refuse("The PDF cannot be opened: is it damaged or password-protected?")
    try:
        if len(pages) > PDF_MAX_PAGES:
            refuse(
                f"The PDF has {len(pages)} pages; at most {PDF_MAX_PAGES} are read. Send the "
                "pages with the table only."
            )
        grids, any_text, cell_count = [], False, 0
        for number, page in enumerate(pages, start=1):
            text = page.extract_text() or ""
            any_text = any_text or bool(text.strip())
            for grid in page_grids(page, number, text):
                cell_count += sum(len(row) for row in grid.rows)
                limits.check_counts(sum(len(g.rows) for g in grids) + len(grid.rows), cell_count)
                grids.append(grid)
        if not any_text:
            refuse(NO_TEXT_LAYER)
        return grids
    finally:
        pdf.close()


def page_grids(page, number, text):
    tables = page.extract_tables()
    grids = []
    for index, table in enumerate(tables, start=1):
        grid = Grid(f"Page {number}, table {index}", [list(row) for row in table])
        trim(grid)
        if grid.rows:
            grids.append(grid)
    if grids or not text.strip():
        return grids
    # No ruled table: the page's text as laid out, columns where two or more spaces part words.
    laid_out = page.extract_text(layout=True) or text
    rows = [COLUMN_GAP.split(line.strip()) for line in laid_out.splitlines()]
    grid = Grid(f"Page {number}", [row for row in rows if any(row)])
    trim(grid)
    return [grid] if grid.rows else []
