"""Admin for returned figures: list, long-file Import, one force's table, hand entry, batches."""

import json
import os

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils.html import format_html, format_html_join
from import_export.admin import ImportExportMixin
from import_export.forms import ConfirmImportForm, ImportForm
from import_export.signals import post_import
from import_export.tmp_storages import TempFolderStorage
from simple_history.admin import SimpleHistoryAdmin

from jobs import running as jobs
from returns import breakdowns, roles
from returns.admin.figure_export import FigureExportMixin
from returns.admin.verification import VerificationMixin, verify_selected_figures
from returns.importing import cells, claims
from returns.importing.files import ReturnsFileFormat, estimated_rows, refused_at_once
from returns.importing.limits import ImportLimits
from returns.importing.reading import DERIVED_NOTE, Choices
from returns.importing.resource import FigureResource
from returns.importing.service import WIDE_BREAKDOWNS, confirm_stored, import_long, import_wide
from returns.jobs import import_params
from returns.models import (
    CATEGORY_ORDER,
    FIGURE_DISPLAY_ORDER,
    Campaign,
    Figure,
    FOIRequest,
    ImportBatch,
)
from returns.periods import normalise_period
from returns.replies import attached as attached_tables


# --- Long-file import through django-import-export's admin flow (preview, then confirm).
class CampaignImportForm(ImportForm):
    campaign = forms.ModelChoiceField(
        Campaign.objects.all(), help_text="The round these figures answer."
    )
    field_order = ["campaign", "resource", "import_file", "format"]

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        # One format that tells CSV from XLSX by content: nothing for staff to choose.
        self.fields["format"].required = False
        campaigns = Campaign.objects.all()
        if len(campaigns) == 1:
            self.fields["campaign"].initial = campaigns[0].pk

    def clean_format(self):
        return self.cleaned_data.get("format") or "0"

    def clean_import_file(self):
        return refuse_oversize(self.cleaned_data["import_file"])


def refuse_oversize(upload):
    """An upload over MAX_UPLOAD_BYTES is refused before anything reads it."""
    problem = ImportLimits.from_settings().size_problem(upload.size)
    if problem:
        raise forms.ValidationError(problem)
    return upload


def stored_rows(name):
    """About how many rows the upload a preview stored holds (0 once it has gone)."""
    try:
        return estimated_rows(claims.peek(name))
    except claims.UploadUnavailable:
        return 0  # the confirm itself says so


def remove_stored_upload(name):
    """Delete django-import-export's temporary copy of an upload; gone already is fine."""
    if name:
        try:
            TempFolderStorage(name=os.path.basename(name)).remove()
        except FileNotFoundError:
            pass


class CampaignConfirmImportForm(ConfirmImportForm):
    campaign = forms.ModelChoiceField(Campaign.objects.all(), widget=forms.HiddenInput)
    format = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_format(self):
        return self.cleaned_data.get("format") or "0"


