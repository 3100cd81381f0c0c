"""The import operations that the admin views and `import_returns` each call in one line."""

from dataclasses import dataclass, field

from returns import breakdowns
from returns.importing.errors import ReturnsFileError
from returns.importing.files import read_rows, rows_to_dataset
from returns.importing.resource import FigureResource, problems_of
from returns.importing.wide import wide_to_long
from returns.models import ImportBatch

WIDE_BREAKDOWNS = [
    *((breakdown.code, breakdown.choice_label) for breakdown in breakdowns.BREAKDOWNS),
    ("", "Headline totals only (a single Total row)"),
]


@dataclass
class ImportOutcome:
    """What happened: a summary when the file was accepted, otherwise every problem."""

    summary: object = None
    problems: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems


def import_long(campaign, data, file_name="", user=None, dry_run=False):
    """Import a long returns file (bytes of CSV or XLSX) into `campaign`: all or nothing."""
    try:
        dataset = rows_to_dataset(read_rows(data))
    except ReturnsFileError as error:
        return ImportOutcome(problems=[str(problem) for problem in error.problems])
    resource = FigureResource(campaign=campaign, user=user, file_name=file_name, file_bytes=data)
    return run(resource, dataset, dry_run)


def import_wide(request, data, breakdown, file_name="", user=None, dry_run=False):
    """Import one force's own table (categories down, periods across) for `request`."""
    try:
        dataset, notes = wide_to_long(
            read_rows(data), request.force.name, breakdown, request.campaign.periods
        )
    except ReturnsFileError as error:
        return ImportOutcome(problems=[str(problem) for problem in error.problems])
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
    return ImportOutcome(summary=None if problems else resource.summary, problems=problems)
