"""Ceilings on an imported file, checked before the expensive reading they protect.

Every import path (the admin's Import, a force's table, `import_returns`, and anything else that
calls `returns.importing.service`) reads files through `files.read_rows`, which applies them in
this order, each before the work it guards (docs/file-formats.md, "Limits on imported files"):

1. the size of the upload (MAX_UPLOAD_BYTES), before it is read into memory;
2. for XLSX, the sizes the zip members unpack to and how tightly they are packed, from the zip
   directory, before openpyxl opens anything (a 400 KB file can unpack to 400 MB);
3. the header, from the first rows, before the rest is read;
4. the number of rows and cells (IMPORT_MAX_ROWS, IMPORT_MAX_CELLS): counted in the raw text
   or XML, which is quick, then enforced again while the rows are read.
"""

import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass

from django.conf import settings

from returns.importing.errors import FileProblem, ReturnsFileError

# A cell of a returns sheet takes 25-60 bytes of XML (`<c r="F12" t="s"><v>7</v></c>`, or an
# inline string); 100 a cell leaves room for long notes.
XML_BYTES_PER_CELL = 100
# openpyxl reads the shared strings whole into memory (the sheet itself is streamed), so they get
# a smaller ceiling: a returns file repeats force names, periods and categories; only notes
# vary, at most one a row.
SHARED_STRINGS_SHARE = 4
# Other XML parts (styles, theme, workbook) are parsed whole too. Tens of KB in a returns file;
# Excel's own ceiling of 64,000 cell formats fits in 10 MB of styles.
OTHER_PART_MAX_BYTES = 10 * 1024 * 1024
XML_PARTS = (".xml", ".rels", ".vml")
# Spreadsheet XML packs 5-20 to 1; deflate cannot pack better than about 1,030 to 1, which is
# what zip bombs use. Small members may pack tightly without harm.
MAX_PACKING_RATIO = 100
RATIO_CHECKED_FROM = 1024 * 1024
SCAN_CHUNK = 1024 * 1024


@dataclass(frozen=True)
class ImportLimits:
    max_bytes: int
    max_rows: int
    max_cells: int

    @classmethod
    def from_settings(cls):
        return cls(
            max_bytes=settings.MAX_UPLOAD_BYTES,
            max_rows=settings.IMPORT_MAX_ROWS,
            max_cells=settings.IMPORT_MAX_CELLS,
        )

    @property
    def max_unpacked_bytes(self):
        return self.max_cells * XML_BYTES_PER_CELL

    @property
    def max_shared_strings_bytes(self):
        return self.max_unpacked_bytes // SHARED_STRINGS_SHARE

    # --- 1. Size.
    def size_problem(self, size):
        """Why a file of `size` bytes is refused, or None."""
        if size <= self.max_bytes:
            return None
        return (
            f"The file is {megabytes(size)}; files of up to {megabytes(self.max_bytes)} can be "
            "imported (MAX_UPLOAD_BYTES). Split it into smaller files."
        )

    def check_size(self, size):
        refuse_if(self.size_problem(size))

    def read_bounded(self, stream):
        """At most max_bytes from `stream`, refusing a longer one without reading it all."""
        data = stream.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:
            refuse(
                f"The file is over {megabytes(self.max_bytes)}, the most that can be imported "
                "(MAX_UPLOAD_BYTES). Split it into smaller files."
            )
        return data

    # --- 2. What an XLSX unpacks to, and how many rows and cells its XML holds.
    def check_xlsx_archive(self, archive):
        """Refuse a zip that unpacks too far or too tightly, or holds too many rows or cells,
        before openpyxl opens it: openpyxl parses parts whole when it opens a workbook (the
        shared strings, the styles, and every sheet that does not state its size).

        The sizes come from the zip's directory; Python's zipfile stops reading a member at its
        recorded size, so they bound what openpyxl gets. The counts come from the raw XML."""
        unpacked = 0
        for member in archive.infolist():
            self.check_member(member)
            unpacked += member.file_size
        if unpacked > self.max_unpacked_bytes:
            refuse(
                f"The Excel file unpacks to {megabytes(unpacked)}; at most "
                f"{megabytes(self.max_unpacked_bytes)} is read (IMPORT_MAX_CELLS cells). "
                "Delete what is not figures, or split the file."
            )
        counts = Counter()
        for name in archive.namelist():
            if name.lower().endswith(".xml"):
                counts += count_tags(archive, name, b"row", b"c", b"si")
        self.check_counts(rows=counts[b"row"], cells=counts[b"c"], shared_strings=counts[b"si"])

    def check_member(self, member):
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size >= RATIO_CHECKED_FROM and ratio > MAX_PACKING_RATIO:
            refuse(
                f"The Excel file is packed suspiciously tightly: {member.filename} unpacks "
                f"from {megabytes(member.compress_size)} to {megabytes(member.file_size)} "
                f"({ratio:,.0f} to 1). Files built like this (zip bombs) exhaust the server, "
                "so it is not opened. Save the sheet again from Excel, or as CSV UTF-8."
            )
        name = member.filename.lower()
        if name.endswith("sharedstrings.xml"):
            ceiling = self.max_shared_strings_bytes
        elif name.endswith(XML_PARTS) and not name.startswith("xl/worksheets/"):
            ceiling = OTHER_PART_MAX_BYTES
        else:
            return  # worksheets are streamed; pictures do not pack, so the upload bounds them
        if member.file_size > ceiling:
            refuse(
                f"The Excel file's part {member.filename} unpacks to "
                f"{megabytes(member.file_size)}; at most {megabytes(ceiling)} is read. "
                "Is this the right file? Save the sheet again as a new workbook."
            )

    # --- 4. Rows and cells.
    def check_counts(self, rows=0, cells=0, shared_strings=0, at_least=False):
        more = "at least " if at_least else ""
        if rows > self.max_rows:
            refuse(
                f"The file has {more}{rows:,} rows; at most {self.max_rows:,} can be imported at "
                "once (IMPORT_MAX_ROWS). If most of them are empty, delete the empty rows below "
                "the figures and save it again; otherwise split the file."
            )
        if cells > self.max_cells:
            refuse(
                f"The file has {more}{cells:,} cells; at most {self.max_cells:,} can be imported "
                "at once (IMPORT_MAX_CELLS). Delete the columns that are not figures, or split "
                "the file."
            )
        if shared_strings > self.max_rows:
            refuse(
                f"The Excel file has {shared_strings:,} different texts; a returns file of "
                f"{self.max_rows:,} rows (IMPORT_MAX_ROWS) has fewer. Is this the right file?"
            )

    def check_separators(self, count, separator):
        if count > self.max_cells:
            refuse(
                f"The file has {count:,} separators ({separator!r}), so about as many cells; at "
                f"most {self.max_cells:,} can be imported at once (IMPORT_MAX_CELLS). Delete "
                "the columns that are not figures, or split the file."
            )

    def bounded(self, rows, size=len):
        """Yield `rows`, refusing as soon as there are too many rows or cells (`size(row)`)."""
        cells = 0
        for count, row in enumerate(rows, start=1):
            cells += size(row)
            if count > self.max_rows or cells > self.max_cells:
                self.check_counts(count, cells, at_least=True)
            yield row


