"""Hostile files are refused quickly, in bounded memory, on every import path, leaving no copies.

Issue #10 point 4: a 1.8 MB XLSX of 3 million empty rows blocked a server for 10 minutes; a
400 KB zip bomb cost 925 MB; a CSV of bad rows gave millions of messages; a 1.5 GB-inflating
XLSX hung the command line. Point 9: a Shift-JIS file was read as Windows-1252.
"""

import os
import subprocess
import sys
import tempfile
import time
import tracemalloc
from io import StringIO
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from returns.importing.errors import ReturnsFileError
from returns.importing.files import read_rows
from returns.importing.limits import ImportLimits, check_xlsx
from returns.importing.rows import check_long_header
from returns.importing.service import import_long, import_wide
from returns.models import Figure, ImportBatch
from tests.returns.files import hostile
from tests.returns.files.helpers import HERE, csv_bytes, make_campaign

pytestmark = pytest.mark.django_db
MB = 1024 * 1024
QUICK = 5  # seconds; each refusal takes well under one here
IMPORT_URL = reverse("admin:returns_figure_import")
CONFIRM_URL = reverse("admin:returns_figure_process_import")
TOO_MANY_ROWS = "at most 200,000 can be imported at once (IMPORT_MAX_ROWS)"
ZIP_BOMB = "packed suspiciously tightly"
GARBLED = "it gives garbled text such as"
TOO_BIG = "files of up to 20.0 MB can be imported (MAX_UPLOAD_BYTES)"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "shift_jis.csv").write_bytes(hostile.shift_jis_csv())
    return {
        "empty_rows": hostile.empty_rows_xlsx(folder / "empty.xlsx", rows=3_000_000),
        "zip_bomb": hostile.shared_strings_bomb_xlsx(folder / "bomb.xlsx", unpacked=400 * MB),
        "inflating": hostile.inflating_sheet_xlsx(folder / "inflating.xlsx", unpacked=400 * MB),
        "oversize": hostile.oversize_csv(folder / "oversize.csv", size=21 * MB),
        "bad_rows": hostile.bad_rows_csv(folder / "bad_rows.csv", rows=300_000),
        "shift_jis": folder / "shift_jis.csv",
    }


# The long layout's message for each file, on the command line and in the admin's Import.
LONG_REFUSALS = {
    "empty_rows": "The file has 3,000,001 rows; " + TOO_MANY_ROWS,
    "zip_bomb": ZIP_BOMB,
    "inflating": ZIP_BOMB,
    "oversize": "The file is 21.0 MB; " + TOO_BIG,
    "bad_rows": "The file has 300,001 rows; " + TOO_MANY_ROWS,
    "shift_jis": GARBLED,
}


