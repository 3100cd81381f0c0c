"""Files staff open in a spreadsheet: one rule against formula injection, one export permission.

A cell starting with =, +, -, @, tab or CR is run as a formula by Excel, LibreOffice or Sheets
(OWASP "CSV injection"): a caseworker's note `==HYPERLINK(...)` would be a live link in the
verifier's copy. The verified dataset (returns/exporting.py) and every admin changelist export
write their cells through `neutralise`, which makes such a cell plain text with a leading
apostrophe. See README: Exports.
"""

import tablib
from import_export.formats.base_formats import CSV, XLSX

from returns import roles

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell):
    if isinstance(cell, str) and cell.startswith(FORMULA_TRIGGERS):
        return "'" + cell
    return cell


FIRST_CHARACTERS = frozenset(FORMULA_TRIGGERS)  # each trigger is one character


def neutralised_cells(cells, other=None):
    """`neutralise` over a list of cells: the same rule, at the speed a million-row file needs.
    `other`, if given, turns each cell that is not text into what is written instead."""
    if other is None:
        return ["'" + c if isinstance(c, str) and c[:1] in FIRST_CHARACTERS else c for c in cells]
    return [
        ("'" + c if c[:1] in FIRST_CHARACTERS else c) if isinstance(c, str) else other(c)
        for c in cells
    ]


def neutralised(dataset):
    """A copy of a tablib dataset with every cell, headers included, through `neutralise`."""
    headers = [neutralise(header) for header in dataset.headers] if dataset.headers else None
    safe = tablib.Dataset(headers=headers, title=dataset.title)
    for row in dataset:
        safe.append([neutralise(cell) for cell in row])
    return safe


class SafeExportMixin:
    """For a django-import-export ModelAdmin: the dataset's export permission, CSV or XLSX, and
    every exported cell through `neutralise`.

    The library's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT is off (config/settings.py): it
    strips a single leading "=" only, so "==HYPERLINK(...)" stays a formula, and it writes every
    cell as text ("None", numbers a SUM skips). tests/returns/test_admin_export_safety.py checks
    that every admin with an Export uses this mixin.
    """

    export_formats = [CSV, XLSX]

    def has_export_permission(self, request):
        return request.user.has_perm(roles.EXPORT_DATASET)

    def get_data_for_export(self, request, queryset, **kwargs):
        return neutralised(super().get_data_for_export(request, queryset, **kwargs))
