"""Admin for a round: campaigns, FOI requests, correspondence and the deadline tables."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.contrib.humanize.templatetags.humanize import ordinal
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from forces.models import Force
from returns import rounds, stages
from returns.messaging import MessageError
from returns.models import (
    LONG_OVERDUE_DAYS,
    Campaign,
    Correspondence,
    EmailTemplate,
    Exemption,
    FOIRequest,
    NonWorkingDay,
)
from returns.periods import parse_periods
from returns.uploads import validate_upload


def en_gb(day):
    """23 Nov 2026: the en-GB DATE_FORMAT Django's locale already defines."""
    return date_format(day) if day else "—"


# --- Campaigns -------------------------------------------------------------------------------


class CampaignForm(forms.ModelForm):
    periods = forms.CharField(
        label="Periods", help_text="Financial years asked for, oldest first: 2015/16, 2016/17"
    )
    nations = forms.MultipleChoiceField(
        choices=Force.Nation.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="One request is created for each active force of these nations.",
    )
    sent_on = forms.DateField(
        required=False,
        label="Already sent on",
        help_text="Only if the requests were sent outside this app: records them as sent and "
        "received that day (nothing is sent).",
    )

    class Meta:
        model = Campaign
        fields = ["title", "slug", "measure", "periods", "request_wording"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "request_wording" not in self.fields:
            return  # a view-only user: the admin shows every field read-only
        self.fields["request_wording"].initial = rounds.DEFAULT_WORDING
        if self.instance.pk:
            self.initial["periods"] = ", ".join(self.instance.periods)
            del self.fields["nations"], self.fields["sent_on"]
        else:
            self.fields["nations"].required = True
            self.fields["nations"].initial = ["england", "wales"]

    def clean_periods(self):
        try:
            return parse_periods(self.cleaned_data["periods"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


class CloneCampaignForm(forms.Form):
    title = forms.CharField(max_length=200)
    slug = forms.SlugField(max_length=80)
    periods_text = forms.CharField(label="Periods")

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Campaign.objects.filter(slug=slug).exists():
            raise forms.ValidationError(f"A campaign with slug {slug!r} already exists.")
        return slug

    def clean_periods_text(self):
        try:
            return parse_periods(self.cleaned_data["periods_text"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    form = CampaignForm
    list_display = ["title", "slug", "measure", "periods_display", "request_count", "progress"]
    search_fields = ["title", "slug", "measure"]
    readonly_fields = ["requests_summary", "cloned_from", "created_by", "created_at"]
    actions = ["send_unsent_requests"]

    def get_fieldsets(self, request, obj=None):
        main = ["title", "slug", "measure", "periods", "request_wording"]
        if obj is None:
            return [(None, {"fields": main}), ("Forces asked", {"fields": ["nations", "sent_on"]})]
        return [
            (None, {"fields": main}),
            (
                "Requests",
                {"fields": ["requests_summary", "cloned_from", "created_by", "created_at"]},
            ),
        ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                request_total=Count("requests"),
                answered_total=Count(
                    "requests", filter=Q(requests__status=FOIRequest.Status.ANSWERED)
                ),
                unsent_total=Count(
                    "requests", filter=Q(requests__status=FOIRequest.Status.NOT_SENT)
                ),
            )
        )

    @admin.display(description="Periods")
    def periods_display(self, campaign):
        return ", ".join(campaign.periods)

    @admin.display(description="Forces asked", ordering="request_total")
    def request_count(self, campaign):
        url = reverse("admin:returns_foirequest_changelist") + f"?campaign__id__exact={campaign.pk}"
        return format_html('<a href="{}">{}</a>', url, campaign.request_total)

    @admin.display(description="Answered / not sent")
    def progress(self, campaign):
        return f"{campaign.answered_total} answered, {campaign.unsent_total} not sent"

    @admin.display(description="Requests")
    def requests_summary(self, campaign):
        changelist = reverse("admin:returns_foirequest_changelist")
        rows = campaign.requests.values("status").annotate(n=Count("id")).order_by("status")
        labels = dict(FOIRequest.Status.choices)
        return (
            format_html_join(
                ", ",
                '<a href="{}?campaign__id__exact={}&status__exact={}">{}: {}</a>',
                (
                    (changelist, campaign.pk, row["status"], labels[row["status"]], row["n"])
                    for row in rows
                ),
            )
            or "No requests yet."
        )

    def save_model(self, request, campaign, form, change):
        if not change:
            campaign.created_by = request.user
        super().save_model(request, campaign, form, change)
        if not change:
            created = rounds.add_requests(
                campaign,
                form.cleaned_data["nations"],
                sent_on=form.cleaned_data["sent_on"],
                user=request.user,
            )
            self.message_user(request, f"{len(created)} requests created, one per force.")

    def get_urls(self):
        return [
            path(
                "<int:pk>/clone/",
                self.admin_site.admin_view(self.clone_view),
                name="returns_campaign_clone",
            ),
        ] + super().get_urls()

    def clone_view(self, request, pk):
        source = get_object_or_404(Campaign, pk=pk)
        if not self.has_add_permission(request):
            raise PermissionDenied
        next_periods = rounds.next_year_periods(source.periods)
        form = CloneCampaignForm(
            request.POST or None,
            initial={
                "title": source.title,
                "slug": f"{source.slug}-{next_periods[-1][:4]}",
                "periods_text": ", ".join(next_periods),
            },
        )
        if request.method == "POST" and form.is_valid():
            campaign = rounds.clone_campaign(
                source,
                slug=form.cleaned_data["slug"],
                title=form.cleaned_data["title"],
                periods=form.cleaned_data["periods_text"],
                user=request.user,
            )
            self.message_user(
                request,
                f"Cloned {source} as {campaign}: {campaign.requests.count()} requests, "
                "not yet sent.",
                messages.SUCCESS,
            )
            return redirect("admin:returns_campaign_change", campaign.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": f"Clone “{source}” for a new round",
            "original": source,
            "submit_label": "Create the new round",
        }
        return TemplateResponse(request, "admin/returns/form_page.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "clone_url": reverse("admin:returns_campaign_clone", args=[object_id]),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    @admin.action(description="Send unsent requests by email", permissions=["change"])
    def send_unsent_requests(self, request, queryset):
        unsent = FOIRequest.objects.filter(campaign__in=queryset, status=FOIRequest.Status.NOT_SENT)
        if request.POST.get("confirmed") != "yes":
            return TemplateResponse(
                request,
                "admin/returns/confirm_send.html",
                {
                    **self.admin_site.each_context(request),
                    "opts": self.model._meta,
                    "title": "Send the requests?",
                    "campaigns": queryset,
                    "with_address": unsent.exclude(force__foi_email="").select_related("force"),
                    "without_address": unsent.filter(force__foi_email="").select_related("force"),
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                },
            )
        sent = flagged = 0
        for campaign in queryset:
            try:
                report = rounds.send_requests(campaign, user=request.user)
            except MessageError as error:  # e.g. wording with an unknown placeholder
                self.message_user(request, f"Not all sent: {error}", messages.ERROR)
                continue
            sent, flagged = sent + len(report.sent), flagged + len(report.flagged)
        self.message_user(request, f"{sent} requests sent by email.", messages.SUCCESS)
        if flagged:
            self.message_user(
                request,
                f"{flagged} forces have no FOI address: their requests are drafted, "
                "flagged and not marked sent. Add the address on the force, then send again.",
                messages.WARNING,
            )


# --- FOI requests ----------------------------------------------------------------------------


class OverdueFilter(admin.SimpleListFilter):
    title = "deadline"
    parameter_name = "deadline"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Overdue"),
            ("long", f"Long overdue ({LONG_OVERDUE_DAYS}+ working days)"),
            ("open", "Not yet due"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "open":
            return queryset.not_yet_due(today)
        if self.value() == "overdue":
            return queryset.overdue(today)
        if self.value() == "long":
            return queryset.long_overdue(today)
        return queryset


class CorrespondenceForm(forms.ModelForm):
    class Meta:
        model = Correspondence
        fields = [
            "date",
            "direction",
            "kind",
            "state",
            "address",
            "subject",
            "body",
            "attachment",
            "needs_attention",
        ]

    def clean_attachment(self):
        attachment = self.cleaned_data.get("attachment")
        if attachment and hasattr(attachment, "content_type"):  # a new upload
            validate_upload(attachment)
        return attachment


class CorrespondenceInline(admin.StackedInline):
    model = Correspondence
    form = CorrespondenceForm
    extra = 0
    fields = [
        ("date", "direction", "kind", "state"),
        "address",
        "subject",
        "body",
        "attachment",
        "needs_attention",
    ]


class RecordResponseForm(forms.Form):
    responded_on = forms.DateField(initial=timezone.localdate, label="Final response received on")
    outcome = forms.ChoiceField(choices=FOIRequest.Outcome.choices)
    exemptions = forms.ModelMultipleChoiceField(
        queryset=Exemption.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    reference = forms.CharField(max_length=80, required=False, label="Force's reference")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    reply_file = forms.FileField(
        required=False,
        help_text="The force's response: the source of its figures. PDF, XLSX, CSV, DOCX...",
    )

    def __init__(self, *args, foi_request, **kwargs):
        super().__init__(*args, **kwargs)
        self.foi_request = foi_request
        self.fields["exemptions"].queryset = Exemption.objects.filter(regime=foi_request.regime)
        self.fields["reference"].initial = foi_request.reference

    def clean_reply_file(self):
        reply = self.cleaned_data.get("reply_file")
        if reply:
            validate_upload(reply)
        return reply

    def clean_responded_on(self):
        day = self.cleaned_data["responded_on"]
        if day > timezone.localdate():
            raise forms.ValidationError("The response date cannot be in the future.")
        received = self.foi_request.received_on
        if received and day < received:
            raise forms.ValidationError(f"The force received the request on {en_gb(received)}.")
        return day


@admin.register(FOIRequest)
class FOIRequestAdmin(SimpleHistoryAdmin):
    list_display = [
        "force",
        "campaign",
        "status",
        "due",
        "days_overdue",
        "next_step",
        "outcome",
        "reference",
    ]
    list_filter = [OverdueFilter, "status", "outcome", "force__nation", "force__regime", "campaign"]
    search_fields = ["force__name", "force__short_name", "force__aliases", "reference"]
    list_select_related = ["force", "campaign"]
    autocomplete_fields = ["force"]
    filter_horizontal = ["exemptions"]
    readonly_fields = [
        "due_date_explained",
        "internal_review_due_date",
        "commissioner_deadline_display",
        "created_at",
        "updated_at",
    ]
    inlines = [CorrespondenceInline]
    fieldsets = [
        (None, {"fields": ["campaign", "force", "status", "reference"]}),
        (
            "Statutory clock",
            {
                "fields": [
                    "sent_on",
                    "received_on",
                    "clarification_requested_on",
                    "clarification_received_on",
                    "due_date_explained",
                    "extension_notice_on",
                    "extended_due_date",
                ]
            },
        ),
        ("Response", {"fields": ["responded_on", "outcome", "exemptions", "response_note"]}),
        (
            "Internal review",
            {
                "fields": [
                    "internal_review_requested_on",
                    "internal_review_due_date",
                    "internal_review_responded_on",
                    "internal_review_outcome",
                ]
            },
        ),
        (
            "Information Commissioner",
            {
                "fields": [
                    "commissioner_deadline_display",
                    "commissioner_complaint_on",
                    "commissioner_reference",
                    "commissioner_decision_on",
                    "commissioner_outcome",
                ]
            },
        ),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_changelist(self, request, **kwargs):
        return RequestChangeList

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if obj is not None and obj.figures.exists():
            # Its figures were returned by this force for this round (see FOIRequest.save).
            return [*readonly, "campaign", "force"]
        return readonly

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        object_id = request.resolver_match.kwargs.get("object_id")
        if db_field.name == "exemptions" and object_id:
            regime = FOIRequest.objects.filter(pk=object_id).values_list("force__regime", flat=True)
            kwargs["queryset"] = Exemption.objects.filter(regime__in=regime)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_inlines(self, request, obj):
        from returns.admin.figures import FigureInline

        return [CorrespondenceInline, FigureInline] if obj else []

    @admin.display(description="Due", ordering="due_date")
    def due(self, foi_request):
        if foi_request.extended_due_date:
            return f"{en_gb(foi_request.extended_due_date)} (extended)"
        return en_gb(foi_request.due_date)

    @admin.display(description="Working days overdue")
    def days_overdue(self, foi_request):
        return _stage(foi_request).working_days_overdue or "—"

    @admin.display(description="Next chase step")
    def next_step(self, foi_request):
        step = _stage(foi_request).next_step
        return f"{step.label} on {en_gb(step.on)}" if step else "—"

    @admin.display(description="Complain to the Commissioner by")
    def commissioner_deadline_display(self, foi_request):
        return en_gb(foi_request.commissioner_deadline())

    @admin.display(description="Due date")
    def due_date_explained(self, foi_request):
        if not foi_request.due_date:
            return "No date of receipt yet."
        skipped = foi_request.deadline_explanation() or []
        holidays = [(day, why) for day, why in skipped if why not in ("Saturday", "Sunday")]
        weekends = len(skipped) - len(holidays)
        law = foi_request.law
        intro = format_html(
            "<strong>{}</strong>: the {} working day after {} (received{}), under {}; "
            "{} weekend days skipped",
            en_gb(foi_request.due_date),
            ordinal(law.reply_working_days),
            en_gb(foi_request.clock_started_on),
            " clarification" if foi_request.clarification_received_on else "",
            law.reply_citation,
            weekends,
        )
        if not holidays:
            return format_html("{}.", intro)
        items = format_html_join("", "<li>{}: {}</li>", ((en_gb(d), why) for d, why in holidays))
        return format_html("{}, and also:<ul>{}</ul>", intro, items)

    def get_urls(self):
        return [
            path(
                "<int:pk>/record-response/",
                self.admin_site.admin_view(self.record_response_view),
                name="returns_foirequest_record_response",
            ),
        ] + super().get_urls()

    def record_response_view(self, request, pk):
        foi_request = get_object_or_404(FOIRequest.objects.select_related("force"), pk=pk)
        if not self.has_change_permission(request, foi_request):
            raise PermissionDenied
        form = RecordResponseForm(
            request.POST or None, request.FILES or None, foi_request=foi_request
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            rounds.record_response(
                foi_request,
                responded_on=data["responded_on"],
                outcome=data["outcome"],
                exemptions=data["exemptions"],
                reference=data["reference"],
                note=data["note"],
                attachment=data["reply_file"],
                user=request.user,
            )
            self.message_user(
                request, f"Response from {foi_request.force} recorded.", messages.SUCCESS
            )
            return redirect("admin:returns_foirequest_change", foi_request.pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": f"Record the response of {foi_request.force}",
            "original": foi_request,
            "submit_label": "Record response",
            "multipart": True,
        }
        return TemplateResponse(request, "admin/returns/form_page.html", context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "record_response_url": reverse(
                "admin:returns_foirequest_record_response", args=[object_id]
            ),
        }
        return super().change_view(request, object_id, form_url, extra_context)


class RequestChangeList(ChangeList):
    """The request list: each row's stage derived once, with one clock per regime and the
    page's correspondence (the steps taken) read in one query, not a query or two per row."""

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).prefetch_related("correspondence")

    def get_results(self, request):
        super().get_results(request)
        today, clocks = timezone.localdate(), {}
        for foi_request in self.result_list:
            if foi_request.regime not in clocks:
                clocks[foi_request.regime] = stages.Clock(foi_request.regime)
            clock = clocks[foi_request.regime]
            foi_request._stage_today = stages.stage_of(foi_request, today, clock)


def _stage(foi_request):
    """The request's stage today, derived once per row for the list's columns."""
    if not hasattr(foi_request, "_stage_today"):
        foi_request._stage_today = stages.stage_of(foi_request, timezone.localdate())
    return foi_request._stage_today


@admin.register(Correspondence)
class CorrespondenceAdmin(admin.ModelAdmin):
    form = CorrespondenceForm
    list_display = ["request", "date", "direction", "kind", "state", "subject", "attention"]
    list_filter = ["direction", "kind", "state", "request__campaign", "request__force__nation"]
    search_fields = ["request__force__name", "subject", "body", "request__reference"]
    list_select_related = ["request__force", "request__campaign"]
    autocomplete_fields = ["request"]
    date_hierarchy = "date"

    def get_fields(self, request, obj=None):
        return ["request", *CorrespondenceForm.Meta.fields]

    @admin.display(description="Needs attention")
    def attention(self, message):
        if not message.needs_attention:
            return ""
        return format_html('<strong style="color:#ba2121">⚠ {}</strong>', message.needs_attention)


# --- Deadline and wording tables ------------------------------------------------------------


@admin.register(NonWorkingDay)
class NonWorkingDayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "applies_to"]
    list_filter = ["applies_to"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        self._recompute(request)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        self._recompute(request)

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        self._recompute(request)

    def _recompute(self, request):
        moved = rounds.recompute_open_deadlines()
        self.message_user(request, f"Due dates recomputed: {moved} open requests moved.")


@admin.register(EmailTemplate)
class EmailTemplateAdmin(admin.ModelAdmin):
    list_display = ["key", "regime", "subject"]
    list_filter = ["regime", "key"]


@admin.register(Exemption)
class ExemptionAdmin(admin.ModelAdmin):
    list_display = ["section", "title", "regime"]
    list_filter = ["regime"]
