"""The verified dataset of a campaign: one tidy row per verified figure, as CSV, XLSX or JSON
(each format one entry of FORMATS).

Only verified figures ever leave through here. Missing is never written as zero: a suppressed
cell keeps the force's text ("<5", "*") and not-held / not-provided / not-applicable cells have
no value, with the status column saying which; a figure the force qualified (a partial year,
provisional) says so in the caveat columns. Text that a spreadsheet would run as a formula is
neutralised in CSV and XLSX by returns.spreadsheet_safety, the same rule as the admin's exports.

A campaign may hold a million figures, so nothing here holds them all: the figures are read in
chunks as plain rows (one query, the joined columns selected once) and each writer writes a row
as it is read, to a file or a streaming response (docs/file-formats.md#the-verified-dataset).
"""

import csv
import datetime
import io
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from itertools import chain
from json.encoder import encode_basestring as encode_json_string
from operator import itemgetter
from typing import BinaryIO

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import CharField, F, Field, Func, Subquery
from django.utils import timezone

from forces.models import Force
from returns.models import Correspondence, Figure
from returns.progress import counted
from returns.spreadsheet_safety import neutralise, neutralised_cells

COLUMNS = {
    "force": "The police force (directory name).",
    "ons_code": "ONS police force area code.",
    "nation": "England, Wales, Scotland, Northern Ireland or UK-wide.",
    "period": "Financial year, 1 April to 31 March (e.g. 2016/17).",
    "measure": "What was counted (the campaign's measure code).",
    "breakdown": "Empty for the headline total; otherwise what the rows break down by "
    "(victim_age, offence_type ...).",
    "category": "The category within the breakdown (e.g. 13, unknown, Rape); empty for totals.",
    "value": "The number for reported figures (0 included); the force's own text for "
    "suppressed cells (e.g. <5); empty when not held or not provided.",
    "status": "reported, suppressed (by the force), not_held, not_provided or not_applicable "
    "(the force wrote N/A). Missing is never written as 0.",
    "note": "The force's or the charity's note on the figure.",
    "caveat": "What the force said qualifies the figure: partial_year (year to date, part of "
    "the year only: left out of per-day and change statistics), provisional, extracted_on "
    "(the date the data was extracted), or empty.",
    "caveat_text": "The force's words the caveat was read from.",
    "request_reference": "The force's reference for the FOI request.",
    "response_date": "The date of the force's final response.",
    "source_file": "The file the figure came from: the imported returns file, or else the "
    "force's latest reply attachment.",
    "verified_by": "Who checked the figure against the force's reply (not who entered it).",
    "verified_at": "When it was verified.",
}


class ExportError(Exception):
    """Bad export options, with a message for the user."""


@dataclass(frozen=True)
class Dataset:
    """A campaign's verified figures, to be written once: `rows` is read as it is written."""

    campaign: object
    rows: Iterator[dict]  # dicts keyed by COLUMNS, values typed (int, str, date, datetime, None)
    about: dict
    suppress_below: int | None


CHUNK = 2000  # figures fetched per round trip, and rows per piece of a streamed file


def build_dataset(campaign, suppress_below=None, progress=None):
    """The verified figures of `campaign` as tidy rows, read as they are used, and About.
    `progress(done, total)` is called as the rows are read (returns/progress.py)."""
    if suppress_below is not None and suppress_below < 2:
        raise ExportError("--suppress-below must be 2 or more (counts 1 to N-1 are hidden).")
    records = figure_records(campaign).iterator(chunk_size=CHUNK)
    first = next(records, None)
    # The count comes with the rows (figure_records), so the About written before them
    # always agrees with them, even while someone verifies more.
    count = first[-1] if first else 0
    records = chain([first], records) if first else iter(())
    replies = latest_reply_files(campaign)
    local_times = {}  # verified_at -> London time: a bulk verification stamps thousands alike
    rows = (figure_row(record, replies, suppress_below, local_times) for record in records)
    if progress:
        rows = counted(rows, count, progress, every=CHUNK)
    return Dataset(campaign, rows, about(campaign, count, suppress_below), suppress_below)


def figure_records(campaign):
    """One tuple per verified figure: the fields of `record_fields`, the verification stamp,
    and how many figures there are."""
    verified = Figure.objects.filter(request__campaign=campaign, verified_at__isnull=False)
    # Counted by a subquery of the same statement (so in the same snapshot as the rows), read
    # as it comes (a plain Field: no converter run on every row for the one number).
    count = verified.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")
    return (
        verified.annotate(
            verified_stamp=verification_stamp(), figure_count=Subquery(count, output_field=Field())
        )
        .order_by("request__force__name", "period", "measure", "breakdown", "category")
        .values_list(*record_fields(), "verified_stamp", "figure_count")
    )


