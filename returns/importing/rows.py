"""Check every row of a long returns file and turn it into figures, or refuse the whole file.

Pure apart from `CampaignContext.for_campaign`, which reads the force directory and the
campaign's requests in two queries; everything after works from that snapshot.
"""

from dataclasses import dataclass, field

from forces.resolver import ForceResolutionError, ForceResolver
from returns.importing import caveats, cells
from returns.importing.errors import FileProblem, ProblemList, ReturnsFileError
from returns.importing.files import BLANK_COLUMN_PREFIX, EXTRA_COLUMN_PREFIX
from returns.periods import normalise_period

COLUMNS = ("force", "period", "measure", "breakdown", "category", "value", "note")
REQUIRED = ("force", "period", "value")
# Set by the wide converter so that problems point at the force's own table.
SOURCE_ROW, SOURCE_COLUMN = "_row", "_column"
# Set by a reader for words that qualify one cell (its period's header: "2017/18 to date").
CAVEAT_WORDS = "_caveats"
MAX_LENGTHS = {"category": 80, "breakdown": 40, "note": 500, "value": 40}


@dataclass
class CampaignContext:
    """What a file is checked against: one campaign, its forces and periods."""

    campaign: object
    resolver: ForceResolver
    requests_by_force: dict
    _resolved: dict = field(default_factory=dict)
    # Caveats of the whole file (a force table's title and notes: importing/caveats.py) and
    # the markers' meanings chosen in the preview ({marker text: status}, importing/cells.py).
    caveats: list = field(default_factory=list)
    markers: dict | None = None

    @classmethod
    def for_campaign(cls, campaign, caveats=(), markers=None):
        requests = campaign.requests.select_related("force")
        return cls(
            campaign=campaign,
            resolver=ForceResolver(),
            requests_by_force={request.force_id: request for request in requests},
            caveats=list(caveats),
            markers=markers,
        )

    def caveats_for(self, period, *texts):
        """The file's caveats covering `period`, and those in one row's own words."""
        own = caveats.find(text for text in texts if text)
        covering = [caveat for caveat in self.caveats if caveat.covers(period)]
        return covering + [caveat for caveat in own if caveat not in covering]

    @property
    def periods(self):
        return list(self.campaign.periods)

    def request_for(self, text):
        """The campaign's request to the force named `text`; ValueError saying why not."""
        if text not in self._resolved:
            try:
                force = self.resolver.resolve(text)
                request = self.requests_by_force.get(force.pk)
                self._resolved[text] = request or f"{force.name} was not asked in this campaign."
            except ForceResolutionError as error:
                self._resolved[text] = str(error)
        found = self._resolved[text]
        if isinstance(found, str):
            # A new exception each time: raising one cached instance again and again grows its
            # traceback by every frame it passes, keeping each row's cells alive.
            raise ValueError(found)
        return found

    def period_for(self, text):
        period = normalise_period(text)
        if period not in self.campaign.periods:
            asked = ", ".join(self.campaign.periods)
            raise ValueError(f"{period} was not asked in this campaign (asked: {asked}).")
        return period


@dataclass
class ParsedFigure:
    row: int
    request: object
    period: str
    measure: str
    breakdown: str
    category: str
    status: str
    value: int | None
    raw_value: str
    note: str
    source: str = ""  # where it came from, for messages: "row 7" or "row 7, column 2016/17"
    caveat: str = ""  # the most serious caveat's kind (Figure.Caveat), "" for none
    caveat_text: str = ""

    @property
    def key(self):
        return (self.request.pk, self.period, self.measure, self.breakdown, self.category)

    @property
    def display_value(self):
        if self.status == "reported":
            return f"{self.value:,}"
        return self.raw_value or self.status.replace("_", " ")


def header_map(headers):
    """{column name: index}, tolerating case, spaces and a byte-order mark; problems listed."""
    found, problems = {}, []
    for index, header in enumerate(headers):
        name = str(header or "").replace("\ufeff", "").strip().lower().replace(" ", "_")
        if name.startswith((EXTRA_COLUMN_PREFIX, BLANK_COLUMN_PREFIX)) or not name:
            continue
        if name in found:
            problems.append(FileProblem(f"the column {name!r} appears twice.", row=1))
        found[name] = index
    missing = [name for name in REQUIRED if name not in found]
    if missing:
        expected = ",".join(COLUMNS)
        problems.append(
            FileProblem(
                f"missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}. "
                f"The header row should read: {expected}",
                row=1,
            )
        )
    return found, problems


