"""The django-import-export resource behind every import: admin (long and wide) and command.

The flow (all or nothing, inside one transaction):
1. `before_import` checks every row first (rows.parse_long) and refuses the whole file with
   row-and-column messages; otherwise it loads the campaign's existing figures in ONE query and
   rewrites the dataset into checked cells, so the library's per-row work is trivial.
2. Per row (library): the natural-key instance loader finds the existing figure; unchanged
   figures are skipped (no write, no history row, verification kept).
3. Writes go in bulk (use_bulk, batch_size 1000), each batch followed by its history rows
   (returns.history.record), since bulk writes bypass save() and signals. A changed figure
   loses its verification in `before_save_instance`, since Figure.save() does not run.
4. `after_import` (real runs that changed something): one ImportBatch with the file, the
   plausibility warnings, and `campaign.mark_data_changed()` once.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone
from import_export import fields, resources, widgets
from import_export.instance_loaders import BaseInstanceLoader
from import_export.results import RowResult

from returns import history
from returns.importing.errors import ProblemList, ReturnsFileError
from returns.importing.plausibility import find_warnings, total_disagreements
from returns.importing.retries import is_retryable
from returns.importing.rows import COLUMNS, CampaignContext, parse_long
from returns.models import Figure, ImportBatch, PlausibilityWarning

NATURAL_KEY = ("request", "period", "measure", "breakdown", "category")
CELL_FIELDS = ("status", "value", "raw_value", "note", "caveat", "caveat_text")
RECORD_FIELDS = ("entered_by", "import_batch", "verified_by", "verified_at", "updated_at")
PREVIEW_LIMIT = 1000
PARSER_CHECKED = (*NATURAL_KEY, *CELL_FIELDS, "entered_by", "import_batch", "verified_by")


class CheckedCell(widgets.Widget):
    """The dataset holds values already checked by rows.parse_long: take them as they are."""

    def clean(self, value, row=None, **kwargs):
        return value


class NaturalKeyInstanceLoader(BaseInstanceLoader):
    """Existing figures by (request, period, measure, breakdown, category), loaded once."""

    def get_instance(self, row):
        key = (row["request"].pk, *(row[name] for name in NATURAL_KEY[1:]))
        return self.resource.existing.get(key)


@dataclass
class Change:
    figure: object
    before: str  # "" when new
    after: str


@dataclass
class ImportSummary:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list = field(default_factory=list)
    changes: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    dry_run: bool = True
    batch: object = None

    @property
    def changed(self):
        return self.created + self.updated

    @property
    def more_changes(self):
        return max(0, self.changed - len(self.changes))

    def counts_text(self):
        return (
            f"{self.created:,} created, {self.updated:,} updated, {self.unchanged:,} unchanged, "
            f"{len(self.warnings):,} warning{'' if len(self.warnings) == 1 else 's'}"
        )


def checked_field(name):
    return fields.Field(attribute=name, column_name=name, widget=CheckedCell())


class FigureResource(resources.ModelResource):
    request = checked_field("request")
    period = checked_field("period")
    measure = checked_field("measure")
    breakdown = checked_field("breakdown")
    category = checked_field("category")
    status = checked_field("status")
    value = checked_field("value")
    raw_value = checked_field("raw_value")
    note = checked_field("note")
    caveat = checked_field("caveat")
    caveat_text = checked_field("caveat_text")

    class Meta:
        model = Figure
        name = "Returned figures (long layout)"
        fields = NATURAL_KEY + CELL_FIELDS
        import_id_fields = NATURAL_KEY
        instance_loader_class = NaturalKeyInstanceLoader
        use_bulk = True
        batch_size = 1000
        skip_diff = True
        clean_model_instances = True
        use_transactions = True

    def __init__(
        self,
        campaign=None,
        user=None,
        file_name="",
        file_bytes=b"",
        request=None,
        layout=ImportBatch.Layout.LONG,
        notes=(),
        caveats=(),
        markers=None,
        correspondence=None,
        progress=None,
    ):
        super().__init__()
        self.progress = progress  # progress(done, total): returns/progress.py
        self.campaign = campaign
        self.user = user if getattr(user, "pk", None) else None
        self.file_name = file_name
        self.file_bytes = file_bytes
        self.for_request = request
        self.layout = layout
        self.notes = list(notes) + [caveat_note(caveat) for caveat in caveats]
        self.caveats = list(caveats)
        self.markers = markers
        self.correspondence = correspondence  # the reply the file came with, if known
        self.existing = {}
        self.parsed = []
        self.findings = []
        self.batch = None
        self.summary = None
        self.created_figures = []
        self.changes = []
        self.updated_ids = set()

    def get_user_visible_fields(self):
        """What the import page lists: the file's columns, not the model's."""
        return [fields.Field(column_name=name) for name in COLUMNS]

    # --- 1. Check everything first, then hand the library checked cells.
    def import_data(self, dataset, **kwargs):
        if self.campaign is None:
            raise ValueError("FigureResource needs the campaign the file belongs to.")
        kwargs["rollback_on_validation_errors"] = True
        kwargs["use_transactions"] = True
        return super().import_data(dataset, **kwargs)

    def handle_import_error(self, result, error, raise_errors=False):
        # The library files every exception as an error of the result (and rolls back). A
        # deadlock or other clash must instead end the transaction, so the caller can try the
        # whole import again (returns.importing.retries).
        if is_retryable(error):
            raise error
        super().handle_import_error(result, error, raise_errors)

    def before_import(self, dataset, **kwargs):
        context = CampaignContext.for_campaign(self.campaign, self.caveats, self.markers)
        try:
            self.parsed = parse_long(dataset, context)
        except Exception:
            # The library goes on to the row loop after a failed before_import: leave it
            # nothing to do, or it would import the unchecked rows.
            dataset.wipe()
            raise
        self.existing = {
            self.key_of(figure): figure
            for figure in Figure.objects.filter(request__campaign=self.campaign)
        }
        self.findings = self.plausibility_findings()
        dataset.wipe()
        dataset.headers = list(NATURAL_KEY + CELL_FIELDS)
        dataset.extend(
            [
                (p.request, p.period, p.measure, p.breakdown, p.category)
                + (p.status, p.value, p.raw_value, p.note, p.caveat, p.caveat_text)
                for p in self.parsed
            ]
        )

    @staticmethod
    def key_of(figure):
        return (figure.request_id, figure.period, figure.measure, figure.breakdown, figure.category)

    def plausibility_findings(self):
        requests = {p.request.pk: p.request for p in self.parsed}
        cells = {
            key: (figure.status, figure.value)
            for key, figure in self.existing.items()
            if key[0] in requests
        }
        cells.update({p.key: (p.status, p.value) for p in self.parsed})

        def name_of(request_id):
            return requests[request_id].force.name

        findings = find_warnings(cells, self.campaign.periods, name_of)
        if self.layout == ImportBatch.Layout.WIDE:
            findings += total_disagreements(self.parsed, name_of)
        return findings

    # --- 2. Per row: skip what did not change; validate without a query per row.
    def import_row(self, row, instance_loader, **kwargs):
        """The library's import_row with the same hooks in the same order, minus the parts
        this resource never uses (diffs, deletes, many-to-many, an object repr per row)."""
        row_result = self.get_row_result_class()()
        try:
            instance, new = self.get_or_init_instance(instance_loader, row)
            self.after_init_instance(instance, new, row, **kwargs)
            self.import_instance(instance, row, **kwargs)
            if self.skip_row(instance, None, row):
                row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            else:
                row_result.import_type = (
                    RowResult.IMPORT_TYPE_NEW if new else RowResult.IMPORT_TYPE_UPDATE
                )
                self.validate_instance(instance)
                self.save_instance(instance, new, row, **kwargs)
            row_result.object_id = instance.pk
            row_result.instance = instance
        except ValidationError as error:
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = error
        except Exception as error:
            if is_retryable(error):
                raise
            row_result.import_type = RowResult.IMPORT_TYPE_ERROR
            row_result.errors.append(
                self.get_error_result_class()(error, row=row, number=kwargs["row_number"])
            )
        self.report_progress(kwargs["row_number"])
        return row_result

    def report_progress(self, done):
        """progress(rows done, rows) after each batch of rows and after the last one."""
        total = len(self.parsed)
        if self.progress and (done % self._meta.batch_size == 0 or done == total):
            self.progress(done, total)

    def import_instance(self, instance, row, **kwargs):
        # The cells were checked and converted by parse_long: copy them, rather than have
        # nine widgets clean them again on every row of a 100,000-row file.
        for name in NATURAL_KEY + CELL_FIELDS:
            setattr(instance, name, row[name])

    def after_init_instance(self, instance, new, row, **kwargs):
        if not new:
            instance._cell_before = self.cell_of(instance)
            instance._display_before = instance.display_value

    @staticmethod
    def cell_of(figure):
        return tuple(getattr(figure, name) for name in CELL_FIELDS)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        before = getattr(instance, "_cell_before", None)
        return not import_validation_errors and before == self.cell_of(instance)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        # parse_long checked every cell (lengths, statuses, whole numbers >= 0) and the
        # uniqueness of each cell for the whole file; the model's own clean() and any field
        # it did not check still run here, without a query per row.
        errors = dict(import_validation_errors or {})
        try:
            instance.full_clean(
                exclude=[*errors, *PARSER_CHECKED],
                validate_unique=False,
                validate_constraints=False,
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def before_save_instance(self, instance, row, **kwargs):
        before = getattr(instance, "_display_before", "")
        if len(self.changes) < PREVIEW_LIMIT:
            self.changes.append(Change(instance, before, instance.display_value))
        if self._is_dry_run(kwargs):
            return
        instance.entered_by = self.user
        instance.import_batch = self.get_batch()
        instance.updated_at = timezone.now()
        if instance.pk:
            self.updated_ids.add(instance.pk)
        if instance.pk and instance.verified_at:
            instance.verified_by = None  # the verifier checked another value
            instance.verified_at = None

    def get_batch(self):
        if self.batch is None:
            self.batch = ImportBatch.objects.create(
                campaign=self.campaign,
                request=self.for_request,
                layout=self.layout,
                original_name=self.file_name[:255],
                correspondence=self.correspondence,
                uploaded_by=self.user,
            )
        return self.batch

    # --- 3. Bulk writes that history sees.
    def get_bulk_update_fields(self):
        return list(CELL_FIELDS + RECORD_FIELDS)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self.write_in_bulk(self.create_instances, dry_run, raise_errors, result, self.create_all)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self.write_in_bulk(self.update_instances, dry_run, raise_errors, result, self.update_all)

    def write_in_bulk(self, instances, dry_run, raise_errors, result, write):
        if not instances:
            return
        try:
            if not dry_run:  # the preview needs no writes: every check ran before
                write(instances)
        except Exception as error:
            self.handle_import_error(result, error, raise_errors)
        finally:
            instances.clear()

    def create_all(self, instances):
        created = Figure.objects.bulk_create(instances, batch_size=self._meta.batch_size)
        history.record(
            Figure,
            [figure.pk for figure in created],
            history_type=history.CREATED,
            user=self.user,
            reason=self.change_reason(),
        )
        self.created_figures.extend(created)

    def update_all(self, instances):
        Figure.objects.bulk_update(
            instances, self.get_bulk_update_fields(), batch_size=self._meta.batch_size
        )
        history.record(
            Figure,
            [figure.pk for figure in instances],
            history_type=history.CHANGED,
            user=self.user,
            reason=self.change_reason(),
        )

    def change_reason(self):
        return f"Imported from {self.file_name or 'a returns file'}"[:100]

    # --- 4. Record the import once.
    def after_import(self, dataset, result, **kwargs):
        problems = problems_of(result, self)
        result.problems, result.problem_count = problems.lines(), problems.total
        if problems:
            return
        dry_run = self._is_dry_run(kwargs)
        self.summary = result.summary = ImportSummary(
            rows=len(self.parsed),
            created=result.totals[RowResult.IMPORT_TYPE_NEW],
            updated=result.totals[RowResult.IMPORT_TYPE_UPDATE],
            unchanged=result.totals[RowResult.IMPORT_TYPE_SKIP],
            warnings=self.findings,
            changes=self.changes,
            notes=self.notes,
            dry_run=dry_run,
        )
        if dry_run or not self.summary.changed:
            return
        self.finish_batch()
        self.store_warnings()
        self.campaign.mark_data_changed()
        self.summary.batch = self.batch

    def finish_batch(self):
        batch = self.get_batch()
        batch.rows = self.summary.rows
        batch.created = self.summary.created
        batch.updated = self.summary.updated
        batch.unchanged = self.summary.unchanged
        batch.warnings = len(self.findings)
        if self.file_bytes:
            batch.file.save(self.file_name or "returns.csv", ContentFile(self.file_bytes), False)
        batch.save()

    def store_warnings(self):
        figure_ids = {key: figure.pk for key, figure in self.existing.items()}
        figure_ids.update({self.key_of(figure): figure.pk for figure in self.created_figures})
        wanted = {(figure_ids[f.key], f.code): f.message for f in self.findings}
        requests = {p.request.pk for p in self.parsed}
        stale = [
            pk
            for pk, figure_id, code, message, dismissed in PlausibilityWarning.objects.filter(
                figure__request__in=requests
            ).values_list("pk", "figure_id", "code", "message", "dismissed_at")
            if figure_id in self.updated_ids
            or (dismissed is None and wanted.get((figure_id, code)) != message)
        ]
        PlausibilityWarning.objects.filter(pk__in=stale).delete()
        PlausibilityWarning.objects.bulk_create(
            [
                PlausibilityWarning(figure_id=figure_id, code=code, message=message[:500])
                for (figure_id, code), message in wanted.items()
            ],
            ignore_conflicts=True,
        )


def caveat_note(caveat):
    """The preview's line for a caveat of the whole table (docs/file-formats.md, "Caveats")."""
    covered = f"the {caveat.period} figures" if caveat.period else "every figure"
    line = f"{caveat.label}: {caveat.text!r}. {covered.capitalize()} will be flagged"
    if caveat.kind == "partial_year":
        return f"{line} as a partial year, left out of per-day and change figures."
    return f"{line} with it."


