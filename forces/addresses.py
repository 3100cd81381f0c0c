"""Forces' FOI addresses in bulk: a CSV or XLSX of `force,foi_email[,alias]` (README: A round,
step by step).

One row per force: `force` is its name, alias or ONS code (forces/resolver.py); `foi_email`
becomes its FOI address (empty: left as it is); `alias`, if given, is added to its aliases
unless it already answers to it ("Met Police; MPS": several). Only the address and the aliases
change, whoever uploads. A row naming no known force, an invalid address or a second row for
the same force refuses the whole file, like the returns import (README: Returns file format).
"""

import csv
import io
import re

from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from import_export import fields, resources
from import_export.results import RowResult

from forces.models import Force
from forces.resolver import ForceResolutionError, ForceResolver, normalise
from returns.importing.cells import is_blank
from returns.importing.files import (
    BLANK_COLUMN_PREFIX,
    EXTRA_COLUMN_PREFIX,
    ReturnsFileFormat,
    read_rows,
    rows_to_dataset,
)
from returns.spreadsheet_safety import neutralise

COLUMNS = ("force", "foi_email", "alias")
REQUIRED = ("force", "foi_email")
CHANGED_FIELDS = ["foi_email", "aliases"]


class AddressFileError(ValueError):
    """The file is refused as a whole (its header): nothing is read further."""


class AddressFileFormat(ReturnsFileFormat):
    """CSV or XLSX told apart by content, read with the returns files' limits and encodings."""

    def create_dataset(self, in_stream):
        return rows_to_dataset(read_rows(bytes(in_stream)))


def column_key(header):
    """'FOI email' -> 'foi_email', ' Force ' -> 'force'."""
    return re.sub(r"[\s-]+", "_", str(header or "").strip().lower())


def header_problems(headers):
    missing = [f"The file has no {name!r} column." for name in REQUIRED if name not in headers]
    twice = [f"The column {name!r} appears twice." for name in COLUMNS if headers.count(name) > 1]
    others = [
        column_problem(at, header) for at, header in enumerate(headers, 1) if header not in COLUMNS
    ]
    return missing + twice + others


def column_problem(position, header):
    if header.startswith((BLANK_COLUMN_PREFIX, EXTRA_COLUMN_PREFIX)):
        return f"Column {position} has values but no header."
    return f"Column {position} ({header!r}) is not one of force, foi_email, alias."


def in_column_order(headers, row):
    return [row[headers.index(name)] if name in headers else None for name in COLUMNS]


def cell(row, column):
    value = row.get(column)
    return "" if is_blank(value) else str(value).strip()


def split_aliases(text):
    return [alias.strip() for alias in text.split(";") if alias.strip()]


class ForceAddressResource(resources.ModelResource):
    force = fields.Field(attribute="name", column_name="force", readonly=True)
    foi_email = fields.Field(attribute="foi_email", column_name="foi_email", readonly=True)
    alias = fields.Field(attribute="aliases", column_name="aliases", readonly=True)

    class Meta:
        model = Force
        name = "FOI addresses (force, foi_email, alias)"
        fields = ("force", "foi_email", "alias")
        import_id_fields = ("force",)
        report_skipped = False  # the preview lists the forces that change
        clean_model_instances = True

    def get_user_visible_fields(self):
        """The columns the import page lists: the file's, not the model's."""
        return [fields.Field(column_name=name) for name in COLUMNS]

    def before_import(self, dataset, **kwargs):
        headers = [column_key(header) for header in dataset.headers]
        problems = header_problems(headers)
        rows = [] if problems else [in_column_order(headers, row) for row in dataset]
        # The columns in one order (the previews show them so); no rows after a wrong header.
        dataset.wipe()
        dataset.headers = list(COLUMNS)
        dataset.extend(rows)
        if problems:
            raise AddressFileError(" ".join(problems))
        self.resolver = ForceResolver()
        self.row_of_force = {}

    def import_row(self, row, instance_loader, **kwargs):
        if all(is_blank(value) for value in row.values()):
            blank = self.get_row_result_class()()
            blank.import_type = RowResult.IMPORT_TYPE_SKIP
            return blank
        return super().import_row(row, instance_loader, **kwargs)

    def before_import_row(self, row, row_number=None, **kwargs):
        try:
            force = self.resolver.resolve(cell(row, "force"))
        except ForceResolutionError as error:
            raise ValidationError({"force": str(error)}) from error
        first = self.row_of_force.setdefault(force.pk, row_number)
        if first != row_number:
            # Spreadsheet rows: the header is row 1.
            raise ValidationError({"force": f"{force.name} is already on row {first + 1}."})
        self.current_force = force

    def get_or_init_instance(self, instance_loader, row):
        return self.current_force, False

    def import_instance(self, instance, row, **kwargs):
        address = cell(row, "foi_email")
        if address:
            instance.foi_email = address
        known = {normalise(name) for name in instance.names()}
        added = []
        for alias in split_aliases(cell(row, "alias")):
            if normalise(alias) and normalise(alias) not in known:
                known.add(normalise(alias))
                added.append(alias)
        if added:
            instance.aliases = "; ".join([*instance.alias_list, *added])

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        return all(getattr(instance, name) == getattr(original, name) for name in CHANGED_FIELDS)

    def do_instance_save(self, instance, is_create):
        instance.save(update_fields=CHANGED_FIELDS)


def template_csv(forces=None):
    """Every active force's name and current address, with an empty alias column, as UTF-8 CSV
    with a BOM (Excel reads it as UTF-8); cells through `neutralise` like every export."""
    forces = Force.objects.filter(active=True) if forces is None else forces
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for force in forces.order_by("name"):
        writer.writerow([neutralise(force.name), neutralise(force.foi_email), ""])
    return "\ufeff" + out.getvalue()


def address_counts():
    """(active forces, active forces without an FOI address), in one query."""
    counts = Force.objects.filter(active=True).aggregate(
        active=Count("pk"), missing=Count("pk", filter=Q(foi_email=""))
    )
    return counts["active"], counts["missing"]
