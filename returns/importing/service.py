"""The import operations that the admin views and `import_returns` each call in one line.

They take the file's bytes from anywhere (an upload, a file, an email attachment) and apply
every check on untrusted files on the way (limits.py): call them, not the readers below them.
"""

from dataclasses import dataclass, field

from returns.importing.errors import ReturnsFileError
from returns.importing.files import read_rows, rows_to_dataset
from returns.importing.resource import FigureResource, problems_of
from returns.importing.rows import check_long_header
from returns.importing.wide import find_header_row, wide_to_long
from returns.models import ImportBatch

WIDE_BREAKDOWNS = [
    ("victim_age", "Victim age (Under 1, 0..17, Unknown)"),
    ("offence_type", "Offence type"),
    ("victim_gender", "Victim gender"),
    ("", "Headline totals only (a single Total row)"),
]


@dataclass
class ImportOutcome:
    """What happened: a summary when the file was accepted, otherwise the problems (the first
    ones, then a line counting the rest) and how many there were."""

    summary: object = None
    problems: list = field(default_factory=list)
    problem_count: int = 0

    @property
    def ok(self):
        return not self.problems

    @classmethod
    def refused(cls, error):
        return cls(problems=error.lines(), problem_count=error.total)


def import_long(campaign, data, file_name="", user=None, dry_run=False):
    """Import a long returns file (bytes of CSV or XLSX) into `campaign`: all or nothing."""
    try:
        dataset = rows_to_dataset(read_rows(data, check_long_header))
    except ReturnsFileError as error:
        return ImportOutcome.refused(error)
    resource = FigureResource(campaign=campaign, user=user, file_name=file_name, file_bytes=data)
    return run(resource, dataset, dry_run)


def import_wide(request, data, breakdown, file_name="", user=None, dry_run=False):
    """Import one force's own table (categories down, periods across) for `request`."""
    try:
        rows = read_rows(data, find_header_row)
        dataset, notes = wide_to_long(rows, request.force.name, breakdown, request.campaign.periods)
    except ReturnsFileError as error:
        return ImportOutcome.refused(error)
    resource = FigureResource(
        campaign=request.campaign,
        user=user,
        file_name=file_name,
        file_bytes=data,
        request=request,
        layout=ImportBatch.Layout.WIDE,
        notes=notes,
    )
    return run(resource, dataset, dry_run)


def run(resource, dataset, dry_run):
    result = resource.import_data(dataset, dry_run=dry_run, raise_errors=False)
    problems = problems_of(result, resource)
    if problems:
        return ImportOutcome(problems=problems.lines(), problem_count=problems.total)
    return ImportOutcome(summary=resource.summary)
