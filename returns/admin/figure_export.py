"""The figures list's Export: verified figures only unless asked, and then every row marked.

A file that holds unverified figures must never pass for verified data (README: Exports): the
export offers "verified figures only" (the default) or "include unverified figures"; every row
carries verified (yes/no), verified_by and verified_at, whatever the choice, and the file name
says which choice made it. Permission and formula neutralisation are the verified dataset's.
"""

from django import forms
from django.utils import timezone
from import_export.forms import ExportForm

from returns.importing.resource import FigureExportResource
from returns.spreadsheet_safety import SafeExportMixin

VERIFIED_ONLY = "verified"
INCLUDE_UNVERIFIED = "all"


class FigureExportForm(ExportForm):
    # No per-column choice (the library's selectable-fields form): the verification columns
    # must be in every file.
    contents = forms.ChoiceField(
        label="Figures",
        choices=[
            (VERIFIED_ONLY, "Verified figures only"),
            (INCLUDE_UNVERIFIED, 'Include unverified figures (marked "no" in the verified column)'),
        ],
        initial=VERIFIED_ONLY,
        required=False,  # left out: verified figures only
        widget=forms.RadioSelect,
        help_text="Of the figures the list shows (its filters and search apply).",
    )


def includes_unverified(request):
    # Read where the export form posted it; the form has validated it before any file is made.
    return request.POST.get("contents") == INCLUDE_UNVERIFIED


class FigureExportMixin(SafeExportMixin):
    """For FigureAdmin (a django-import-export admin)."""

    export_form_class = FigureExportForm

    def get_export_resource_classes(self, request):
        return [FigureExportResource]

    def get_data_for_export(self, request, queryset, **kwargs):
        queryset = queryset.select_related("verified_by")
        if not includes_unverified(request):
            queryset = queryset.filter(verified_at__isnull=False)
        return super().get_data_for_export(request, queryset, **kwargs)

    def get_export_filename(self, request, queryset, file_format):
        contents = "including-unverified" if includes_unverified(request) else "verified-only"
        day = timezone.localdate().isoformat()
        return f"figures-{contents}-{day}.{file_format.get_extension()}"
