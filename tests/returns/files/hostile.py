"""Hostile returns files, built the way an attacker would, streamed to disk in little memory.

Used by tests/returns/test_import_limits.py and bench/hostile_bench.py.
"""

import zipfile

HEADER = ["force", "period", "measure", "breakdown", "category", "value", "note"]
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOC = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
OFFICE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
SHEET_HEAD = f'{XML_HEAD}<worksheet xmlns="{MAIN}"><sheetData>'.encode()
SHEET_TAIL = b"</sheetData></worksheet>"
MB = 1024 * 1024


def write_xlsx(path, sheet_chunks, strings_chunks=None):
    """A minimal .xlsx (one sheet, optionally shared strings) whose big parts are streamed in."""
    strings_type = strings_rel = ""
    if strings_chunks is not None:
        strings_type = (
            f'<Override PartName="/xl/sharedStrings.xml" ContentType="{OFFICE}.sharedStrings+xml"/>'
        )
        strings_rel = (
            f'<Relationship Id="rId2" Type="{DOC}/sharedStrings" Target="sharedStrings.xml"/>'
        )
    small_parts = {
        "[Content_Types].xml": (
            f"{XML_HEAD}<Types xmlns="
            '"http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package'
            '.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{OFFICE}.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            f'ContentType="{OFFICE}.worksheet+xml"/>{strings_type}</Types>'
        ),
        "_rels/.rels": (
            f'{XML_HEAD}<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'{XML_HEAD}<workbook xmlns="{MAIN}" xmlns:r="{DOC}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{XML_HEAD}<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
            f'Type="{DOC}/worksheet" Target="worksheets/sheet1.xml"/>{strings_rel}'
            "</Relationships>"
        ),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, text in small_parts.items():
            archive.writestr(name, text)
        streamed = [("xl/worksheets/sheet1.xml", sheet_chunks)]
        if strings_chunks is not None:
            streamed.append(("xl/sharedStrings.xml", strings_chunks))
        for name, chunks in streamed:
            with archive.open(name, "w", force_zip64=True) as member:
                for chunk in chunks:
                    member.write(chunk)
    return path


def inline_row(number, values):
    cells = "".join(f'<c t="inlineStr"><is><t>{value}</t></is></c>' for value in values)
    return f'<row r="{number}">{cells}</row>'.encode()


def empty_rows_xlsx(path, rows=3_000_000):
    """The header, then `rows` empty rows: 1.8 MB for 3 million (every 4th row numbered, as
    some writers do; the rest follow on)."""

    def chunks():
        yield SHEET_HEAD + inline_row(1, HEADER)
        batch = []
        for number in range(2, rows + 2):
            batch.append(b'<row r="%d"/>' % number if number % 4 == 0 else b"<row/>")
            if len(batch) == 100_000:
                yield b"".join(batch)
                batch = []
        yield b"".join(batch) + SHEET_TAIL

    return write_xlsx(path, chunks())


def shared_strings_bomb_xlsx(path, unpacked=400 * MB):
    """One cell pointing at one shared string of `unpacked` bytes of "A": about 400 KB for
    400 MB, which openpyxl would read whole into memory."""

    def strings():
        yield f'{XML_HEAD}<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>'.encode()
        block = b"A" * MB
        for _ in range(unpacked // MB):
            yield block
        yield b"</t></si></sst>"

    sheet = SHEET_HEAD + inline_row(1, HEADER) + b'<row r="2"><c t="s"><v>0</v></c></row>'
    return write_xlsx(path, [sheet + SHEET_TAIL], strings())


def inflating_sheet_xlsx(path, unpacked=1536 * MB):
    """The header, then rows of numbers repeated until the sheet unpacks to `unpacked` bytes
    (1.5 GB from about 4.5 MB)."""

    def chunks():
        yield SHEET_HEAD + inline_row(1, HEADER)
        block = b"<row><c><v>1</v></c><c><v>2</v></c><c><v>3</v></c></row>" * 20_000
        for _ in range(unpacked // len(block)):
            yield block
        yield SHEET_TAIL

    return write_xlsx(path, chunks())


def bad_rows_csv(path, rows):
    """A header, then `rows` rows each wrong twice (unknown force, negative value): 23 bytes a
    row, so 3 million rows make 67 MB."""
    line = b"Atlantis,2016/17,,,,-1,\n"
    with open(path, "wb") as out:
        out.write(",".join(HEADER).encode() + b"\n")
        for _ in range(rows // 10_000):
            out.write(line * 10_000)
        out.write(line * (rows % 10_000))
    return path


def oversize_csv(path, size):
    """A CSV of good-looking rows just over `size` bytes."""
    line = b"Durham,2016/17,,victim_age,13,12,\n"
    with open(path, "wb") as out:
        out.write(",".join(HEADER).encode() + b"\n")
        out.write(line * (size // len(line) + 1))
    return path


# Japanese police forces whose Shift-JIS bytes are all defined in Windows-1252: such a file
# "decodes" as Windows-1252 without an error ("ŒxŽ‹’¡" for 警視庁).
JAPANESE_FORCES = ["警視庁", "北海道警察", "愛知県警察", "兵庫県警察", "福岡県警察", "京都府警察"]


def shift_jis_csv():
    """What Excel writes on a Japanese Windows for "CSV (Comma delimited)"."""
    lines = [",".join(HEADER)]
    lines += [f"{name},2016/17,,,,{number}," for number, name in enumerate(JAPANESE_FORCES)]
    return ("\r\n".join(lines) + "\r\n").encode("cp932")