class VerifiedFilter(admin.SimpleListFilter):
    title = "verified"
    parameter_name = "verified"

    def lookups(self, request, model_admin):
        return [("yes", "Verified"), ("no", "Not verified")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(verified_at__isnull=self.value() == "no")
        return queryset


def distinct_values(field_name):
    """The distinct values of an indexed column of the figures, in order. On PostgreSQL by a
    loose index scan (a recursive query that jumps from each value to the next in the column's
    index): a few index probes rather than reading every figure, of which there may be millions.
    """
    if connection.vendor != "postgresql":
        values = Figure.objects.order_by(field_name).values_list(field_name, flat=True)
        return list(values.distinct())
    column = connection.ops.quote_name(Figure._meta.get_field(field_name).column)
    table = connection.ops.quote_name(Figure._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE found(value) AS (
                (SELECT {column} FROM {table} ORDER BY {column} LIMIT 1)
                UNION ALL
                SELECT (SELECT {column} FROM {table} WHERE {column} > found.value
                        ORDER BY {column} LIMIT 1)
                FROM found WHERE found.value IS NOT NULL
            )
            SELECT value FROM found WHERE value IS NOT NULL
            """
        )
        return [value for (value,) in cursor.fetchall()]


class PeriodFilter(admin.AllValuesFieldListFilter):
    """Django's list of the periods figures have, read from the period index."""

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        self.lookup_choices = distinct_values(field_path)


class HavingFiguresFilter(admin.RelatedFieldListFilter):
    """The campaigns (or forces) that have figures, each asked with one EXISTS: Django's
    RelatedOnlyFieldListFilter reads the distinct values of every figure instead."""

    def field_choices(self, field, request, model_admin):
        having = Exists(Figure.objects.filter(**{self.field_path: OuterRef("pk")}))
        ordering = self.field_admin_ordering(field, request, model_admin)
        return field.get_choices(include_blank=False, limit_choices_to=Q(having), ordering=ordering)


class BreakdownFilter(admin.SimpleListFilter):
    """The breakdowns that figures have, by name; the headline total ("") is one of them."""

    title = "breakdown"
    parameter_name = "breakdown"
    HEADLINE = "headline"

    def lookups(self, request, model_admin):
        return [
            (code or self.HEADLINE, self.label(code))
            for code in distinct_values("breakdown")
            if code != self.HEADLINE
        ]

    @staticmethod
    def label(code):
        if not code:
            return "Headline total"
        entry = breakdowns.get(code)
        return entry.label if entry else code

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(breakdown="" if self.value() == self.HEADLINE else self.value())


class FigureEntryForm(forms.ModelForm):
    """Hand entry: the same rules as a file's row, with messages on the field concerned."""

    class Meta:
        model = Figure
        fields = ["period", "breakdown", "category", "status", "value", "raw_value", "note"]
        widgets = {"note": forms.TextInput(attrs={"size": 30})}

    def clean(self):
        data = super().clean()
        request = data.get("request") or getattr(self.instance, "request", None)
        if request is None:
            return data
        campaign = request.campaign
        self.instance.measure = self.instance.measure or campaign.measure
        self.clean_cell(data, campaign)
        self.check_value(data)
        if not self.errors:
            self.check_not_duplicate(data, request)
        return data

    def clean_cell(self, data, campaign):
        try:
            data["period"] = normalise_period(data.get("period"))
            if data["period"] not in campaign.periods:
                raise ValueError(f"{data['period']} was not asked in this campaign.")
        except ValueError as error:
            self.add_error("period", str(error))
        try:
            breakdown = cells.parse_breakdown(data.get("breakdown"))
            data["breakdown"], data["category"] = cells.parse_category(
                breakdown, data.get("category")
            )
        except ValueError as error:
            self.add_error("category", str(error))

    def check_value(self, data):  # not clean_value: Django would call that per field
        status, value = data.get("status"), data.get("value")
        if status == Figure.Status.REPORTED and value is None:
            self.add_error("value", "A reported figure needs its number (0 included).")
        elif status and status != Figure.Status.REPORTED and value is not None:
            self.add_error("value", "Only a reported figure has a number: clear it.")
        elif status == Figure.Status.SUPPRESSED and not data.get("raw_value"):
            self.add_error("raw_value", "Write what the force wrote, e.g. <5 or *.")

    def check_not_duplicate(self, data, request):
        clash = Figure.objects.filter(
            request=request,
            period=data.get("period"),
            measure=self.instance.measure,
            breakdown=data.get("breakdown", ""),
            category=data.get("category", ""),
        ).exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("This force already has this figure for this period.")


def record_hand_entry(figure, user, changed):
    """Who entered it; a changed figure is unverified (the verifier checked another value)."""
    if not changed:
        return
    figure.entered_by = user
    figure.import_batch = None
    if figure.pk and figure.verified_at:
        figure.verified_by = None
        figure.verified_at = None


class FigureInlineFormSet(forms.BaseInlineFormSet):
    user = None

    def add_fields(self, form, index):
        """A tabular row's fields have no label of their own: each gets its column's name."""
        super().add_fields(form, index)
        for field in form.fields.values():
            field.widget.attrs.setdefault("aria-label", str(field.label))

    def save(self, commit=True):
        for form in self.forms:
            if form.has_changed() and form not in self.deleted_forms:
                record_hand_entry(form.instance, self.user, changed=True)
        saved = super().save(commit=commit)
        if commit and (self.changed_objects or self.new_objects or self.deleted_objects):
            self.instance.campaign.mark_data_changed()
        return saved


class FigureInline(admin.TabularInline):
    """Figures on the FOI request page: typed in for a force that replied in prose."""

    model = Figure
    form = FigureEntryForm
    formset = FigureInlineFormSet
    fields = ["period", "breakdown", "category", "status", "value", "raw_value", "note"]
    readonly_fields = []
    extra = 0
    ordering = FIGURE_DISPLAY_ORDER
    template = "admin/returns/figure/inline_tabular.html"
    verbose_name = "figure"
    verbose_name_plural = "figures"

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"user": request.user})


