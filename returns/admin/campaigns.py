"""Admin for a round: campaigns, FOI requests, correspondence and the deadline tables."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.views.main import ChangeList
from django.contrib.admin.widgets import AdminDateWidget, AdminTextareaWidget, AdminTextInputWidget
from django.contrib.humanize.templatetags.humanize import ordinal
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from forces.models import Force
from returns import case, roles, rounds, stages
from returns.admin.campaign_board import board_context
from returns.admin.form_page import form_page
from returns.admin.replies import KIND_CHOICES, confirm_kind_view, may_import_tables
from returns.dates import en_gb
from returns.messaging import reply_to_address
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
from returns.replies import attached
from returns.replies.waiting import WaitingReplies
from returns.uploads import validate_upload

# --- Campaigns -------------------------------------------------------------------------------

# The measure of the rounds this app was built for (docs/domain.md: Campaign).
KNOWN_MEASURES = ["online_child_sexual_offences"]


def known_measures():
    """The measure codes offered on the campaign form: every campaign's, and the known ones."""
    used = Campaign.objects.order_by().values_list("measure", flat=True).distinct()
    return sorted({*KNOWN_MEASURES, *used})


class SuggestionsInput(AdminTextInputWidget):
    """A text box offering choices from a <datalist>: a listed code, or a new one typed in."""

    def __init__(self, suggestions=(), attrs=None):
        super().__init__(attrs)
        self.suggestions = list(suggestions)

    def render(self, name, value, attrs=None, renderer=None):
        list_id = f"{(attrs or {}).get('id') or 'id_' + name}_suggestions"
        box = super().render(name, value, {**(attrs or {}), "list": list_id}, renderer)
        options = format_html_join("", '<option value="{}">', ((s,) for s in self.suggestions))
        return format_html('{}<datalist id="{}">{}</datalist>', box, list_id, options)


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
        measures = known_measures()
        self.fields["measure"].widget = SuggestionsInput(measures)
        self.fields["measure"].help_text = (
            "What the forces are asked to count, as a code in lower-case letters, digits and "
            "underscores: the figures, statistics and exports carry it. Choose one already used "
            f"({', '.join(measures)}) or type a new one."
        )
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
    readonly_fields = [
        "nations_asked",
        "requests_summary",
        "cloned_from",
        "created_by",
        "created_at",
    ]
    actions = ["send_unsent_requests"]

    def get_prepopulated_fields(self, request, obj=None):
        # Only while adding: a saved campaign's slug names it in commands and URLs.
        return {"slug": ["title"]} if obj is None else {}

    def get_fieldsets(self, request, obj=None):
        main = ["title", "slug", "measure", "periods", "request_wording"]
        if obj is None:
            return [(None, {"fields": main}), ("Forces asked", {"fields": ["nations", "sent_on"]})]
        return [
            (None, {"fields": main}),
            (
                "Requests",
                {
                    "fields": [
                        "nations_asked",
                        "requests_summary",
                        "cloned_from",
                        "created_by",
                        "created_at",
                    ]
                },
            ),
        ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                request_total=Count("requests"),
                answered_total=Count(  # one definition: FOIRequest.objects.answered()
                    "requests", filter=Q(requests__in=FOIRequest.objects.answered())
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

    @admin.display(description="Nations asked")
    def nations_asked(self, campaign):
        """From the forces the campaign's requests went to (they may be added or removed)."""
        counts = dict(
            campaign.requests.values_list("force__nation").annotate(n=Count("id")).order_by()
        )
        parts = [
            f"{label} ({counts[nation]} force{'s' if counts[nation] != 1 else ''})"
            for nation, label in Force.Nation.choices
            if nation in counts
        ]
        return ", ".join(parts) or "No forces asked yet."

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
            path(
                "<int:pk>/sending/",
                self.admin_site.admin_view(self.sending_view),
                name="returns_campaign_sending",
            ),
        ] + super().get_urls()

    def sending_view(self, request, pk):
        """The campaign's sends, newest first; reloads itself while one is still going."""
        campaign = get_object_or_404(Campaign, pk=pk)
        if not self.has_view_permission(request, campaign):
            raise PermissionDenied
        runs = list(campaign.send_runs.select_related("started_by")[:5])
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Sending “{campaign}”",
            "original": campaign,
            "runs": runs,
            "refresh_seconds": 2 if any(run.is_active for run in runs) else None,
            "stalled": {run.pk for run in runs if run.is_stalled(timezone.now())},
            "unsent": campaign.requests.unsent().count(),
        }
        return TemplateResponse(request, "admin/returns/campaign/sending.html", context)

    def clone_view(self, request, pk):
        source = get_object_or_404(Campaign, pk=pk)
        if not self.has_add_permission(request):
            raise PermissionDenied(roles.refusal("returns.add_campaign", "Cloning a campaign"))
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
        return form_page(
            self,
            request,
            form,
            title=f"Clone “{source}” for a new round",
            submit_label="Create the new round",
            original=source,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "clone_url": reverse("admin:returns_campaign_clone", args=[object_id]),
            "sending_url": reverse("admin:returns_campaign_sending", args=[object_id]),
        }
        campaign = self.get_object(request, object_id)
        if request.method == "GET" and campaign and self.has_view_permission(request, campaign):
            # The campaign's page opens on its board: where each force stands in the round.
            extra_context["board"] = board_context(request, campaign, self)
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
        # A worker sends them (returns/tasks.py): never one SMTP conversation per force inside
        # this web request. Two staff sending at once send each request once (rounds.py).
        runs = [rounds.start_sending(campaign, user=request.user) for campaign in queryset]
        for run in runs:
            self.message_user(
                request,
                format_html(
                    '{}: sending {} requests in the background. <a href="{}">Follow its '
                    "progress</a>.",
                    run.campaign,
                    run.total,
                    reverse("admin:returns_campaign_sending", args=[run.campaign_id]),
                ),
                messages.SUCCESS,
            )
        if len(runs) == 1:
            return redirect("admin:returns_campaign_sending", runs[0].campaign_id)
        return None


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

    def clean(self):
        data = super().clean()
        unsent = (Correspondence.State.DRAFT, Correspondence.State.SENDING)
        marked_sent = (
            self.initial.get("state") in unsent and data.get("state") == Correspondence.State.SENT
        )
        if marked_sent and "needs_attention" not in self.changed_data:
            data["needs_attention"] = ""  # the flag asked staff to send it by hand: done
        return data


