"""The verified dataset of a campaign: one tidy row per verified figure, as CSV, XLSX or JSON
(each format one entry of FORMATS).

Only verified figures ever leave through here. Missing is never written as zero: a suppressed
cell keeps the force's text ("<5", "*") and not-held / not-provided / not-applicable cells have
no value, with the status column saying which; a figure the force qualified (a partial year,
provisional) says so in the caveat columns. Text that a spreadsheet would run as a formula is
neutralised in CSV and XLSX by returns.spreadsheet_safety, the same rule as the admin's exports.
"""

import csv
import datetime
import io
import json
import os
from collections.abc import Callable
from dataclasses import dataclass

from django.utils import timezone

from returns.models import Correspondence, Figure
from returns.spreadsheet_safety import neutralise

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
    campaign: object
    rows: list  # dicts keyed by COLUMNS, values typed (int, str, date, datetime, None)
    about: dict
    suppress_below: int | None


def build_dataset(campaign, suppress_below=None):
    """The verified figures of `campaign` as tidy rows, with the About metadata."""
    if suppress_below is not None and suppress_below < 2:
        raise ExportError("--suppress-below must be 2 or more (counts 1 to N-1 are hidden).")
    figures = list(
        Figure.objects.filter(request__campaign=campaign, verified_at__isnull=False)
        .select_related("request__force", "import_batch", "verified_by")
        .order_by("request__force__name", "period", "measure", "breakdown", "category")
    )
    replies = latest_reply_files(campaign)
    rows = [figure_row(figure, replies, suppress_below) for figure in figures]
    return Dataset(campaign, rows, about(campaign, len(rows), suppress_below), suppress_below)


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


def figure_row(figure, replies, suppress_below=None):
    request, force = figure.request, figure.request.force
    batch = figure.import_batch
    source = (batch.original_name or os.path.basename(batch.file.name)) if batch else ""
    return {
        "force": force.name,
        "ons_code": force.ons_code,
        "nation": force.get_nation_display(),
        "period": figure.period,
        "measure": figure.measure,
        "breakdown": figure.breakdown,
        "category": figure.category,
        "value": published_value(figure, suppress_below),
        "status": figure.status,
        "note": figure.note,
        "caveat": figure.caveat,
        "caveat_text": figure.caveat_text,
        "request_reference": request.reference,
        "response_date": request.responded_on,
        "source_file": source or replies.get(request.pk, ""),
        "verified_by": figure.verified_by.get_username() if figure.verified_by else "",
        "verified_at": timezone.localtime(figure.verified_at),
    }


def published_value(figure, suppress_below=None):
    if figure.status == Figure.Status.SUPPRESSED:
        return figure.raw_value or "suppressed"
    if figure.status != Figure.Status.REPORTED:
        return None
    if suppress_below and 0 < figure.value < suppress_below:
        return f"<{suppress_below}"
    return figure.value


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


# --- Writers: each returns bytes.


def to_csv(dataset):
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in dataset.rows:
        writer.writerow([neutralise(text_cell(row[column])) for column in COLUMNS])
    return text.getvalue().encode("utf-8")


def text_cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value) if not isinstance(value, str) else value


def to_xlsx(dataset):
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    figures = workbook.create_sheet("Figures")
    figures.freeze_panes = "A2"
    figures.append(list(COLUMNS))
    for row in dataset.rows:
        figures.append([xlsx_cell(row[column]) for column in COLUMNS])
    sheet = workbook.create_sheet("About")
    for key, value in dataset.about.items():
        if key == "definitions":
            continue
        shown = ", ".join(value) if isinstance(value, list) else value
        sheet.append([key.replace("_", " ").capitalize(), xlsx_cell(shown)])
    sheet.append([])
    sheet.append(["Column", "Definition"])
    for column, definition in COLUMNS.items():
        sheet.append([column, xlsx_cell(definition)])
    stream = io.BytesIO()
    workbook.save(stream)
    return stream.getvalue()


def xlsx_cell(value):
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: write London wall-clock time. The About sheet's
        # "Generated at" keeps its UTC offset; the cells themselves carry none.
        return value.replace(tzinfo=None)
    return neutralise(value)


def to_json(dataset):
    rows = [{column: json_cell(row[column]) for column in COLUMNS} for row in dataset.rows]
    document = {"about": dataset.about, "figures": rows}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def json_cell(value):
    if isinstance(value, datetime.date | datetime.datetime):
        return text_cell(value)
    return value


@dataclass(frozen=True)
class ExportFormat:
    """One way to write the dataset: a new format is one entry in FORMATS below."""

    name: str  # the file extension, and the name the command line and the page use
    content_type: str
    write: Callable[[Dataset], bytes]


FORMATS = {
    export_format.name: export_format
    for export_format in [
        ExportFormat("csv", "text/csv; charset=utf-8", to_csv),
        ExportFormat(
            "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", to_xlsx
        ),
        ExportFormat("json", "application/json", to_json),
    ]
}


def render(campaign, format, suppress_below=None):
    """The verified dataset of `campaign` as bytes in `format` (a name in FORMATS)."""
    if format not in FORMATS:
        raise ExportError(f"Unknown format {format!r}: use one of {', '.join(FORMATS)}.")
    return FORMATS[format].write(build_dataset(campaign, suppress_below))


def file_name(campaign, format):
    return f"{campaign.slug}-verified-{timezone.localdate():%Y-%m-%d}.{format}"