def verification_stamp():
    """verified_at, as it is quickest to read: on PostgreSQL as UTC text in a fixed format,
    parsed once per distinct stamp (london_time), since Django reads a timestamptz through
    psycopg's pure-Python loader, which costs more than the rest of the row."""
    if connection.vendor != "postgresql":
        return F("verified_at")
    return Func(
        F("verified_at"),
        template="""to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US')""",
        output_field=CharField(),
    )


def record_fields():
    username = f"verified_by__{get_user_model().USERNAME_FIELD}"
    return (
        *("request_id", "request__force__name", "request__force__ons_code"),
        *("request__force__nation", "period", "measure", "breakdown", "category", "status"),
        *("value", "raw_value", "note", "caveat", "caveat_text"),
        *("request__reference", "request__responded_on"),
        *("import_batch__original_name", "import_batch__file", username),
    )


def latest_reply_files(campaign):
    """{request id: file name of the force's latest reply attachment}, in one query."""
    incoming = (
        Correspondence.objects.filter(
            request__campaign=campaign, direction=Correspondence.Direction.IN
        )
        .exclude(attachment="")
        .order_by("date", "created_at", "pk")
        .values_list("request_id", "attachment")
    )
    return {request_id: os.path.basename(name) for request_id, name in incoming}


NATIONS = {code: str(label) for code, label in Force.Nation.choices}


def figure_row(record, replies, suppress_below=None, local_times=None):
    """The tidy row of one figure from its record (figure_records: the fields of
    `record_fields` in order, then the verification stamp and the count)."""
    (request_id, force, ons_code, nation, period, measure, breakdown, category, status,
     value, raw_value, note, caveat, caveat_text, reference, responded_on, batch_name, batch_file,
     verified_by, verified_at, _count) = record  # fmt: skip
    source = batch_name or (os.path.basename(batch_file) if batch_file else "")
    return {
        "force": force,
        "ons_code": ons_code,
        "nation": NATIONS.get(nation, nation),
        "period": period,
        "measure": measure,
        "breakdown": breakdown,
        "category": category,
        "value": published(status, value, raw_value, suppress_below),
        "status": status,
        "note": note,
        "caveat": caveat,
        "caveat_text": caveat_text,
        "request_reference": reference,
        "response_date": responded_on,
        "source_file": source or replies.get(request_id, ""),
        "verified_by": verified_by or "",
        "verified_at": london_time(verified_at, {} if local_times is None else local_times),
    }


def london_time(stamp, seen):
    """The London time of a verification stamp (see verification_stamp), remembered in `seen`
    (kept small)."""
    if stamp not in seen:
        if len(seen) >= 1000:
            seen.clear()
        moment = datetime.datetime.fromisoformat(stamp) if isinstance(stamp, str) else stamp
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=datetime.UTC)
        seen[stamp] = timezone.localtime(moment)
    return seen[stamp]


def published_value(figure, suppress_below=None):
    return published(figure.status, figure.value, figure.raw_value, suppress_below)


def published(status, value, raw_value, suppress_below=None):
    if status == Figure.Status.SUPPRESSED:
        return raw_value or "suppressed"
    if status != Figure.Status.REPORTED:
        return None
    if suppress_below and 0 < value < suppress_below:
        return f"<{suppress_below}"
    return value


def about(campaign, figure_count, suppress_below):
    generated_at = timezone.localtime()
    suppression = (
        f"Counts from 1 to {suppress_below - 1} are shown as <{suppress_below}."
        if suppress_below
        else "None beyond the forces' own."
    )
    return {
        "campaign": campaign.title,
        "slug": campaign.slug,
        "measure": campaign.measure,
        "periods": list(campaign.periods),
        "request_wording": campaign.request_wording,
        "figures": figure_count,
        "contents": "Verified figures only: each checked by a second person against the "
        "force's reply.",
        "suppression": suppression,
        "generated_at": generated_at.isoformat(timespec="seconds"),
        "definitions": dict(COLUMNS),
    }


# --- Writers: each writes a row as it is read. CSV and JSON come in pieces of CHUNK rows (for
# a streaming response, or written to a file); XLSX is written to a file.

cells = itemgetter(*COLUMNS)  # a row's values in column order


def csv_chunks(dataset):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    as_text = remembered(text_cell)
    for count, row in enumerate(dataset.rows, 1):
        writer.writerow(neutralised_cells(cells(row), other=as_text))
        if count % CHUNK == 0:
            yield taken(buffer)
    yield taken(buffer)


def remembered(convert):
    """`convert` for cells that are not text, remembering its answers (kept few): rows repeat
    their counts, dates and verification stamps."""
    seen = {}

    def convert_cell(value):
        if value not in seen:
            if len(seen) >= 10_000:
                seen.clear()
            seen[value] = convert(value)
        return seen[value]

    return convert_cell


