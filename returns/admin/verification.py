"""Admin for verification: plausibility warnings (dismiss with a reason), and the pieces the
figure admin uses (the verify action, its permission, the open-warnings column)."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from returns import roles
from returns.models import PlausibilityWarning
from returns.verification import dismiss_warning, summary, verify_figures

# --- Pieces for FigureAdmin (returns/admin/figures.py) -------------------------------------


@admin.action(description="Verify selected figures", permissions=["verify"])
def verify_selected_figures(modeladmin, request, queryset):
    verified, refused = verify_figures(request.user, queryset.select_related("request"))
    level = messages.SUCCESS if verified and not refused else messages.WARNING
    modeladmin.message_user(request, f"{summary(verified, refused)}.", level)


class VerificationMixin:
    """For FigureAdmin: the verify action's permission and the open-warnings column."""

    def has_verify_permission(self, request):
        return request.user.has_perm(roles.VERIFY_FIGURES)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                open_warning_count=Count("warnings", filter=Q(warnings__dismissed_at__isnull=True))
            )
        )

    @admin.display(description="Open warnings", ordering="open_warning_count")
    def open_warnings(self, figure):
        count = figure.open_warning_count
        if not count:
            return ""
        url = reverse("admin:returns_plausibilitywarning_changelist")
        return format_html('<a href="{}?figure__id__exact={}">{}</a>', url, figure.pk, count)


# --- Plausibility warnings ------------------------------------------------------------------


class OpenFilter(admin.SimpleListFilter):
    title = "state"
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [("open", "Open"), ("dismissed", "Dismissed")]

    def queryset(self, request, queryset):
        if self.value() == "open":
            return queryset.filter(dismissed_at__isnull=True)
        if self.value() == "dismissed":
            return queryset.filter(dismissed_at__isnull=False)
        return queryset


class DismissForm(forms.Form):
    reason = forms.CharField(
        max_length=PlausibilityWarning._meta.get_field("dismissal_reason").max_length,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 80}),
        help_text="Why the figure stands, e.g. “Force confirmed by phone on 3 May: a new unit”.",
    )


@admin.register(PlausibilityWarning)
class PlausibilityWarningAdmin(admin.ModelAdmin):
    list_display = ["message", "figure_link", "code", "state", "dismissed_by", "dismissal_reason"]
    list_filter = [OpenFilter, "code", "figure__request__campaign"]
    list_select_related = ["figure__request__force", "dismissed_by"]
    search_fields = ["message", "figure__request__force__name"]
    actions = ["dismiss_selected"]
    ordering = [F("dismissed_at").asc(nulls_first=True), "figure"]  # open warnings first
    readonly_fields = [
        "figure",
        "code",
        "message",
        "created_at",
        "dismissed_by",
        "dismissed_at",
        "dismissal_reason",
    ]

    def has_add_permission(self, request):
        return False  # warnings come from imports

    def has_delete_permission(self, request, obj=None):
        return False  # a dismissed warning stays on record, with its reason

    @admin.display(description="Figure", ordering="figure")
    def figure_link(self, warning):
        url = reverse("admin:returns_figure_change", args=[warning.figure_id])
        return format_html('<a href="{}">{}</a>', url, warning.figure)

    @admin.display(description="State", ordering="dismissed_at")
    def state(self, warning):
        return "dismissed" if warning.dismissed_at else "open"

    def get_urls(self):
        return [
            path(
                "<int:pk>/dismiss/",
                self.admin_site.admin_view(self.dismiss_view),
                name="returns_plausibilitywarning_dismiss",
            )
        ] + super().get_urls()

    def dismiss_view(self, request, pk):
        warning = get_object_or_404(PlausibilityWarning.objects.select_related("figure"), pk=pk)
        return self.dismiss(request, [warning], redirect_to=self.back_to(warning))

    @admin.action(description="Dismiss selected warnings (with a reason)", permissions=["change"])
    def dismiss_selected(self, request, queryset):
        return self.dismiss(request, list(queryset.select_related("figure")), redirect_to=None)

    def dismiss(self, request, warnings, redirect_to):
        """Ask for a reason, then dismiss each warning the user may (never their own figures)."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        form = DismissForm(request.POST if "reason" in request.POST else None)
        if form.is_valid():
            dismissed, refused = 0, []
            for warning in warnings:
                try:
                    dismiss_warning(request.user, warning, form.cleaned_data["reason"])
                    dismissed += 1
                except PermissionError as error:
                    refused.append(str(error))
            self.message_user(request, f"{dismissed} warning{'s' * (dismissed != 1)} dismissed.")
            for message in refused:
                self.message_user(request, message, messages.WARNING)
            return redirect(redirect_to or reverse("admin:returns_plausibilitywarning_changelist"))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Dismiss plausibility warnings",
            "warnings": warnings,
            "form": form,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "from_action": redirect_to is None,
        }
        return TemplateResponse(request, "admin/returns/dismiss_warnings.html", context)

    @staticmethod
    def back_to(warning):
        return reverse("admin:returns_foirequest_change", args=[warning.figure.request_id])
