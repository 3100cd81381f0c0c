import os

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import path
from django.utils.safestring import mark_safe
from import_export import fields, resources
from import_export.admin import ImportExportModelAdmin
from import_export.forms import ImportForm
from import_export.results import RowResult
from import_export.tmp_storages import TempFolderStorage

from forces.addresses import AddressFileFormat, ForceAddressResource, address_counts, template_csv
from forces.models import Force, Under18Population
from returns import roles
from returns.importing.limits import ImportLimits
from returns.spreadsheet_safety import SafeExportMixin

# Who a force is: Administrators only (roles.EDIT_FORCE_DIRECTORY); caseworkers see these
# read-only, and edit the FOI address and aliases (README: Staff roles).
DIRECTORY_FIELDS = ("name", "short_name", "ons_code", "nation", "regime", "kind", "active")


class ForceResource(resources.ModelResource):
    class Meta:
        model = Force
        name = "Whole directory entries"
        import_id_fields = ["name"]
        fields = [
            "name",
            "short_name",
            "ons_code",
            "nation",
            "regime",
            "kind",
            "foi_email",
            "active",
            "aliases",
            "mail_domains",
        ]
        skip_unchanged = True
        report_skipped = True
        clean_model_instances = True


class HasFoiAddressFilter(admin.SimpleListFilter):
    title = "FOI address"
    parameter_name = "has_address"

    def lookups(self, request, model_admin):
        return [("yes", "Has an FOI address"), ("no", "No FOI address")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(foi_email="")
        if self.value() == "no":
            return queryset.filter(foi_email="")
        return queryset


class AddressImportForm(ImportForm):
    def clean_import_file(self):
        """An upload over MAX_UPLOAD_BYTES is refused before anything reads it."""
        upload = self.cleaned_data["import_file"]
        problem = ImportLimits.from_settings().size_problem(upload.size)
        if problem:
            raise forms.ValidationError(problem)
        return upload


@admin.register(Force)
class ForceAdmin(SafeExportMixin, ImportExportModelAdmin):
    resource_classes = [ForceResource]  # the export; imports: get_import_resource_classes
    import_formats = [AddressFileFormat]
    import_form_class = AddressImportForm
    import_template_name = "admin/forces/force/import.html"
    change_list_template = "admin/forces/force/change_list.html"
    list_display = [
        "name",
        "short_name",
        "ons_code",
        "nation",
        "regime",
        "kind",
        "foi_address",
        "active",
    ]
    list_filter = ["nation", "regime", "kind", "active", HasFoiAddressFilter]
    search_fields = ["name", "short_name", "ons_code", "aliases", "foi_email", "mail_domains"]
    list_editable = ["active"]  # for Administrators only: get_changelist_instance
    fieldsets = [
        (None, {"fields": list(DIRECTORY_FIELDS)}),
        ("Contact", {"fields": ["foi_email", "mail_domains"]}),
        ("Names used in returns", {"fields": ["aliases"]}),
    ]

    @admin.display(description="FOI address", ordering="foi_email")
    def foi_address(self, force):
        if force.foi_email:
            return force.foi_email
        return mark_safe('<strong style="color:#ba2121">⚠ No FOI address</strong>')

    # --- Who may change what: the directory fields are read-only (so left out of the form,
    # whatever is posted) and not editable in the list, unless the user may edit the directory.
    @staticmethod
    def may_edit_directory(request):
        return request.user.has_perm(roles.EDIT_FORCE_DIRECTORY)

    def get_readonly_fields(self, request, obj=None):
        return () if self.may_edit_directory(request) else DIRECTORY_FIELDS

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        if not self.may_edit_directory(request):
            changelist.list_editable = ()
        return changelist

    def get_changelist_formset(self, request, **kwargs):
        """The list's "active" boxes have no label of their own: each names its force."""
        formset = super().get_changelist_formset(request, **kwargs)

        class Labelled(formset):
            def add_fields(self, form, index):
                super().add_fields(form, index)
                for field in form.fields.values():
                    field.widget.attrs["aria-label"] = f"{field.label}: {form.instance}"

        return Labelled

    # --- The list says how many active forces have no FOI address.
    def changelist_view(self, request, extra_context=None):
        active, missing = address_counts()
        extra_context = {
            **(extra_context or {}),
            "active_forces": active,
            "forces_without_address": missing,
        }
        return super().changelist_view(request, extra_context)

    # --- Import: FOI addresses and aliases in bulk (forces/addresses.py), for whoever may edit
    # them; the whole directory entries as well for Administrators.
    def has_import_permission(self, request):
        return request.user.has_perm(roles.EDIT_FORCE_ADDRESSES)

    def get_import_resource_classes(self, request):
        if self.may_edit_directory(request):
            return [ForceAddressResource, ForceResource]
        return [ForceAddressResource]

    def choose_import_resource_class(self, form, request):
        choices = self.get_import_resource_classes(request)
        index = self.get_resource_index(form)
        if not 0 <= index < len(choices):
            raise PermissionDenied
        return choices[index]

    def get_urls(self):
        template = path(
            "import/template/",
            self.admin_site.admin_view(self.address_template_view),
            name="forces_force_import_template",
        )
        return [template, *super().get_urls()]

    def address_template_view(self, request):
        if not self.has_import_permission(request):
            raise PermissionDenied
        response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="force-foi-addresses.csv"'
        return response

    def add_data_read_fail_error_to_form(self, form, error):
        form.add_error("import_file", str(error))

    def import_action(self, request, **kwargs):
        """The library keeps its temporary copy of the upload even when the preview refuses
        the file: keep it only when there is a confirm step."""
        response = None
        try:
            response = super().import_action(request, **kwargs)
            return response
        finally:
            context = getattr(response, "context_data", None) or {}
            stored = getattr(request.FILES.get("import_file"), "tmp_storage_name", None)
            if stored and not context.get("confirm_form"):
                TempFolderStorage(name=os.path.basename(stored)).remove()

    def get_import_data_kwargs(self, **kwargs):
        # All or nothing at the confirm too: the library rolls back on a row's validation
        # error only when asked.
        return {**super().get_import_data_kwargs(**kwargs), "rollback_on_validation_errors": True}

    def process_result(self, result, request):
        """The confirm reads the file again against the directory as it is then: a row that
        fails now (a force renamed, an alias taken meanwhile) has rolled the whole import back;
        say so and why, rather than the library's "Import finished"."""
        if result.has_errors() or result.has_validation_errors():
            messages.error(request, "Nothing was saved: " + " ".join(import_problems(result)))
            return redirect("admin:forces_force_import")
        return super().process_result(result, request)

    def process_dataset(self, dataset, form, request, **kwargs):
        result = super().process_dataset(dataset, form, request, **kwargs)
        result.resource_class = self.choose_import_resource_class(form, request)
        return result

    def add_success_message(self, result, request):
        if getattr(result, "resource_class", None) is not ForceAddressResource:
            return super().add_success_message(result, request)
        changed = result.totals[RowResult.IMPORT_TYPE_UPDATE]
        unchanged = result.totals[RowResult.IMPORT_TYPE_SKIP]
        messages.success(
            request,
            f"Import finished: {changed} force{'' if changed == 1 else 's'} changed, "
            f"{unchanged} row{'' if unchanged == 1 else 's'} changed nothing.",
        )


def import_problems(result):
    """Each problem of an import as "Row 3: reason", rows counted as in a spreadsheet (the
    header is row 1)."""
    problems = [str(error.error) for error in result.base_errors]
    for _, errors in result.row_errors():
        problems += [f"Row {error.number + 1}: {error.error}" for error in errors]
    for row in result.invalid_rows:
        reasons = [reason for reasons in row.error_dict.values() for reason in reasons]
        problems.append(f"Row {row.number + 1}: {' '.join(reasons)}")
    return problems


class Under18PopulationResource(resources.ModelResource):
    force = fields.Field(attribute="force", column_name="force")

    class Meta:
        model = Under18Population
        import_id_fields = ["force", "year"]
        fields = ["force", "year", "under_18", "source"]
        clean_model_instances = True

    def before_import_row(self, row, **kwargs):
        from forces.resolver import ForceResolver

        if not hasattr(self, "_resolver"):
            self._resolver = ForceResolver()
        row["force"] = self._resolver.resolve(row.get("force") or "")

    def dehydrate_force(self, population):
        return population.force.name


@admin.register(Under18Population)
class Under18PopulationAdmin(SafeExportMixin, ImportExportModelAdmin):
    resource_classes = [Under18PopulationResource]
    list_display = ["force", "year", "under_18", "source"]
    list_filter = ["year", "force__nation"]
    search_fields = ["force__name"]
    autocomplete_fields = ["force"]