def problems_of(result, resource):
    """The reasons the import was refused, as "Row 7, column value: ..." lines: a ProblemList
    (the first ones kept, all counted)."""
    problems = ProblemList()
    for error in result.base_errors:
        if isinstance(error.error, ReturnsFileError):
            problems.merge(error.error.found)
        else:
            problems.add(f"The import failed and nothing was saved: {error.error}")
    for line, errors in result.row_errors():
        for error in errors:
            problems.add(f"{source_of(resource, line)}: {error.error}")
    for invalid in result.invalid_rows:
        for column, messages in invalid.error_dict.items():
            for message in messages:
                problems.add(f"{source_of(resource, invalid.number)}, {column}: {message}")
    return problems


def source_of(resource, line):
    """The spreadsheet location of the library's dataset row `line` (1-based)."""
    if 0 < line <= len(resource.parsed):
        return resource.parsed[line - 1].source.capitalize()
    return f"Row {line + 1}"


class FigureExportResource(resources.ModelResource):
    """The figures list as a long returns file (re-importable), with status and verification:
    every row says whether its figure was verified, by whom and when."""

    force = fields.Field(column_name="force", attribute="request__force__name")
    value = fields.Field(column_name="value")
    verified = fields.Field(column_name="verified")
    verified_by = fields.Field(column_name="verified_by")
    verified_at = fields.Field(column_name="verified_at")

    class Meta:
        model = Figure
        fields = ("force", "period", "measure", "breakdown", "category", "value", "note")
        fields += ("status", "caveat", "caveat_text", "verified", "verified_by", "verified_at")
        export_order = fields

    def dehydrate_value(self, figure):
        if figure.status == Figure.Status.REPORTED:
            return figure.value
        return figure.raw_value if figure.status == Figure.Status.SUPPRESSED else ""

    def dehydrate_verified(self, figure):
        return "yes" if figure.is_verified else "no"

    def dehydrate_verified_by(self, figure):
        return figure.verified_by.get_username() if figure.verified_by else None

    def dehydrate_verified_at(self, figure):
        if not figure.verified_at:
            return None
        return timezone.localtime(figure.verified_at).isoformat(timespec="seconds")