def record_hand_sent(request, message):
    """A message marked sent by hand: what it did is recorded on its request (sent and received,
    our clarification received, an internal review asked for, a complaint filed)."""
    foi_request = rounds.record_sent_by_hand(message)
    if foi_request is None or request is None:
        return
    if message.kind == Correspondence.Kind.CLARIFICATION:
        messages.success(request, clarification_sent_message(foi_request))
    elif message.kind == Correspondence.Kind.INTERNAL_REVIEW:
        messages.success(
            request,
            f"{foi_request.force}: the internal review is recorded as asked for on "
            f"{en_gb(foi_request.internal_review_requested_on)}, due "
            f"{en_gb(foi_request.internal_review_due_date)} (the date can be changed on the "
            "request).",
        )
    elif message.kind == Correspondence.Kind.COMMISSIONER:
        messages.success(
            request,
            f"{foi_request.force}: the complaint to {foi_request.law.commissioner.name} is "
            f"recorded as filed on {en_gb(foi_request.commissioner_complaint_on)} (add the "
            "Commissioner's reference on the request).",
        )
    else:
        messages.success(
            request,
            f"{foi_request.force}: the request is recorded as sent and received on "
            f"{en_gb(foi_request.sent_on)}, due {en_gb(foi_request.due_date)} (the dates can be "
            "changed on the request).",
        )


def clarification_sent_message(foi_request) -> str:
    return (
        f"{foi_request.force} has our clarification from "
        f"{en_gb(foi_request.clarification_received_on)}: its working days start again, due "
        f"{en_gb(foi_request.due_date)}."
    )


class CorrespondenceFormSet(forms.BaseInlineFormSet):
    http_request = None

    def save(self, commit=True):
        saved = super().save(commit=commit)
        if commit:
            for message in saved:
                record_hand_sent(self.http_request, message)
        return saved


class CorrespondenceInline(admin.StackedInline):
    model = Correspondence
    form = CorrespondenceForm
    formset = CorrespondenceFormSet
    extra = 0
    fields = [
        ("date", "direction", "kind", "state"),
        "address",
        "subject",
        "body",
        "attachment",
        "needs_attention",
    ]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type(formset.__name__, (formset,), {"http_request": request})


class SendAgainForm(forms.Form):
    """Confirms sending a request that did not arrive once more (returns/rounds.py: send_again)."""

    confirm = forms.BooleanField(
        required=True,
        help_text="A new email goes to the force's FOI address as it is now; once the mail server "
        "takes it, today becomes the date the force received the request, so its due date "
        "and chasing start again from today, and the delivery failure is cleared.",
    )

    def __init__(self, *args, foi_request, **kwargs):
        super().__init__(*args, **kwargs)
        address = foi_request.force.foi_email or "(no FOI address: add it on the force first)"
        self.fields["confirm"].label = f"Send the request to {address} again"