def taken(buffer):
    """What `buffer` holds, as UTF-8, leaving it empty."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text.encode("utf-8")


def text_cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value) if not isinstance(value, str) else value


def json_chunks(dataset):
    """The document json.dumps(..., ensure_ascii=False, indent=1) would write, piece by piece:
    {"about": {...}, "figures": [{column: value, ...}, ...]}."""
    about_text = json.dumps(dataset.about, ensure_ascii=False, indent=1).replace("\n", "\n ")
    head = '{\n "about": ' + about_text + ',\n "figures": ['
    pieces, separator = [head], "\n"
    as_json = remembered(json_text)
    for count, row in enumerate(dataset.rows, 1):
        texts = [encode_json_string(c) if c.__class__ is str else as_json(c) for c in cells(row)]
        pieces.append(separator + JSON_ROW % tuple(texts))
        separator = ",\n"
        if count % CHUNK == 0:
            yield "".join(pieces).encode("utf-8")
            pieces = []
    pieces.append("]\n}\n" if separator == "\n" else "\n ]\n}\n")
    yield "".join(pieces).encode("utf-8")


# One figure as an object at the document's second level, its values filled in by json_text.
JSON_ROW = (
    "  {\n"
    + ",\n".join(f"   {json.dumps(column, ensure_ascii=False)}: %s" for column in COLUMNS)
    + "\n  }"
)


def json_text(value):
    """`value` as json.dumps writes it (strings as with ensure_ascii=False, dates as ISO)."""
    if isinstance(value, str):
        return encode_json_string(value)
    if value is None:
        return "null"
    if isinstance(value, datetime.date):
        return encode_json_string(text_cell(value))
    return json.dumps(value)


def write_xlsx(dataset, stream):
    """Sheet Figures (header frozen), then sheet About, in xlsxwriter's constant-memory mode:
    each row goes to disk as the next begins."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(
        stream,
        # Cells are written as what they are: text never turns into a formula or a link.
        {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False},
    )
    figures = workbook.add_worksheet("Figures")
    sheet = workbook.add_worksheet("About")
    for kind, number_format in [
        (datetime.datetime, "yyyy-mm-dd h:mm:ss"),
        (datetime.date, "yyyy-mm-dd"),
    ]:
        date_format = workbook.add_format({"num_format": number_format})
        for worksheet in (figures, sheet):
            worksheet.add_write_handler(kind, dates_written_as(date_format))
    figures.freeze_panes(1, 0)
    figures.write_row(0, 0, list(COLUMNS))
    for number, row in enumerate(dataset.rows, 1):
        figures.write_row(number, 0, [xlsx_cell(cell) for cell in cells(row)])
    lines = [
        [key.replace("_", " ").capitalize(), ", ".join(value) if isinstance(value, list) else value]
        for key, value in dataset.about.items()
        if key != "definitions"
    ]
    lines += [[], ["Column", "Definition"], *map(list, COLUMNS.items())]
    for number, line in enumerate(lines):
        sheet.write_row(number, 0, [xlsx_cell(cell) for cell in line])
    workbook.close()


def dates_written_as(date_format):
    def write(worksheet, row, column, value, cell_format=None):
        return worksheet.write_datetime(row, column, value, cell_format or date_format)

    return write


def xlsx_cell(value):
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: write London wall-clock time. The About sheet's
        # "Generated at" keeps its UTC offset; the cells themselves carry none.
        return value.replace(tzinfo=None)
    return neutralise(value)


def written(chunks):
    """A writer to a binary stream from a writer in pieces."""

    def write(dataset, stream):
        for chunk in chunks(dataset):
            stream.write(chunk)

    return write


@dataclass(frozen=True)
class ExportFormat:
    """One way to write the dataset: a new format is one entry in FORMATS below."""

    name: str  # the file extension, and the name the command line and the page use
    content_type: str
    write: Callable[[Dataset, BinaryIO], None]  # writes the file to a binary stream
    # The same file in pieces, for a streaming response; None: the page sends a temporary file.
    chunks: Callable[[Dataset], Iterator[bytes]] | None = None


FORMATS = {
    export_format.name: export_format
    for export_format in [
        ExportFormat("csv", "text/csv; charset=utf-8", written(csv_chunks), csv_chunks),
        ExportFormat(
            "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            write_xlsx,
        ),
        ExportFormat("json", "application/json", written(json_chunks), json_chunks),
    ]
}


def format_named(format):
    """The entry of FORMATS named `format`, or ExportError."""
    if format not in FORMATS:
        raise ExportError(f"Unknown format {format!r}: use one of {', '.join(FORMATS)}.")
    return FORMATS[format]


def prepare(campaign, format, suppress_below=None, progress=None):
    """(the entry of FORMATS named `format`, the dataset to write with it), or ExportError."""
    return format_named(format), build_dataset(campaign, suppress_below, progress)


def render(campaign, format, suppress_below=None):
    """The verified dataset of `campaign` as bytes in `format` (a name in FORMATS)."""
    export_format, dataset = prepare(campaign, format, suppress_below)
    stream = io.BytesIO()
    export_format.write(dataset, stream)
    return stream.getvalue()


def file_name(campaign, format):
    return f"{campaign.slug}-verified-{timezone.localdate():%Y-%m-%d}.{format}"