@pytest.fixture
def temp_dir(tmp_path, monkeypatch, settings):
    """Where django-import-export's copies and Django's own upload files go, to look at after.
    Every upload is written to a temporary file (none kept in memory)."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 0
    return folder


def timed(action):
    start = time.perf_counter()
    result = action()
    return result, time.perf_counter() - start


# --- The command line.
@pytest.mark.parametrize("kind", LONG_REFUSALS)
def test_it_refuses_each_hostile_file_quickly_on_the_command_line(kind, files):
    campaign = make_campaign()
    err = StringIO()

    def run():
        with pytest.raises(CommandError) as refused:
            call_command("import_returns", campaign.slug, str(files[kind]), stderr=err)
        return refused.value

    error, seconds = timed(run)

    assert LONG_REFUSALS[kind] in err.getvalue() + str(error)
    assert "nothing was imported" in str(error) or kind == "oversize"
    assert seconds < QUICK
    assert not Figure.objects.exists()


# --- The admin's Import (django-import-export's form).
@pytest.mark.parametrize("kind", LONG_REFUSALS)
def test_it_refuses_each_hostile_file_quickly_in_the_admin_import(
    kind, files, client, caseworker, temp_dir
):
    campaign = make_campaign()
    client.force_login(caseworker)

    def post():
        with open(files[kind], "rb") as upload:
            return client.post(IMPORT_URL, {"campaign": campaign.pk, "import_file": upload})

    response, seconds = timed(post)

    assert response.status_code == 200
    assert LONG_REFUSALS[kind] in response.content.decode()
    assert not response.context.get("confirm_form")
    assert seconds < QUICK
    assert list(temp_dir.iterdir()) == []  # neither the library's copy nor Django's upload file
    assert not Figure.objects.exists()


# --- A force's table, from its request's page.
@pytest.mark.parametrize("kind", LONG_REFUSALS)
def test_it_refuses_each_hostile_file_quickly_as_a_forces_table(
    kind, files, client, caseworker, temp_dir
):
    campaign = make_campaign()
    url = reverse("admin:returns_figure_import_table", args=[campaign.requests.first().pk])
    client.force_login(caseworker)

    def post():
        with open(files[kind], "rb") as upload:
            return client.post(url, {"table": upload, "breakdown": "victim_age"})

    response, seconds = timed(post)

    assert LONG_REFUSALS[kind] in response.content.decode()
    assert not response.context.get("confirm_form")
    assert seconds < QUICK
    assert list(temp_dir.iterdir()) == []
    assert not Figure.objects.exists()


def test_it_refuses_a_forces_table_of_too_many_rows_after_its_header(tmp_path):
    campaign = make_campaign()
    rows = ",2015/16,2016/17\n" + "Rape,1,2\n" * 250_000

    outcome, seconds = timed(lambda: import_wide_bytes(campaign, rows.encode()))

    assert outcome.problems[0].startswith("The file has 250,001 rows; " + TOO_MANY_ROWS)
    assert seconds < QUICK


def import_wide_bytes(campaign, data):
    return import_wide(campaign.requests.first(), data, "offence_type", "t.csv", dry_run=True)


# --- Memory.
def test_it_refuses_the_worst_files_in_bounded_memory(files):
    """In a fresh process each: its own high-water mark of resident memory (VmHWM, which
    starts afresh at exec, unlike ru_maxrss, which Linux carries over from the forking pytest)."""
    for kind in ("zip_bomb", "inflating", "empty_rows"):
        peak_mb, message = peak_memory_reading(files[kind])
        assert LONG_REFUSALS[kind] in message
        assert peak_mb < 300, f"{kind}: {peak_mb} MB"


def peak_memory_reading(path):
    code = (
        "import django, sys; django.setup()\n"
        "from returns.importing.files import read_rows\n"
        "from returns.importing.rows import check_long_header\n"
        "try:\n"
        "    read_rows(open(sys.argv[1], 'rb').read(), check_long_header)\n"
        "    print('accepted')\n"
        "except ValueError as error:\n"
        "    print(error)\n"
        "status = open('/proc/self/status').read().split('VmHWM:')[1].split()[0]\n"
        "print(int(status) // 1024)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
    )
    assert done.returncode == 0, done.stderr
    *message, peak = done.stdout.strip().splitlines()
    return int(peak), "\n".join(message)


def test_it_counts_the_rows_of_a_csv_without_keeping_them(files):
    data = Path(files["bad_rows"]).read_bytes()
    tracemalloc.start()
    try:
        with pytest.raises(ReturnsFileError, match="300,001 rows"):
            read_rows(data, check_long_header)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()

    assert peak < 10 * MB  # the file is 7 MB; its 300,000 rows would take 150 MB


# --- Problems: the first 100, then a count.
def test_it_lists_the_first_hundred_problems_and_counts_the_rest(client, caseworker, temp_dir):
    campaign = make_campaign()
    data = csv_bytes(*["Atlantis,2016/17,,,,-1,"] * 3_000)

    outcome = import_long(campaign, data, "bad.csv")

    assert outcome.problem_count == 6_000
    assert len(outcome.problems) == 101
    assert outcome.problems[0] == "Row 2, column force: Unknown force 'Atlantis'."
    assert outcome.problems[-1] == "... and 5,900 more problems."

    client.force_login(caseworker)
    response = client.post(
        IMPORT_URL, {"campaign": campaign.pk, "import_file": SimpleUploadedFile("bad.csv", data)}
    )
    page = response.content.decode()
    assert "nothing was saved: 6,000 problems" in page
    assert page.count("<li>Row ") == 100 and "... and 5,900 more problems." in page
    assert list(temp_dir.iterdir()) == []


def test_it_refuses_a_wrong_header_from_row_one_without_reading_the_rows():
    campaign = make_campaign()
    data = ("name,year,count\n" + "Durham,2016/17,5\n" * 150_000).encode()

    outcome, seconds = timed(lambda: import_long(campaign, data, "wrong.csv"))

    assert outcome.problem_count == 1
    assert outcome.problems[0].startswith("Row 1: missing columns force, period, value.")
    assert seconds < 1


# --- XLSX checks that the hostile files above do not reach.
def test_it_refuses_an_xlsx_that_unpacks_too_far_even_when_not_packed_tightly(tmp_path, settings):
    settings.IMPORT_MAX_CELLS = 10_000  # at most 1 MB of sheet XML (100 bytes a cell)
    path = hostile.write_xlsx(
        tmp_path / "wide.xlsx",
        [hostile.SHEET_HEAD]
        + [hostile.inline_row(n, [str(n * 7919 % 100_003)] * 7) for n in range(1, 8_000)]
        + [hostile.SHEET_TAIL],
    )

    with pytest.raises(ReturnsFileError, match=r"unpacks to [\d.]+ MB; at most 1.0 MB is read"):
        read_rows(path.read_bytes())


def test_it_counts_the_empty_rows_an_xlsx_skips_over(tmp_path):
    """`<row r="500000">` after the header: openpyxl fills in the missing rows as it reads."""
    path = hostile.write_xlsx(
        tmp_path / "gap.xlsx",
        [
            hostile.SHEET_HEAD
            + hostile.inline_row(1, hostile.HEADER)
            + hostile.inline_row(500_000, ["Durham", "2016/17", "", "", "", "1", ""])
            + hostile.SHEET_TAIL
        ],
    )

    start = time.perf_counter()
    with pytest.raises(ReturnsFileError, match="The file has at least 200,001 rows"):
        read_rows(path.read_bytes())
    assert time.perf_counter() - start < QUICK


# --- What must still be accepted.
def test_it_does_not_refuse_a_campaign_of_100000_figures(tmp_path):
    limits = ImportLimits.from_settings()
    limits.check_counts(rows=100_001, cells=700_007)  # a long file: one figure a row, 7 columns

    lines = [f"Durham Constabulary,2016/17,,offence_type,Offence {n},{n}," for n in range(100_000)]
    data = csv_bytes(*lines)
    assert len(read_rows(data, check_long_header)) == 100_001

    def rows():
        yield hostile.SHEET_HEAD + hostile.inline_row(1, hostile.HEADER)
        for n in range(2, 100_002):
            yield hostile.inline_row(
                n, ["Durham Constabulary", "2016/17", "", "offence_type", f"Offence {n}", n, ""]
            )
        yield hostile.SHEET_TAIL

    path = hostile.write_xlsx(tmp_path / "big_campaign.xlsx", rows())
    check_xlsx(path.read_bytes(), limits)  # sizes, packing, rows and cells: all within


def test_it_accepts_windows_1252_with_pounds_euros_dashes_and_accents():
    campaign = make_campaign()
    data = csv_bytes(
        "Durham,2016/17,,,,5,cost over £600 – see s.12",
        "Northumbria,2016/17,,,,7,€ figures from Zoë Müller’s team",
        "West Mercia,2016/17,,,,9,“provisional”… Café Noël; Jürgen Öberg",
        encoding="cp1252",
    )

    outcome = import_long(campaign, data, "excel.csv")

    assert outcome.ok, outcome.problems
    assert sorted(Figure.objects.values_list("note", flat=True)) == [
        "cost over £600 – see s.12",
        "“provisional”… Café Noël; Jürgen Öberg",
        "€ figures from Zoë Müller’s team",
    ]


def test_it_refuses_shift_jis_that_windows_1252_would_read_without_an_error():
    campaign = make_campaign()
    data = hostile.shift_jis_csv()
    data.decode("cp1252")  # no error: before, the forces came out as "ŒxŽ‹’¡"

    outcome = import_long(campaign, data, "japan.csv")

    assert outcome.problems == [
        "The file is not UTF-8, and read as Windows-1252 (Excel's plain CSV) it gives garbled "
        "text such as 'ŒxŽ‹’¡,2016/17,,,,0,' (line 2): it is probably in another encoding, "
        "such as Shift-JIS (Japanese), GBK (Chinese) or Cyrillic. In Excel, save it as "
        '"CSV UTF-8 (Comma delimited)" or as .xlsx.'
    ]


# --- Temporary copies of uploads.
def test_it_removes_the_admin_imports_copy_after_confirm(client, caseworker, temp_dir):
    campaign = make_campaign()
    client.force_login(caseworker)
    data = (HERE / "clean_long.csv").read_bytes()

    preview = client.post(
        IMPORT_URL, {"campaign": campaign.pk, "import_file": SimpleUploadedFile("r.csv", data)}
    )
    assert len(list(temp_dir.iterdir())) == 1  # kept for the confirm step
    form = preview.context["confirm_form"]
    client.post(CONFIRM_URL, {name: form[name].value() for name in form.fields})

    assert ImportBatch.objects.count() == 1
    assert list(temp_dir.iterdir()) == []


def test_it_removes_the_admin_imports_copy_when_the_confirm_step_fails(
    client, caseworker, temp_dir, files
):
    campaign = make_campaign()
    client.force_login(caseworker)
    data = (HERE / "clean_long.csv").read_bytes()
    preview = client.post(
        IMPORT_URL, {"campaign": campaign.pk, "import_file": SimpleUploadedFile("r.csv", data)}
    )
    form = preview.context["confirm_form"]
    [stored] = temp_dir.iterdir()
    stored.write_bytes(Path(files["zip_bomb"]).read_bytes())  # changed under our feet

    response = client.post(
        CONFIRM_URL, {name: form[name].value() for name in form.fields}, follow=True
    )

    assert ZIP_BOMB in response.content.decode()
    assert list(temp_dir.iterdir()) == []
    assert not Figure.objects.exists()


def test_it_removes_the_stored_table_after_confirm_and_after_a_refused_confirm(
    client, caseworker, temp_dir
):
    campaign = make_campaign()
    url = reverse("admin:returns_figure_import_table", args=[campaign.requests.first().pk])
    client.force_login(caseworker)
    table = SimpleUploadedFile("t.csv", b",2015/16,2016/17\nRape,1,2\n")

    def preview():
        response = client.post(url, {"table": table, "breakdown": "offence_type"})
        table.seek(0)
        form = response.context["confirm_form"]
        return {**{k: form[k].value() for k in form.fields}, "confirm": "1"}

    confirm = preview()
    assert len(list(temp_dir.iterdir())) == 1
    client.post(url, confirm)
    assert list(temp_dir.iterdir()) == [] and Figure.objects.count() == 2

    confirm = preview()
    [stored] = temp_dir.iterdir()
    stored.write_bytes(b",2015/16,2016/17\nRape,x,2\n")  # refused at confirm
    response = client.post(url, confirm, follow=True)
    assert "Row 2, column 2015/16: &#x27;x&#x27; is not" in response.content.decode()
    assert list(temp_dir.iterdir()) == []
