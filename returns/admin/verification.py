"""Admin for verification: plausibility warnings (dismiss with a reason), and the pieces the
figure admin uses (the verify action with its confirmation page, its permission, the
open-warnings column)."""

import hashlib

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.html import format_html

from forces.models import Force
from jobs import running as jobs
from returns import roles
from returns.jobs import verification_params
from returns.models import Campaign, Figure, PlausibilityWarning
from returns.verification import (
    dismiss_warning,
    own_figures,
    summary,
    unverified,
    verify_as_decided,
)

# --- Pieces for FigureAdmin (returns/admin/figures.py) -------------------------------------

LEAVE, ACKNOWLEDGE, DISMISS = "leave", "acknowledge", "dismiss"
ACKNOWLEDGED = "Acknowledged on verifying: the figure stands, checked against the force's reply."


class VerificationPlan:
    """What the bulk action would do with the figures selected, worked out afresh on each
    request: the figures the user may verify (four eyes: returns/verification.py), those
    left for another person or already verified, and the open warnings on the first."""

    def __init__(self, user, queryset):
        # The selection without the list's own columns (its open-warnings count per figure),
        # and each figure loaded with only what verifying reads: a selection of 100,000
        # figures is planned in seconds, not in the half-minute a web server allows.
        chosen = Figure.objects.filter(pk__in=queryset.values("pk"))
        self.selected = list(chosen.values_list("pk", flat=True))
        self.pending = unverified(chosen)
        own = own_figures(user, self.pending)
        self.already_verified = len(self.selected) - len(self.pending)
        self.allowed = [figure for figure in self.pending if figure.pk not in own]
        self.left_for_others = len(self.pending) - len(self.allowed)
        allowed_ids = {figure.pk for figure in self.allowed}
        self.warnings = [
            warning
            for warning in PlausibilityWarning.objects.filter(
                figure__in=chosen, dismissed_at__isnull=True
            ).select_related("figure__request__force")
            if warning.figure_id in allowed_ids
        ]

    @property
    def token(self):
        """Names exactly what the confirmation page showed: the figures and the warnings."""
        ids = [f"f{figure.pk}" for figure in self.allowed] + [f"w{w.pk}" for w in self.warnings]
        return hashlib.sha256(",".join(sorted(ids)).encode()).hexdigest()

    @cached_property
    def campaigns(self):
        return self._names(Campaign, "title")

    @cached_property
    def forces(self):
        return self._names(Force, "name")

    def _names(self, model, field):
        """The sorted names of the campaigns (or forces) of the figures to verify."""
        requests = {figure.request_id for figure in self.allowed}
        names = model.objects.filter(requests__in=requests).distinct().values_list(field, flat=True)
        return sorted(names)