# --- The figures list.
@admin.register(Figure)
class FigureAdmin(VerificationMixin, FigureExportMixin, ImportExportMixin, SimpleHistoryAdmin):
    list_display = [
        "force",
        "period",
        "breakdown",
        "category_display",
        "display_value",
        "status",
        "verified",
        "open_warnings",
        "import_batch",
    ]
    actions = [verify_selected_figures]
    list_filter = [
        ("request__campaign", HavingFiguresFilter),
        ("request__force", HavingFiguresFilter),
        ("period", PeriodFilter),
        "status",
        "caveat",
        BreakdownFilter,
        VerifiedFilter,
    ]
    # Each request's figures together (requests in the order they were made: a campaign's
    # forces by name), then as on the request page. Not by campaign and force name, as
    # FIGURE_DISPLAY_ORDER's "request" would: the database reads this order from the figures'
    # own index, a page at a time, instead of sorting every figure to show a hundred.
    ordering = ["request_id", *FIGURE_DISPLAY_ORDER[1:]]
    # One count of the figures shown, not a second of all of them under every filtered list
    # (the admin then offers "Show all" instead of the grand total).
    show_full_result_count = False
    search_fields = ["request__force__name", "request__force__short_name", "category", "note"]
    list_select_related = ["request__force", "request__campaign", "import_batch"]
    form = FigureEntryForm
    fields = ["request", "period", "breakdown", "category", "status", "value", "raw_value", "note"]
    fields += ["caveat", "caveat_text"]  # a partial year, provisional (docs/statistics.md)
    readonly_fields = ["entered_by", "import_batch", "entered_at", "verified_by", "verified_at"]
    raw_id_fields = ["request"]

    resource_classes = [FigureResource]
    import_formats = [ReturnsFileFormat]
    import_form_class = CampaignImportForm
    confirm_form_class = CampaignConfirmImportForm
    import_template_name = "admin/returns/figure/import.html"

    def get_fields(self, request, obj=None):
        return self.fields + self.readonly_fields if obj else self.fields

    @admin.display(ordering="request__force__name")
    def force(self, figure):
        return figure.request.force

    @admin.display(description="category", ordering=CATEGORY_ORDER)
    def category_display(self, figure):
        return figure.category

    @admin.display(description="value")
    def display_value(self, figure):
        return figure.display_value

    @admin.display(boolean=True)
    def verified(self, figure):
        return figure.is_verified

    def save_model(self, request, figure, form, change):
        record_hand_entry(figure, request.user, changed=form.has_changed())
        super().save_model(request, figure, form, change)
        if form.has_changed():
            figure.request.campaign.mark_data_changed()

    def delete_model(self, request, figure):
        campaign = figure.request.campaign
        super().delete_model(request, figure)
        campaign.mark_data_changed()

    def delete_queryset(self, request, queryset):
        # The database records the change whatever deletes figures (FigureChange); this only
        # asks for the statistics now rather than at the next sweep.
        campaigns = list(Campaign.objects.filter(requests__figures__in=queryset).distinct())
        super().delete_queryset(request, queryset)
        for campaign in campaigns:
            campaign.mark_data_changed()

    # --- django-import-export hooks: the campaign, the user and the kept file (export: in
    # FigureExportMixin).
    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        data = getattr(form, "cleaned_data", None) or {}
        if "campaign" not in data:
            return {}
        # The preview's resource; the confirm runs through import_long (process_import).
        return {
            "campaign": data["campaign"],
            "user": request.user,
            "file_name": getattr(data.get("import_file"), "name", ""),
        }

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["campaign"] = import_form.cleaned_data["campaign"].pk
        return initial

    def import_action(self, request, **kwargs):
        """The library keeps its temporary copy of the upload for the confirm step, even when
        the file is refused or the preview fails: keep it only when there is a confirm step.
        A big file is previewed by a worker instead (docs/long-work.md)."""
        background = self.preview_in_background(request)
        if background:
            return background
        response = None
        try:
            response = super().import_action(request, **kwargs)
            return response
        finally:
            context = getattr(response, "context_data", None) or {}
            if not context.get("confirm_form"):
                upload = request.FILES.get("import_file")
                remove_stored_upload(getattr(upload, "tmp_storage_name", None))

    def preview_in_background(self, request):
        """For a valid upload of more than JOBS_INLINE_MAX_ROWS rows: store it as the inline
        preview would, start the preview job and send the user to its page; else None."""
        if request.method != "POST" or not self.has_import_permission(request):
            return None
        form = self.create_import_form(request)
        if not form.is_valid():
            return None
        upload = form.cleaned_data["import_file"]
        data = upload.read()
        upload.seek(0)
        if not jobs.runs_in_background(estimated_rows(data)) or refused_at_once(data):
            return None  # the inline path previews it, or refuses it at once
        stored = self.write_to_tmp_storage(upload, ReturnsFileFormat())
        campaign = form.cleaned_data["campaign"]
        job = jobs.start(
            "import_preview",
            user=request.user,
            title=f"Checking {upload.name} for {campaign} (preview)",
            params=import_params(
                request.user, campaign, os.path.basename(stored.name), upload.name
            ),
        )
        return redirect("admin:jobs_job_change", job.pk)

    def add_data_read_fail_error_to_form(self, form, error):
        form.add_error("import_file", str(error))

    def process_import(self, request, **kwargs):
        """The confirm: the library's flow reported "Import finished" even when the import was
        rolled back. This one saves at most once per preview and says what was committed."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_confirm_form(request)
        if not form.is_valid():
            return super().process_import(request, **kwargs)  # the library's page for it
        data = form.cleaned_data
        if jobs.runs_in_background(stored_rows(data["import_file_name"])):
            return self.confirm_in_background(request, data)
        outcome = confirm_stored(
            data["import_file_name"],
            lambda upload: import_long(
                data["campaign"], upload, data["original_file_name"], request.user
            ),
        )
        if not outcome.ok:
            report_not_saved(request, outcome)
            return redirect("admin:returns_figure_import")
        messages.success(request, f"Import finished: {outcome.summary.counts_text()}.")
        post_import.send(sender=None, model=self.model)
        return redirect("admin:returns_figure_changelist")

    def confirm_in_background(self, request, data):
        job = jobs.start(
            "import_confirm",
            user=request.user,
            title=f"Importing {data['original_file_name']} into {data['campaign']}",
            params=import_params(
                request.user, data["campaign"], data["import_file_name"], data["original_file_name"]
            ),
        )
        return redirect("admin:jobs_job_change", job.pk)

    # --- One force's own table, from its request's page.
    def get_urls(self):
        return [
            path(
                "import-table/<int:request_id>/",
                self.admin_site.admin_view(self.import_table_view),
                name="returns_figure_import_table",
            ),
            *super().get_urls(),
        ]

    def may_import_table(self, request):
        """Who may import a force's table: the view's check, and the "Import this table"
        buttons' (returns/replies/attached.py)."""
        return self.has_import_permission(request) and self.has_change_permission(request)

    def import_table_view(self, request, request_id):
        """Upload -> preview with the reading report -> (read again with other choices)* ->
        confirm. The confirm reads the stored upload with the same choices as the preview.
        With ?attachment=ID (or ?correspondence=ID) the file is a reply's stored attachment
        instead of an upload: the first page names it and asks only for the breakdown."""
        if not self.may_import_table(request):
            raise PermissionDenied(roles.refusal(roles.IMPORT_FIGURES, "Importing a force's table"))
        foi_request = get_object_or_404(
            FOIRequest.objects.select_related("force", "campaign"), pk=request_id
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": f"Import a table from {foi_request.force}",
            "foi_request": foi_request,
            "request_url": request_page(foi_request),
        }
        try:
            context["attached"] = attached = attached_tables.find(foi_request, request.GET)
        except attached_tables.Refused as refusal:
            messages.error(request, str(refusal))
            return redirect(context["request_url"] or reverse("admin:returns_figure_changelist"))
        if request.method != "POST":
            context["form"] = table_form(attached)
            return self.render_table(request, context)
        if "confirm" in request.POST:
            return self.confirm_table(request, foi_request, context)
        if "reread" in request.POST:
            return self.reread_table(request, foi_request, context)
        form = table_form(attached, request.POST, request.FILES)
        context["form"] = form
        if not form.is_valid():
            return self.render_table(request, context)
        name, data = form.name_and_bytes()
        breakdown = form.cleaned_data["breakdown"]
        outcome = import_wide(foi_request, data, breakdown, name, request.user, True)
        stored_name = ""
        if outcome.reading is not None:  # readable: keep it for "Read again" and the confirm
            storage = TempFolderStorage(read_mode="rb")
            storage.save(data)
            stored_name = storage.name.rsplit("/", 1)[-1]
        return self.show_preview(request, context, outcome, stored_name, name, breakdown)

    def reread_table(self, request, foi_request, context):
        form = WideConfirmForm(request.POST)
        if not form.is_valid():
            raise PermissionDenied
        data = form.cleaned_data
        try:
            upload = claims.peek(data["stored_name"])
        except claims.UploadUnavailable as error:
            messages.error(request, str(error))
            return redirect(request.get_full_path())
        outcome = import_wide(
            foi_request,
            upload,
            data["breakdown"],
            data["original_name"],
            request.user,
            True,
            choices=form.choices(),
        )
        return self.show_preview(
            request,
            context,
            outcome,
            data["stored_name"],
            data["original_name"],
            data["breakdown"],
        )

    def show_preview(self, request, context, outcome, stored_name, original_name, breakdown):
        context["outcome"] = outcome
        reading = outcome.reading
        if reading is not None and stored_name:
            form = WideConfirmForm(
                initial={
                    "stored_name": stored_name,
                    "original_name": original_name,
                    "breakdown": breakdown,
                    "sheet": reading.sheet,
                    "header_row": reading.header_row or "",
                    "derive_total": reading.derive_total,
                    **self.marker_initial(request, reading),
                },
                sheets=[sheet.name for sheet in reading.sheets],
                markers=[text for text, _ in reading.markers],
            )
            context["reading"] = reading
            context["derived_note"] = DERIVED_NOTE
            context["choices_form"] = form
            if outcome.ok:
                context["confirm_form"] = form
        return self.render_table(request, context)

    @staticmethod
    def marker_initial(request, reading):
        """The meanings chosen before "Read again", kept on the form it shows next."""
        if "reread" not in request.POST:
            return {"empty_means_zero": False}
        posted = WideConfirmForm(request.POST)
        posted.is_valid()
        chosen = (posted.cleaned_data.get("marker_texts") or []) if posted.cleaned_data else []
        keep = {
            cells.marker_key(text): request.POST.get(f"marker_{index}", "")
            for index, text in enumerate(chosen)
        }
        initial = {
            f"marker_{index}": keep.get(cells.marker_key(text), "")
            for index, (text, _) in enumerate(reading.markers)
        }
        initial["empty_means_zero"] = bool(request.POST.get("empty_means_zero"))
        return initial

    def confirm_table(self, request, foi_request, context):
        form = WideConfirmForm(request.POST)
        if not form.is_valid():
            raise PermissionDenied
        data = form.cleaned_data
        attached = context["attached"]  # the reply the file came with, recorded on the batch
        outcome = confirm_stored(
            data["stored_name"],
            lambda upload: import_wide(
                foi_request,
                upload,
                data["breakdown"],
                data["original_name"],
                request.user,
                choices=form.choices(),
                correspondence=attached.correspondence if attached else None,
            ),
        )
        if not outcome.ok:
            report_not_saved(request, outcome)
            return redirect(request.get_full_path())
        messages.success(
            request, f"Imported {foi_request.force}'s table: {outcome.summary.counts_text()}."
        )
        return redirect(context["request_url"] or reverse("admin:returns_figure_changelist"))

    def render_table(self, request, context):
        return TemplateResponse(request, "admin/returns/figure/import_table.html", context)