def count_tags(archive, member, *names):
    """{name: how many <name ...> or <prefix:name ...> elements `member` holds}, counted in its
    bytes as they unpack, a megabyte at a time, without parsing (about 1 s for 200 MB)."""
    tag = re.compile(rb"<(?:[A-Za-z_][\w.-]{0,30}:)?(" + b"|".join(names) + rb")[\s/>]")
    # Longer than any match (and a match holds one "<"), so counting the window and taking off
    # what was already counted in its first bytes counts a tag cut between two chunks once.
    overlap = 40
    counts, tail = Counter(dict.fromkeys(names, 0)), b""
    with archive.open(member) as stream:
        while chunk := stream.read(SCAN_CHUNK):
            window = tail + chunk
            counts.update(tag.findall(window))
            counts.subtract(tag.findall(tail))
            tail = window[-overlap:]
    return counts


def check_xlsx(data, limits):
    """Open the zip of an XLSX file and check it (see check_xlsx_archive)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            limits.check_xlsx_archive(archive)
    except ReturnsFileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, RuntimeError, ValueError, EOFError):
        refuse(DAMAGED_XLSX)


def check_docx(data, limits):
    """A Word file is a zip too: refuse a bomb, or one whose document unpacks too far or holds
    too many table rows or cells, before python-docx parses it (it parses the document whole)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = 0
            for member in archive.infolist():
                ratio = member.file_size / max(member.compress_size, 1)
                if member.file_size >= RATIO_CHECKED_FROM and ratio > MAX_PACKING_RATIO:
                    refuse(
                        f"The Word file is packed suspiciously tightly: {member.filename} "
                        f"unpacks from {megabytes(member.compress_size)} to "
                        f"{megabytes(member.file_size)} ({ratio:,.0f} to 1), so it is not "
                        "opened. Save it again from Word, or send the table as CSV."
                    )
                if member.filename.lower().endswith(XML_PARTS):
                    unpacked += member.file_size
            if unpacked > OTHER_PART_MAX_BYTES * 5:
                refuse(
                    f"The Word file's text unpacks to {megabytes(unpacked)}; at most "
                    f"{megabytes(OTHER_PART_MAX_BYTES * 5)} is read. Send the table alone."
                )
            counts = count_tags(archive, "word/document.xml", b"tr", b"tc")
            limits.check_counts(rows=counts[b"tr"], cells=counts[b"tc"])
    except ReturnsFileError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, RuntimeError, ValueError, EOFError):
        refuse(DAMAGED_DOCX)
    except KeyError:
        refuse(DAMAGED_DOCX)


DAMAGED_DOCX = "The Word file cannot be opened: is it a damaged or password-protected .docx?"
DAMAGED_XLSX = "The Excel file cannot be opened: is it a damaged or password-protected .xlsx?"


def megabytes(size):
    return f"{size / (1024 * 1024):,.1f} MB"


def refuse(reason):
    raise ReturnsFileError([FileProblem(reason)])


def refuse_if(reason):
    if reason:
        refuse(reason)
