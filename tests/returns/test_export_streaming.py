"""The verified dataset is written as its rows are read, and says the same as when it was built
in memory: a big export, in each format, against a plain in-memory rendering kept here."""

import csv
import datetime
import io
import json
import os

import openpyxl
import pytest
from django.core.files.base import ContentFile
from django.http import FileResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from openpyxl.utils.escape import unescape

from returns.exporting import CHUNK, COLUMNS
from returns.models import Correspondence, Figure, ImportBatch
from returns.spreadsheet_safety import neutralise
from tests.factories import FOIRequestFactory, force

pytestmark = pytest.mark.django_db

PERIODS = ["2015/16", "2016/17"]
CELLS = 5_000  # per request and period: 2 requests x 2 periods -> 20,000 figures
NOTES = ["", "=HYPERLINK(1)", 'Commas, "quotes"\nand a new line', "Ünïcode – ‘quoted’", "-1"]


@pytest.fixture(autouse=True)
def inline_downloads(settings):
    """The page's own download (a deployment may raise the threshold this high); a job writes
    the same file through the same writers (tests/jobs)."""
    settings.JOBS_INLINE_MAX_ROWS = 1_000_000


@pytest.fixture
def campaign(caseworker, verifier, administrator):
    """20,000 verified figures of every status, from an import and from a reply letter."""
    north = FOIRequestFactory(reference="NP/1", responded_on="2017-05-02")
    durham = FOIRequestFactory(campaign=north.campaign, force=force("Durham Constabulary"))
    batch = ImportBatch.objects.create(
        campaign=north.campaign, uploaded_by=caseworker, original_name="north.xlsx"
    )
    Correspondence.objects.create(
        request=durham,
        direction=Correspondence.Direction.IN,
        kind=Correspondence.Kind.RESPONSE,
        date="2017-05-09",
        attachment=ContentFile(b"pdf", name="durham-reply.pdf"),
    )
    start = timezone.now()
    Figure.objects.bulk_create(
        figure(
            request, period, n, start, batch if request == north else None, verifier, administrator
        )
        for request in (north, durham)
        for period in PERIODS
        for n in range(CELLS)
    )
    return north.campaign