TABLE_KINDS = (".csv", ".txt", ".xlsx", ".xlsm", ".docx", ".pdf")


def table_form(attached, data=None, files=None):
    """The first page's form: an upload, or only the breakdown for a reply's attachment."""
    if attached is None:
        return WideImportForm(data, files)
    return AttachedTableForm(data, attached=attached)


class WideImportForm(forms.Form):
    table = forms.FileField(
        label="The force's table (CSV, .xlsx, .docx or PDF)",
        help_text="Categories down, financial years across; title rows, notes and a Total row "
        "or column are fine. You will see how it was read before anything is saved.",
    )
    breakdown = forms.ChoiceField(choices=WIDE_BREAKDOWNS, initial="victim_age", required=False)

    def clean_table(self):
        upload = refuse_oversize(self.cleaned_data["table"])
        if not upload.name.lower().endswith(TABLE_KINDS):
            raise forms.ValidationError(
                f"{upload.name}: a force's table is read from {', '.join(TABLE_KINDS)} files."
            )
        return upload

    def name_and_bytes(self):
        """(file name, bytes) of the table to read."""
        upload = self.cleaned_data["table"]
        return upload.name, upload.read()


class AttachedTableForm(forms.Form):
    """A reply's stored attachment instead of an upload, under the same size limit."""

    breakdown = forms.ChoiceField(choices=WIDE_BREAKDOWNS, initial="victim_age", required=False)

    def __init__(self, *args, attached, **kwargs):
        super().__init__(*args, **kwargs)
        self.attached = attached

    def clean(self):
        data = super().clean()
        try:
            refuse_oversize(self.attached)
        except OSError:
            raise forms.ValidationError(f"{self.attached.name} is missing from storage.") from None
        return data

    def name_and_bytes(self):
        return self.attached.name, self.attached.read()