class VerifyConfirmForm(forms.Form):
    """One decision per open warning: leave its figure unverified (the default), acknowledge
    it (the figure stands), or dismiss it with a reason."""

    DECISIONS = [
        (LEAVE, "Leave the figure unverified"),
        (ACKNOWLEDGE, "Acknowledge: the figure stands"),
        (DISMISS, "Dismiss with a reason"),
    ]

    def __init__(self, warnings, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.warnings = warnings
        limit = PlausibilityWarning._meta.get_field("dismissal_reason").max_length
        for warning in warnings:
            self.fields[f"decision_{warning.pk}"] = forms.ChoiceField(
                choices=self.DECISIONS, initial=LEAVE, required=False, widget=forms.RadioSelect
            )
            self.fields[f"reason_{warning.pk}"] = forms.CharField(
                max_length=limit,
                required=False,
                label="Reason",
                widget=forms.TextInput(attrs={"aria-label": f"Reason to dismiss: {warning}"}),
            )

    def clean(self):
        data = super().clean()
        for warning in self.warnings:
            if (
                data.get(f"decision_{warning.pk}") == DISMISS
                and not (data.get(f"reason_{warning.pk}") or "").strip()
            ):
                self.add_error(f"reason_{warning.pk}", "Give a reason for dismissing the warning.")
        return data

    def rows(self):
        """(warning, its decision field, its reason field), for the page."""
        return [
            (warning, self[f"decision_{warning.pk}"], self[f"reason_{warning.pk}"])
            for warning in self.warnings
        ]

    def decisions(self):
        """(warning, decision, reason) of each warning."""
        data = self.cleaned_data
        for warning in self.warnings:
            decision = data.get(f"decision_{warning.pk}") or LEAVE
            yield warning, decision, (data.get(f"reason_{warning.pk}") or "").strip()

    def settled(self):
        """(the warnings to dismiss or acknowledge, each with its reason; the ids of the figures
        whose warning is left open, which stay unverified)."""
        dismissals, left_open = [], set()
        for warning, decision, reason in self.decisions():
            if decision == LEAVE:
                left_open.add(warning.figure_id)
            else:
                dismissals.append((warning, reason if decision == DISMISS else ACKNOWLEDGED))
        return dismissals, left_open


@admin.action(description="Verify selected figures", permissions=["verify"])
def verify_selected_figures(modeladmin, request, queryset):
    """A confirmation page first: how many figures, and each open plausibility warning on them
    to dismiss (with a reason) or acknowledge. Only its confirm verifies, and never a figure
    whose warning was left open. A POST without the confirmation verifies nothing."""
    plan = VerificationPlan(request.user, queryset)
    if not plan.allowed:
        modeladmin.message_user(request, f"Nothing to verify: {_summary(plan)}.", messages.WARNING)
        return None
    confirming = request.POST.get("confirmed") == "yes"
    form = VerifyConfirmForm(plan.warnings, request.POST if confirming else None)
    if confirming and request.POST.get("selection") != plan.token:
        modeladmin.message_user(
            request,
            "The selected figures or their warnings changed since you confirmed: nothing was "
            "verified. Check them again.",
            messages.WARNING,
        )
        form = VerifyConfirmForm(plan.warnings)
    elif confirming and form.is_valid():
        if jobs.runs_in_background(len(plan.allowed)):
            return redirect(verify_in_background(request, plan, form))
        verify_confirmed(modeladmin, request, plan, form)
        return None
    context = {
        **modeladmin.admin_site.each_context(request),
        "opts": modeladmin.model._meta,
        "title": "Verify the selected figures?",
        "plan": plan,
        "form": form,
        "action_checkbox_name": ACTION_CHECKBOX_NAME,
        "select_across": request.POST.get("select_across") == "1",
        "selected_ids": plan.selected,
    }
    return TemplateResponse(request, "admin/returns/figure/verify_confirm.html", context)


def _summary(plan):
    parts = []
    if plan.already_verified:
        parts.append(f"{plan.already_verified} already verified")
    if plan.left_for_others:
        parts.append(f"{plan.left_for_others} you entered, imported or changed")
    return "; ".join(parts) or "no figures selected"


def verify_in_background(request, plan, form):
    """A big verification is done by a worker, through the same verify_as_decided."""
    dismissals, left_open = form.settled()
    cleared = [figure.pk for figure in plan.pending if figure.pk not in left_open]
    job = jobs.start(
        "verify_figures",
        user=request.user,
        title=f"Verifying {len(plan.allowed):,} figures of {', '.join(plan.campaigns)}",
        params=verification_params(request.user, cleared, dismissals, left_open),
        total=len(cleared),
    )
    return reverse("admin:jobs_job_change", args=[job.pk])


def verify_confirmed(modeladmin, request, plan, form):
    """Dismiss or acknowledge the warnings as decided, then verify the figures with none left
    open, all in one transaction: a refusal undoes it all."""
    dismissals, left_open = form.settled()
    # The figures left for another person go in too, for verify_figures to refuse and the
    # summary to count.
    cleared = [figure for figure in plan.pending if figure.pk not in left_open]
    try:
        verified, refused = verify_as_decided(request.user, cleared, dismissals)
    except (PermissionError, ValueError) as error:
        modeladmin.message_user(request, f"Nothing was verified: {error}", messages.ERROR)
        return
    level = messages.SUCCESS if verified and not refused and not left_open else messages.WARNING
    modeladmin.message_user(request, f"{summary(verified, refused, len(left_open))}.", level)


class VerificationMixin:
    """For FigureAdmin: the verify action's permission and the open-warnings column."""

    def has_verify_permission(self, request):
        return request.user.has_perm(roles.VERIFY_FIGURES)

    def get_queryset(self, request):
        # A subquery per figure shown, not a GROUP BY over every figure: with a million figures
        # the list reads its page of rows, and the page alone is counted.
        open_warnings = (
            PlausibilityWarning.objects.filter(figure=OuterRef("pk"), dismissed_at__isnull=True)
            .order_by()
            .values("figure")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(open_warning_count=Coalesce(Subquery(open_warnings), 0))
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
