"""The import operations that the admin views and `import_returns` each call in one line.

Every real import reports only what was committed: `run` retries an import the database rolled
back for a clash with another change (returns.importing.retries), turns any other rollback into
problems, and re-reads the import batch after the commit. `confirm_stored` adds the one-claim
rule for an upload a preview stored (returns.importing.claims).

They take the file's bytes from anywhere (an upload, a file, an email attachment) and apply
every check on untrusted files on the way (limits.py): call them, not the readers below them.
"""

from dataclasses import dataclass, field

from django.db import DatabaseError

from returns import breakdowns
from returns.importing import caveats, claims
from returns.importing.errors import ReturnsFileError
from returns.importing.files import read_rows, rows_to_dataset
from returns.importing.reading import is_qualified_period, read
from returns.importing.resource import FigureResource, problems_of
from returns.importing.retries import ConcurrentChange, with_retries
from returns.importing.rows import check_long_header
from returns.importing.tables import read_grids
from returns.importing.wide import wide_to_long
from returns.models import ImportBatch

WIDE_BREAKDOWNS = [
    *((breakdown.code, breakdown.choice_label) for breakdown in breakdowns.BREAKDOWNS),
    ("", "Headline totals only (a single Total row)"),
]
ROLLED_BACK = "The import was rolled back: nothing was saved."


@dataclass
class ImportOutcome:
    """What happened: a summary when the file was accepted, otherwise the problems (the first
    ones, then a line counting the rest) and how many there were."""

    summary: object = None
    problems: list = field(default_factory=list)
    problem_count: int = 0
    reading: object = None  # a force's table: the reading report (reading.py)

    def __post_init__(self):
        self.problem_count = self.problem_count or len(self.problems)

    @property
    def ok(self):
        return not self.problems

    @classmethod
    def refused(cls, error):
        return cls(problems=error.lines(), problem_count=error.total)


def import_long(campaign, data, file_name="", user=None, dry_run=False, progress=None):
    """Import a long returns file (bytes of CSV or XLSX) into `campaign`: all or nothing.
    `progress(done, total)` is called as the rows are taken in (returns/progress.py)."""
    try:
        rows = read_rows(data, check_long_header)
        dataset = rows_to_dataset(rows)  # refuses a file without a header before anything runs
    except ReturnsFileError as error:
        return ImportOutcome.refused(error)

    def resource():
        return FigureResource(
            campaign=campaign, user=user, file_name=file_name, file_bytes=data, progress=progress
        )

    def fresh_dataset():
        # The first try takes the dataset built above; a retry needs a new one, since the
        # resource rewrites its dataset in place.
        nonlocal dataset
        current, dataset = dataset or rows_to_dataset(rows), None
        return current

    return run(resource, fresh_dataset, dry_run)


def read_force_table(data, breakdown, periods, file_name="", choices=None):
    """The reading report of a force's table (reading.py); ReturnsFileError when the file
    itself cannot or may not be read."""
    kind, grids = read_grids(data)
    return read(grids, kind, file_name, breakdown, periods, choices)


def import_wide(
    request,
    data,
    breakdown,
    file_name="",
    user=None,
    dry_run=False,
    choices=None,
    correspondence=None,
):
    """Import one force's own table (categories down, periods across) for `request`, read as
    `choices` (sheet, header row, derived total, the meaning of markers) say. The outcome
    carries the reading report, also when the table is refused. `correspondence`: the reply
    whose attachment the file is, recorded on the import batch."""
    force = request.force.name
    try:
        reading = read_force_table(data, breakdown, request.campaign.periods, file_name, choices)
    except ReturnsFileError as error:
        return ImportOutcome.refused(error)
    if reading.problems:
        outcome = ImportOutcome(
            problems=reading.problems.lines(), problem_count=reading.problems.total
        )
        outcome.reading = reading
        return outcome
    if not reading.figures:
        return ImportOutcome(problems=["No figures were found in the table."], reading=reading)
    # Title lines and notes around the table may qualify its figures ("year to date").
    found_caveats = caveats.find(
        [text for row in reading.rows if row.meaning in ("title", "note") for _, text in row.cells]
        + [column.header for column in reading.columns if is_qualified_period(column.header)]
    )

    def resource():
        return FigureResource(
            campaign=request.campaign,
            user=user,
            file_name=file_name,
            file_bytes=data,
            request=request,
            layout=ImportBatch.Layout.WIDE,
            notes=[*reading.notes, *reading.warnings],
            caveats=found_caveats,
            markers=(choices.markers if choices else None),
            correspondence=correspondence,
        )

    outcome = run(resource, lambda: wide_to_long(reading, force), dry_run)
    outcome.reading = reading
    return outcome


def run(make_resource, make_dataset, dry_run):
    """One import in one transaction, tried again after a deadlock. Each try needs a fresh
    resource and dataset: the resource keeps state and rewrites the dataset in place."""

    def attempt():
        resource = make_resource()
        result = resource.import_data(make_dataset(), dry_run=dry_run, raise_errors=False)
        return resource, result

    try:
        resource, result = with_retries(attempt)
    except ConcurrentChange as error:
        return ImportOutcome(problems=[str(error)])
    except DatabaseError as error:  # e.g. the commit itself failed
        return ImportOutcome(problems=[f"The import failed and nothing was saved: {error}"])
    problems = problems_of(result, resource)
    if problems:
        return ImportOutcome(problems=problems.lines(), problem_count=problems.total)
    if not dry_run and not as_committed(resource.summary):
        return ImportOutcome(problems=[ROLLED_BACK])
    return ImportOutcome(summary=resource.summary)


def as_committed(summary):
    """Put the counts the database holds into `summary`; False if its batch was not saved."""
    if not summary.changed:
        return True  # nothing to write, nothing written
    batch = ImportBatch.objects.filter(pk=getattr(summary.batch, "pk", None)).first()
    if batch is None:
        return False
    summary.batch = batch
    summary.created, summary.updated, summary.unchanged = (
        batch.created,
        batch.updated,
        batch.unchanged,
    )
    return True


def confirm_stored(stored_name, import_upload):
    """Confirm the upload a preview stored as `stored_name`: `import_upload(data)` runs at most
    once per preview; a second confirm, even at the same moment, is refused."""
    try:
        data = claims.claim(stored_name)
    except claims.UploadUnavailable as error:
        return ImportOutcome(problems=[str(error)])
    try:
        return import_upload(data)
    finally:
        claims.release(stored_name)