def check_long_header(first_rows):
    """Refuse at once a file whose row 1 is not a long header, before the rest is read."""
    if not first_rows or all(cells.is_blank(cell) for cell in first_rows[0]):
        raise ReturnsFileError(
            [FileProblem("The file has no header row (row 1 should name the columns).")]
        )
    columns, problems = header_map(first_rows[0])
    if any(name not in columns for name in REQUIRED):
        raise ReturnsFileError(problems)


def parse_long(dataset, context):
    """A long Dataset -> [ParsedFigure], one per cell; ReturnsFileError listing the problems
    (the first ones, and how many in all)."""
    columns, header_problems = header_map(dataset.headers or [])
    if any(name not in columns for name in REQUIRED):
        raise ReturnsFileError(header_problems)
    problems = ProblemList(header_problems)
    extra = [i for i, h in enumerate(dataset.headers) if str(h).startswith(EXTRA_COLUMN_PREFIX)]
    unnamed = [i for i, h in enumerate(dataset.headers) if str(h).startswith(BLANK_COLUMN_PREFIX)]
    figures, seen = [], {}
    for offset, values in enumerate(dataset, start=2):
        if all(cells.is_blank(value) for value in values):
            continue
        figure, row_problems = parse_row(values, offset, columns, (extra, unnamed), context)
        if row_problems:
            problems.extend(row_problems)
            continue
        problem = check_duplicate(figure, seen)
        if problem:
            problems.add(problem)
        elif figure.key not in seen:
            seen[figure.key] = figure
            figures.append(figure)
    if problems:
        raise ReturnsFileError(problems)
    if not figures:
        raise ReturnsFileError([FileProblem("The file has a header but no figures.")])
    return figures


def parse_row(values, row_number, columns, stray_columns, context):
    def cell(name):
        index = columns.get(name)
        return values[index] if index is not None else None

    row = int(cell(SOURCE_ROW)) if SOURCE_ROW in columns else row_number
    value_column = cells.cell_text(cell(SOURCE_COLUMN)) or "value"
    problems = []

    def check(column, parse, *args):
        try:
            return parse(*args)
        except ValueError as error:
            problems.append(FileProblem(str(error), row=row, column=column))

    extra, unnamed = stray_columns
    if any(values[index] is not None for index in extra):
        problems.append(
            FileProblem(
                "has more cells than the header row. Is a number like 1,234 written without "
                "quotes, splitting it in two?",
                row=row,
            )
        )
    for index in unnamed:
        if not cells.is_blank(values[index]):
            problems.append(
                FileProblem(
                    f"{cells.cell_text(values[index])!r} is in a column with no header.", row=row
                )
            )
    note = cells.cell_text(cell("note"))
    request = check("force", context.request_for, cells.cell_text(cell("force")))
    period = check("period", context.period_for, cells.cell_text(cell("period")))
    measure = check("measure", cells.parse_measure, cell("measure"), context.campaign.measure)
    breakdown = cells.parse_breakdown(cell("breakdown"))
    cell_key = check("category", cells.parse_category, breakdown, cell("category"))
    value = check(value_column, cells.parse_value, cell("value"), note, context.markers)
    for column, text in (("note", note), ("breakdown", breakdown), ("value", value)):
        text = getattr(text, "raw_value", text) or ""
        if len(text) > MAX_LENGTHS[column]:
            problems.append(
                FileProblem(f"is too long (at most {MAX_LENGTHS[column]} characters).", row, column)
            )
    if cell_key and len(cell_key[1]) > MAX_LENGTHS["category"]:
        problems.append(FileProblem("is too long (at most 80 characters).", row, "category"))
    if problems:
        return None, problems
    source = f"row {row}" if value_column == "value" else f"row {row}, column {value_column}"
    found = context.caveats_for(period, note, cells.cell_text(cell(CAVEAT_WORDS)))
    return ParsedFigure(
        row=row,
        request=request,
        period=period,
        measure=measure,
        breakdown=cell_key[0],
        category=cell_key[1],
        status=value.status,
        value=value.value,
        raw_value=value.raw_value,
        note=note,
        source=source,
        caveat=caveats.most_serious(found),
        caveat_text=caveats.joined_text(found),
    ), []


def check_duplicate(figure, seen):
    first = seen.get(figure.key)
    if first is None:
        return None
    if (first.status, first.value, first.raw_value) == (
        figure.status,
        figure.value,
        figure.raw_value,
    ):
        return None  # the same cell written twice with the same value: harmless
    cell = f"{figure.breakdown} {figure.category}" if figure.breakdown else "headline total"
    return FileProblem(
        f"conflicts with {first.source}: {figure.request.force.name}, {figure.period}, {cell} "
        f"is {figure.display_value} here but {first.display_value} there.",
        row=figure.row,
    )