class WideConfirmForm(forms.Form):
    """The preview's choices, sent back by "Read again" and by the confirm, which reads the
    stored upload with them: what is confirmed is what the preview showed."""

    stored_name = forms.CharField(widget=forms.HiddenInput)
    original_name = forms.CharField(widget=forms.HiddenInput)
    breakdown = forms.ChoiceField(choices=WIDE_BREAKDOWNS, required=False)
    sheet = forms.CharField(required=False, label="Sheet or table")
    header_row = forms.IntegerField(
        required=False, min_value=1, label="Header row", help_text="The row of financial years."
    )
    derive_total = forms.BooleanField(
        required=False,
        label="Use the sum of the rows as the total (marked derived)",
        help_text=f"For a table with no Total row: the note says “{DERIVED_NOTE}”.",
    )

    empty_means_zero = forms.BooleanField(
        required=False,
        label="Empty cells mean 0",
        help_text="Only for a pivot-table export, where an empty cell is a count of none.",
    )
    marker_texts = forms.JSONField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, sheets=(), markers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if sheets:
            self.fields["sheet"].widget = forms.Select(choices=[(name, name) for name in sheets])
        # One choice per marker the table holds ("N/A", "-", "<5" ...): how to store it.
        if markers is None:
            markers = self._posted_marker_texts()
        self.initial["marker_texts"] = markers
        meanings = [("", "as read (see the table of markers)"), *cells.MEANINGS.items()]
        for index, text in enumerate(markers):
            self.fields[f"marker_{index}"] = forms.ChoiceField(
                choices=meanings, required=False, label=f"Store “{text}” as"
            )

    def _posted_marker_texts(self):
        try:
            texts = json.loads(self.data.get("marker_texts") or "[]")
        except (TypeError, ValueError):
            return []
        return [str(text) for text in texts if isinstance(text, str)][:50]

    def clean_stored_name(self):
        name = self.cleaned_data["stored_name"]
        if "/" in name or "\\" in name or name.startswith("."):
            raise forms.ValidationError("Bad file reference.")
        return name

    def choices(self):
        data = self.cleaned_data
        return Choices(
            sheet=data.get("sheet") or "",
            header_row=data.get("header_row"),
            derive_total=bool(data.get("derive_total")),
            markers=self.marker_meanings(),
        )

    def marker_meanings(self):
        """{marker key: status} for the markers given another meaning, or None."""
        data = self.cleaned_data
        chosen = {
            cells.marker_key(text): data[f"marker_{index}"]
            for index, text in enumerate(data.get("marker_texts") or [])
            if data.get(f"marker_{index}")
        }
        if data.get("empty_means_zero"):
            chosen[cells.EMPTY] = cells.REPORTED
        return chosen or None