class AnswerClarificationForm(forms.Form):
    """Our answer to the force's clarification question (returns/rounds.py:
    answer_clarification): the force's working days start again from the day it arrives."""

    required_css_class = "required"
    answer = forms.CharField(
        label="Our clarification",
        widget=AdminTextareaWidget(attrs={"rows": 8}),
        help_text="What we mean, in answer to the force's question.",
    )
    send = forms.BooleanField(required=False, initial=True)
    answered_on = forms.DateField(
        initial=timezone.localdate,
        label="Sent by hand on",
        widget=AdminDateWidget,
        help_text="Only when not emailed from here: the day it went from our mailbox (emailed "
        "from here, it is today).",
    )

    def __init__(self, *args, foi_request, **kwargs):
        super().__init__(*args, **kwargs)
        self.foi_request = foi_request
        address = foi_request.force.foi_email
        send = self.fields["send"]
        send.label = f"Email it to {address} now" if address else "Email it now"
        if not address:
            send.initial = False
            send.help_text = f"{foi_request.force} has no FOI address: send it by hand."

    def clean_send(self):
        if self.cleaned_data["send"] and not self.foi_request.force.foi_email:
            raise forms.ValidationError(f"{self.foi_request.force} has no FOI address.")
        return self.cleaned_data["send"]

    def clean(self):
        data = super().clean()
        if data.get("send"):
            data["answered_on"] = timezone.localdate()
        day, asked = data.get("answered_on"), self.foi_request.clarification_requested_on
        if day and day > timezone.localdate():
            self.add_error("answered_on", "The date cannot be in the future.")
        elif day and asked and day < asked:
            self.add_error("answered_on", f"The force asked on {en_gb(asked)}.")
        return data


