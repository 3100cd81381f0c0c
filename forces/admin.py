from django.contrib import admin
from django.utils.safestring import mark_safe
from import_export import fields, resources
from import_export.admin import ImportExportModelAdmin

from forces.models import Force, Under18Population
from returns.spreadsheet_safety import SafeExportMixin


class ForceResource(resources.ModelResource):
    class Meta:
        model = Force
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


@admin.register(Force)
class ForceAdmin(SafeExportMixin, ImportExportModelAdmin):
    resource_classes = [ForceResource]
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
    list_editable = ["active"]
    fieldsets = [
        (
            None,
            {"fields": ["name", "short_name", "ons_code", "nation", "regime", "kind", "active"]},
        ),
        ("Contact", {"fields": ["foi_email", "mail_domains"]}),
        ("Names used in returns", {"fields": ["aliases"]}),
    ]

    @admin.display(description="FOI address", ordering="foi_email")
    def foi_address(self, force):
        if force.foi_email:
            return force.foi_email
        return mark_safe('<strong style="color:#ba2121">⚠ No FOI address</strong>')


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
