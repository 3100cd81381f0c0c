"""Progress of long work: the plain functions report `progress(done, total)`, and the commands
draw it as a bar on a terminal's standard error only (returns/progress.py)."""

import contextlib
import io

import pytest
from django.core.management import call_command
from django.db import transaction

from returns import exporting, rounds
from returns.importing.service import import_long
from returns.progress import TerminalBar, counted
from returns.verification import verify_figures
from tests.factories import CampaignFactory, FigureFactory, FOIRequestFactory, ForceFactory
from tests.returns.files.helpers import ASKED, HERE, csv_bytes, make_campaign
from tests.returns.replies_helpers import raw_email, round_fixture  # noqa: F401


class Terminal(io.StringIO):
    def isatty(self):
        return True


def calls():
    """A progress callable that remembers its calls."""
    seen = []

    def progress(done, total):
        seen.append((done, total))

    progress.seen = seen
    return progress


def assert_reported_up_to(progress, total):
    done = [done for done, _ in progress.seen]
    assert done == sorted(done), "done never goes back"
    assert {reported_total for _, reported_total in progress.seen} == {total}
    assert progress.seen[-1] == (total, total)


# --- The bar, without a database.


def test_it_draws_nothing_when_the_stream_is_not_a_terminal():
    piped = io.StringIO()
    with TerminalBar(piped, "Importing") as bar:
        bar(1, 3)
        bar(3, 3)
    assert piped.getvalue() == ""


def test_it_draws_a_bar_on_a_terminal():
    terminal = Terminal()
    with TerminalBar(terminal, "Importing") as bar:
        bar(1, 3)
        bar(3, 3)
    drawn = terminal.getvalue()
    assert "Importing" in drawn and "/3 [" in drawn  # redrawn at most 10 times a second
    assert drawn.endswith("\r")  # and cleared at the end: the command's summary follows


def test_it_counts_items_as_they_pass_every_few_and_at_the_end():
    progress = calls()
    assert list(counted(range(5), 5, progress, every=2)) == [0, 1, 2, 3, 4]
    assert progress.seen == [(2, 5), (4, 5), (5, 5)]


# --- The plain functions report it.


@pytest.mark.django_db
def test_it_reports_the_rows_of_an_import_per_batch_up_to_all_of_them(caseworker):
    campaign = make_campaign()
    lines = [
        f"{force},{period},{campaign.measure},offence_type,Offence {n},{n},"
        for force in ASKED
        for period in campaign.periods
        for n in range(400)
    ]
    progress = calls()

    outcome = import_long(campaign, csv_bytes(*lines), "big.csv", caseworker, progress=progress)

    assert outcome.ok, outcome.problems
    assert_reported_up_to(progress, len(lines))
    assert len(progress.seen) == len(lines) // 1000 + 1  # per batch of 1,000 rows, not per row


@pytest.mark.django_db
def test_it_reports_the_figures_of_a_verification(caseworker, verifier):
    request = FOIRequestFactory()
    for n in range(7):
        FigureFactory(
            request=request, breakdown="victim_age", category=str(n), entered_by=caseworker
        )
    progress = calls()

    verified, _ = verify_figures(verifier, request.figures.all(), progress=progress)

    assert len(verified) == 7
    assert_reported_up_to(progress, 7)


@pytest.mark.django_db
def test_it_reports_the_rows_of_an_export_as_they_are_written(caseworker, verifier):
    request = FOIRequestFactory()
    for n in range(5):
        FigureFactory(
            request=request, breakdown="victim_age", category=str(n), entered_by=caseworker
        )
    verify_figures(verifier, request.figures.all())
    progress = calls()

    export_format, dataset = exporting.prepare(request.campaign, "csv", progress=progress)
    export_format.write(dataset, io.BytesIO())

    assert_reported_up_to(progress, 5)


@pytest.mark.django_db
def test_it_reports_each_request_of_a_round_sent(smtp_server):
    campaign = CampaignFactory()
    for name in ("Avonshire Police", "Borsetshire Police", "Carsetshire Police"):
        FOIRequestFactory(
            campaign=campaign,
            force=ForceFactory(name=name, foi_email=f"foi@{name[:4].lower()}.example"),
            status="not_sent",
            sent_on=None,
            received_on=None,
        )
    progress = calls()

    report = rounds.send_requests(campaign, progress=progress)

    assert len(report.sent) == 3
    assert progress.seen == [(1, 3), (2, 3), (3, 3)]


# --- The commands: the bar on a terminal's stderr only; stdout as it always was.


def ingest_json(tmp_path, round_, stderr, bar=None):
    """What `ingest_email --json` prints, run in a transaction rolled back afterwards."""
    eml = tmp_path / "reply.eml"
    eml.write_bytes(raw_email("13_response_csv.eml", round_))
    out = io.StringIO()
    patched = _patched_bar(bar) if bar else contextlib.nullcontext()
    with patched, transaction.atomic():
        call_command("ingest_email", str(eml), "--json", stdout=out, stderr=stderr)
        transaction.set_rollback(True)
    return out.getvalue().encode()


@contextlib.contextmanager
def _patched_bar(bar):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("returns.management.commands.ingest_email.command_bar", bar)
        yield


@pytest.mark.django_db
def test_it_prints_the_same_json_piped_or_on_a_terminal_and_no_bar_when_piped(round_, tmp_path):
    def no_bar(command, description, unit="row"):  # the command as it was: no progress at all
        return contextlib.nullcontext(lambda done, total: None)

    before = ingest_json(tmp_path, round_, io.StringIO(), bar=no_bar)
    piped_err, terminal_err = io.StringIO(), Terminal()
    piped = ingest_json(tmp_path, round_, piped_err)
    on_terminal = ingest_json(tmp_path, round_, terminal_err)

    assert before.startswith(b'{"message_id"')
    assert piped == before and on_terminal == before
    assert piped_err.getvalue() == ""
    assert "Taking in" in terminal_err.getvalue()


@pytest.mark.django_db
def test_it_draws_the_import_bar_on_stderr_only(caseworker):
    campaign = make_campaign()
    path = str(HERE / "clean_long.csv")
    outputs = []
    for stderr in (io.StringIO(), Terminal()):
        out = io.StringIO()
        call_command("import_returns", campaign.slug, path, "--dry-run", stdout=out, stderr=stderr)
        outputs.append((out.getvalue(), stderr.getvalue()))

    (piped_out, piped_err), (terminal_out, terminal_err) = outputs
    assert piped_out == terminal_out and "Dry run" in piped_out
    assert piped_err == ""
    assert "Importing clean_long.csv" in terminal_err