def figure(request, period, n, start, batch, verifier, administrator):
    status = [*Figure.Status.values][n % 4]
    return Figure(
        request=request,
        period=period,
        measure="online_child_sexual_offences",
        breakdown="offence_type" if n else "",
        category=f"Offence {n:05}" if n else "",
        status=status,
        value=n % 9 if status == Figure.Status.REPORTED else None,
        raw_value="<5" if status == Figure.Status.SUPPRESSED and n % 3 else "",
        note=NOTES[n % len(NOTES)],
        import_batch=batch,
        verified_by=verifier if n % 2 else administrator,
        verified_at=start - datetime.timedelta(seconds=n // 10, microseconds=n),
    )


def download(client, campaign, format, **options):
    url = reverse("returns:dataset_download", args=[campaign.slug])
    response = client.get(url, {"format": format, **options})
    assert response.status_code == 200
    return response


# --- The dataset as it was built before: every figure loaded, every row in memory.


def rows_in_memory(campaign, suppress_below=None):
    replies = {}
    for request_id, name in (
        Correspondence.objects.filter(request__campaign=campaign, direction="in")
        .exclude(attachment="")
        .order_by("date", "created_at", "pk")
        .values_list("request_id", "attachment")
    ):
        replies[request_id] = os.path.basename(name)
    figures = (
        Figure.objects.filter(request__campaign=campaign, verified_at__isnull=False)
        .select_related("request__force", "import_batch", "verified_by")
        .order_by("request__force__name", "period", "measure", "breakdown", "category")
    )
    return [row_in_memory(f, replies, suppress_below) for f in figures]


def row_in_memory(figure, replies, suppress_below):
    request, batch = figure.request, figure.import_batch
    source = (batch.original_name or os.path.basename(batch.file.name)) if batch else ""
    if figure.status == "suppressed":
        value = figure.raw_value or "suppressed"
    elif figure.status != "reported":
        value = None
    elif suppress_below and 0 < figure.value < suppress_below:
        value = f"<{suppress_below}"
    else:
        value = figure.value
    return {
        "force": request.force.name,
        "ons_code": request.force.ons_code,
        "nation": request.force.get_nation_display(),
        "period": figure.period,
        "measure": figure.measure,
        "breakdown": figure.breakdown,
        "category": figure.category,
        "value": value,
        "status": figure.status,
        "note": figure.note,
        "caveat": figure.caveat,
        "caveat_text": figure.caveat_text,
        "request_reference": request.reference,
        "response_date": request.responded_on,
        "source_file": source or replies.get(request.pk, ""),
        "verified_by": figure.verified_by.get_username(),
        "verified_at": timezone.localtime(figure.verified_at),
    }


def text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat(timespec="seconds")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def csv_in_memory(rows):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([neutralise(text(row[column])) for column in COLUMNS])
    return buffer.getvalue().encode("utf-8")


def json_in_memory(rows, about):
    figures = [
        {
            column: text(value) if isinstance(value, datetime.date) else value
            for column, value in row.items()
        }
        for row in rows
    ]
    document = {"about": about, "figures": figures}
    return (json.dumps(document, ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def xlsx_cells_in_memory(rows):
    """What a spreadsheet reads back from each row: text neutralised, times in London
    wall-clock time, empty text as an empty cell."""
    return [[xlsx_read(row[column]) for column in COLUMNS] for row in rows]


def xlsx_read(value):
    if isinstance(value, datetime.datetime):
        return Moment(value.replace(tzinfo=None).timestamp())
    if isinstance(value, datetime.date):
        return Moment(datetime.datetime.combine(value, datetime.time()).timestamp())
    if value == "":
        return None
    return neutralise(value)


class Moment(float):
    """A time in seconds, equal to another within a millisecond: Excel keeps times as a
    fraction of a day."""

    def __eq__(self, other):
        return isinstance(other, float) and abs(self - other) < 0.001

    __hash__ = float.__hash__


def as_read(cell):
    if isinstance(cell, datetime.datetime):
        return Moment(cell.timestamp())
    if isinstance(cell, str):
        return unescape(cell)
    return cell


# --- The tests.


@pytest.mark.parametrize("format", ["csv", "json"])
def test_it_streams_csv_and_json_as_the_rows_are_read(client, verifier, campaign, format):
    client.force_login(verifier)

    response = download(client, campaign, format)

    assert isinstance(response, StreamingHttpResponse)
    pieces = list(response.streaming_content)
    assert len(pieces) > 20_000 // CHUNK  # a piece per CHUNK rows, not one body


def test_it_sends_xlsx_as_a_file_built_by_the_writer(client, verifier, campaign):
    client.force_login(verifier)

    response = download(client, campaign, "xlsx")

    assert isinstance(response, FileResponse)
    assert f'filename="{campaign.slug}-verified-' in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames == ["Figures", "About"]


def test_it_writes_a_big_csv_as_the_in_memory_rendering_did(client, verifier, campaign):
    client.force_login(verifier)

    content = b"".join(download(client, campaign, "csv").streaming_content)

    assert content == csv_in_memory(rows_in_memory(campaign))
    assert content.count(b"\r\n") > 20_000


def test_it_writes_a_big_json_as_the_in_memory_rendering_did(client, verifier, campaign):
    client.force_login(verifier)

    content = b"".join(download(client, campaign, "json", suppress_below="5").streaming_content)

    about = json.loads(content)["about"]
    assert about["figures"] == 20_000
    assert content == json_in_memory(rows_in_memory(campaign, suppress_below=5), about)


def test_it_writes_a_big_xlsx_with_the_in_memory_rendering_cells(client, verifier, campaign):
    client.force_login(verifier)

    content = b"".join(download(client, campaign, "xlsx").streaming_content)

    workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    figures = workbook["Figures"].iter_rows(values_only=True)
    assert list(next(figures)) == list(COLUMNS)
    assert [[as_read(cell) for cell in row] for row in figures] == xlsx_cells_in_memory(
        rows_in_memory(campaign)
    )
    about = {row[0]: row[1] for row in workbook["About"].iter_rows(values_only=True) if row[0]}
    assert about["Figures"] == 20_000
    assert about["note"] == COLUMNS["note"]


def test_it_writes_json_for_a_campaign_with_nothing_verified_yet(client, verifier):
    client.force_login(verifier)
    campaign = FOIRequestFactory().campaign

    content = b"".join(download(client, campaign, "json").streaming_content)

    about = json.loads(content)["about"]
    assert about["figures"] == 0
    assert content == json_in_memory([], about)