def report_not_saved(request, outcome, shown=20):
    """An error message that says nothing was saved, and why (the first `shown` problems)."""
    problems = outcome.problems
    more = outcome.problem_count - min(shown, len(problems))
    messages.error(
        request,
        format_html(
            "Nothing was saved by this confirm:<ul>{}{}</ul>",
            format_html_join("", "<li>{}</li>", ((problem,) for problem in problems[:shown])),
            format_html("<li>… and {} more.</li>", more) if more > 0 else "",
        ),
    )


def request_page(foi_request):
    try:
        return reverse("admin:returns_foirequest_change", args=[foi_request.pk])
    except NoReverseMatch:
        return ""


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = [
        "uploaded_at",
        "original_name",
        "campaign",
        "request",
        "layout",
        "uploaded_by",
        "created",
        "updated",
        "unchanged",
        "warnings",
        "figures_link",
    ]
    list_filter = ["campaign", "layout", "uploaded_by"]
    list_select_related = ["campaign", "request__force", "uploaded_by"]
    date_hierarchy = "uploaded_at"
    readonly_fields = [field.name for field in ImportBatch._meta.fields]

    def has_add_permission(self, request):
        return False  # batches are made by imports

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="figures")
    def figures_link(self, batch):
        url = reverse("admin:returns_figure_changelist") + f"?import_batch__exact={batch.pk}"
        return format_html('<a href="{}">figures</a>', url)