class RecordResponseForm(forms.Form):
    required_css_class = "required"
    responded_on = forms.DateField(
        initial=timezone.localdate,
        label="Final response received on",
        widget=AdminDateWidget,  # the admin's calendar and "Today" (its JS: the view's media)
    )
    outcome = forms.ChoiceField(choices=FOIRequest.Outcome.choices)
    exemptions = forms.ModelMultipleChoiceField(
        queryset=Exemption.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    reference = forms.CharField(
        max_length=80, required=False, label="Force's reference", widget=AdminTextInputWidget
    )
    note = forms.CharField(widget=AdminTextareaWidget(attrs={"rows": 3}), required=False)
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
        "our_reference",
        "due_date_explained",
        "internal_review_due_date",
        "commissioner_deadline_display",
        "created_at",
        "updated_at",
    ]
    inlines = [CorrespondenceInline]
    fieldsets = [
        (None, {"fields": ["campaign", "force", "status", "our_reference", "reference"]}),
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

    @admin.display(description="Our reference")
    def our_reference(self, foi_request):
        """In the subject of every message about it; the force replies to its own address."""
        if not foi_request.pk:
            return "—"
        return format_html(
            "{} (in the subject of every message; replies to {})",
            foi_request.our_reference,
            reply_to_address(foi_request),
        )

    def get_search_results(self, request, queryset, search_term):
        """Our reference finds its request: "FOIR-00042" or "00042"."""
        unsearched = queryset
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        number = search_term.strip().upper().removeprefix("[").removesuffix("]")
        number = number.removeprefix("FOIR-").removeprefix("FOIR")
        if number.isdigit():
            queryset |= unsearched.filter(pk=int(number))
        return queryset, may_have_duplicates

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
            path(
                "<int:pk>/answer-clarification/",
                self.admin_site.admin_view(self.answer_clarification_view),
                name="returns_foirequest_answer_clarification",
            ),
            path(
                "<int:pk>/send-again/",
                self.admin_site.admin_view(self.send_again_view),
                name="returns_foirequest_send_again",
            ),
            path(
                "correspondence/<int:pk>/confirm-kind/",
                self.admin_site.admin_view(confirm_kind_view),
                name="returns_correspondence_confirm_kind",
            ),
        ] + super().get_urls()

    def record_response_view(self, request, pk):
        foi_request = get_object_or_404(FOIRequest.objects.select_related("force"), pk=pk)
        if not self.has_change_permission(request, foi_request):
            raise PermissionDenied(roles.refusal(roles.RECORD_RESPONSES, "Recording a response"))
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
        return form_page(
            self,
            request,
            form,
            title=f"Record the response of {foi_request.force}",
            submit_label="Record response",
            original=foi_request,
            multipart=True,
        )

    def answer_clarification_view(self, request, pk):
        """Our answer to the force's clarification question: emailed, or recorded as sent by
        hand; the force's working days start again from it (docs/deadlines.md)."""
        foi_request = get_object_or_404(FOIRequest.objects.select_related("force"), pk=pk)
        if not self.has_change_permission(request, foi_request):
            raise PermissionDenied
        form = AnswerClarificationForm(request.POST or None, foi_request=foi_request)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                outcome = rounds.answer_clarification(
                    foi_request.pk,
                    data["answer"],
                    data["answered_on"],
                    send=data["send"],
                    user=request.user,
                )
            except rounds.CannotAnswer as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                foi_request.refresh_from_db()
                self._report_sending(request, outcome, clarification_sent_message(foi_request))
            return redirect("admin:returns_foirequest_change", foi_request.pk)
        return form_page(
            self,
            request,
            form,
            title=f"Answer the clarification {foi_request.force} asked for",
            submit_label="Record our clarification",
            original=foi_request,
        )

    def _report_sending(self, request, outcome, done):
        """`done` once the mail server took the email; else why it was not sent (the letter
        stays a flagged draft in the correspondence)."""
        if outcome.sent:
            self.message_user(request, done, messages.SUCCESS)
        else:
            failed = f"Not sent: {outcome.message.needs_attention}"
            self.message_user(request, failed, messages.ERROR)

    def send_again_view(self, request, pk):
        """A request that did not arrive (a bounce), emailed once more after staff corrected
        the force's address (README: Replies)."""
        foi_request = get_object_or_404(FOIRequest.objects.select_related("force"), pk=pk)
        if not self.has_change_permission(request, foi_request):
            raise PermissionDenied
        form = SendAgainForm(request.POST or None, foi_request=foi_request)
        if request.method == "POST" and form.is_valid():
            try:
                outcome = rounds.send_again(foi_request.pk, timezone.localdate(), request.user)
            except rounds.CannotSendAgain as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                done = f"Sent again to {outcome.message.address}: due dates count from today."
                self._report_sending(request, outcome, done)
            return redirect("admin:returns_foirequest_change", foi_request.pk)
        return form_page(
            self,
            request,
            form,
            title=f"Send the request to {foi_request.force} again",
            submit_label="Send again",
            original=foi_request,
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            **case_context(request, object_id, may_import_tables(request, self.admin_site)),
            "record_response_url": reverse(
                "admin:returns_foirequest_record_response", args=[object_id]
            ),
            "send_again_url": reverse("admin:returns_foirequest_send_again", args=[object_id]),
            "answer_clarification_url": reverse(
                "admin:returns_foirequest_answer_clarification", args=[object_id]
            ),
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def get_queryset(self, request):
        # The stage reads each request's correspondence (a reply to confirm pauses the chase).
        return super().get_queryset(request).prefetch_related("correspondence")


def case_context(request, object_id, may_import=False):
    """The request page as a case: where it stands, and the conversation in date order, its
    attached tables with "Import this table" for those who may import figures."""
    foi_request = FOIRequest.objects.filter(pk=object_id).select_related("force").first()
    if foi_request is None:
        return {}
    thread = list(
        foi_request.correspondence.select_related("inbound").prefetch_related(
            "inbound__attachments"
        )
    )
    if may_import:
        attached.mark_importable(foi_request, thread)
    waiting = WaitingReplies.attach([foi_request])
    stage = stages.stage_of(foi_request, timezone.localdate())
    held = stage.code == stages.StageCode.UNMATCHED_REPLY
    return {
        "stage": stage,
        "status_sentence": case.status_sentence(foi_request, stage),
        "thread": thread,
        # An answered request is not chased at all: no pause to speak of.
        "paused": stage.code == stages.StageCode.REPLY_TO_CONFIRM,
        "unmatched_replies": waiting.for_request(foi_request) if held else [],
        "kind_choices": KIND_CHOICES,
        "may_confirm": request.user.has_perm("returns.change_correspondence"),
    }


class RequestChangeList(ChangeList):
    """The request list: each row's stage derived once, with one clock per regime, the page's
    correspondence (the steps taken) and Unmatched replies (which may hold a chase) each read in
    one query, not a query or two per row."""

    def get_queryset(self, request, exclude_parameters=None):
        return super().get_queryset(request, exclude_parameters).prefetch_related("correspondence")

    def get_results(self, request):
        super().get_results(request)
        today, clocks = timezone.localdate(), {}
        WaitingReplies.attach(self.result_list)  # Unmatched replies, read once for the page
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

    def save_model(self, request, message, form, change):
        super().save_model(request, message, form, change)
        record_hand_sent(request, message)

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
