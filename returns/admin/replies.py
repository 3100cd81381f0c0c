"""Admin of the forces' emails: Unmatched replies (file one under its request in one click, or
set aside what is not a force's reply), every received email, the upload of a forwarded .eml,
and confirming a reply's kind. A received email's page is view-only: it is kept as received,
and what staff do with it (file, set aside, bring back, import a table) are its buttons."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.text import Truncator
from django.views.decorators.http import require_POST

from returns.admin.form_page import form_page
from returns.models import (
    Correspondence,
    EmailAttachment,
    Figure,
    FOIRequest,
    InboundMessage,
    MailboxCheck,
    UnmatchedReply,
)
from returns.replies import aside, attached, classify, confirm, mailbox, match, store
from returns.replies.match import OUR_REFERENCE
from returns.replies.waiting import requests_held_by

KIND_CHOICES = [(kind, classify.LABELS[kind].capitalize()) for kind in classify.KINDS]
FILING_PERMISSION = "returns.change_unmatchedreply"  # filing, setting aside, bringing back


def may_file(request) -> bool:
    return request.user.has_perm(FILING_PERMISSION)


class SuggestedKindFilter(admin.SimpleListFilter):
    """Only the kinds a reply can be suggested as (not the kinds of our own letters)."""

    title = "suggested kind"
    parameter_name = "suggested_kind"

    def lookups(self, request, model_admin):
        return KIND_CHOICES

    def queryset(self, request, queryset):
        return queryset.filter(suggested_kind=self.value()) if self.value() else queryset


class SetAsideFilter(admin.SimpleListFilter):
    title = "set aside"
    parameter_name = "set_aside"

    def lookups(self, request, model_admin):
        return [("yes", f"Set aside ({aside.LABEL.lower()})"), ("no", "Not set aside")]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(set_aside_at__isnull=self.value() == "no")
        return queryset


def shortened(text, length):
    """`text` cut to `length` characters, the whole of it in the tooltip (a narrow column)."""
    if len(text) <= length:
        return text
    return format_html('<span title="{}">{}</span>', text, Truncator(text).chars(length))


class AttachmentInline(admin.TabularInline):
    model = EmailAttachment
    extra = 0
    can_delete = False
    fields = ["file", "name", "original_name", "content_type", "size", "refused"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReceivedEmailAdmin(admin.ModelAdmin):
    """Shared by every received email and the unmatched ones: read-only, as received."""

    # Narrow columns, so the list and its filters fit a laptop's width: when and from whom in
    # one, the subject with the suggested kind under it, long texts cut (whole in tooltips).
    list_display = ["received", "about", "matched", "problem_flag"]
    list_filter = [SuggestedKindFilter, "matched_by", SetAsideFilter, "source"]
    search_fields = ["sender", "subject", "body", "message_id", "force_reference"]
    date_hierarchy = "received_at"
    inlines = [AttachmentInline]
    readonly_fields = [
        "received_at",
        "source",
        "sender",
        "recipients",
        "subject",
        "sent_at",
        "message_id",
        "raw",
        "size",
        "request",
        "matched_by",
        "match_note",
        "suggested_kind",
        "kind_reason",
        "force_reference",
        "problem",
        "set_aside_at",
        "set_aside_by",
        "text",
    ]
    fields = readonly_fields
    change_form_template = "admin/returns/inboundmessage/change_form.html"
    change_list_template = "admin/returns/inboundmessage/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        """Nothing on the page can be edited: no Save buttons, no empty "changed" history."""
        return False

    def has_file_permission(self, request):
        return may_file(request)

    @admin.display(description="Received, from", ordering="received_at")
    def received(self, message):
        return format_html(
            '{}<br><small class="sender">{}</small>',
            date_format(timezone.localtime(message.received_at), "j M Y, H:i"),
            shortened(message.sender or "unknown sender", 32),
        )

    @admin.display(description="Subject, suggested kind", ordering="subject")
    def about(self, message):
        return format_html(
            "{}<br><small>{}</small>",
            shortened(message.subject or "(no subject)", 60),
            message.get_suggested_kind_display(),
        )

    @admin.display(description="Filed under")
    def matched(self, message):
        if message.is_set_aside:
            return f"Set aside ({aside.LABEL.lower()})"
        if not message.request_id:
            return "—"
        return f"{message.request.our_reference} ({matched_by_label(message)})"

    @admin.display(description="Problem")
    def problem_flag(self, message):
        if not message.problem:
            return ""
        return format_html(
            '<strong style="color:#ba2121">⚠ {}</strong>', shortened(message.problem, 45)
        )

    @admin.display(description="Text (HTML shown as text)")
    def text(self, message):
        return format_html(
            '<pre style="white-space:pre-wrap;max-width:60em">{}</pre>', message.body
        )

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), **mailbox_context(request)}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        message = self.get_object(request, object_id)
        context = dict(extra_context or {})
        if message is not None and not message.is_filed:
            context["may_file"] = may_file(request)
            context["file_url"] = reverse("admin:returns_unmatchedreply_file", args=[message.pk])
            context["set_aside_url"] = reverse(
                "admin:returns_unmatchedreply_set_aside", args=[message.pk]
            )
            context["bring_back_url"] = reverse(
                "admin:returns_unmatchedreply_bring_back", args=[message.pk]
            )
            if not message.is_set_aside:
                context["suggestions"] = match.suggestions(message)
                context["holds"] = requests_held_by(message)
        elif message is not None and may_import_tables(request, self.admin_site):
            context["tables"] = attached.email_tables(message, message.correspondence.request_id)
        return super().change_view(request, object_id, form_url, context)


def matched_by_label(message) -> str:
    """How it was matched; a forward matched by the domain in its quoted From line says so."""
    if message.matched_by == "domain" and message.match_note.startswith(match.FORWARDED_DOMAIN):
        return "the forwarded message's sender's domain"
    return message.get_matched_by_display()


def may_import_tables(request, admin_site) -> bool:
    """Whether "Import this table" is shown: the force-table import's own permission check."""
    try:
        figures = admin_site.get_model_admin(Figure)
    except admin.sites.NotRegistered:
        return False
    return figures.may_import_table(request)


def mailbox_context(request):
    return {
        "mailbox_configured": mailbox.is_configured(),
        "mailbox_help": mailbox.HOW_TO_SET_UP,
        "mailbox_check": MailboxCheck.objects.filter(pk=1).first(),
        "may_upload": request.user.has_perm("returns.add_inboundmessage"),
        "upload_url": reverse("admin:returns_inboundmessage_upload"),
        "unmatched_url": reverse("admin:returns_unmatchedreply_changelist"),
    }


class UploadEmailForm(forms.Form):
    email = forms.FileField(
        label="Email file (.eml)",
        help_text="A force's reply saved from your mail program (File > Save as, or drag it to "
        "the desktop); it is filed as if it had come to the mailbox.",
    )

    def clean_email(self):
        upload = self.cleaned_data["email"]
        from django.conf import settings

        if upload.size > settings.INBOUND_MAX_MESSAGE_BYTES:
            raise forms.ValidationError("This file is over the size limit for one email.")
        data = upload.read()
        if b"\x00" in data[:4096] or b":" not in data[:2048]:
            raise forms.ValidationError("This is not an email file (.eml).")
        return data


@admin.register(InboundMessage)
class InboundMessageAdmin(ReceivedEmailAdmin):
    actions = ["bring_back_selected"]

    @admin.action(description="Bring back to Unmatched replies", permissions=["file"])
    def bring_back_selected(self, request, queryset):
        done = aside.bring_back(queryset)
        for message in done:
            self.log_change(request, message, "Brought back to Unmatched replies.")
        self.message_user(
            request, f"Brought back to Unmatched replies: {len(done)}.", messages.SUCCESS
        )

    def get_urls(self):
        return [
            path(
                "upload/",
                self.admin_site.admin_view(self.upload_view),
                name="returns_inboundmessage_upload",
            )
        ] + super().get_urls()

    def upload_view(self, request):
        if not request.user.has_perm("returns.add_inboundmessage"):
            raise PermissionDenied
        form = UploadEmailForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            result = store.ingest(form.cleaned_data["email"], "upload", user=request.user)
            self.message_user(request, describe(result), messages.SUCCESS)
            return redirect("admin:returns_inboundmessage_change", result.message.pk)
        return form_page(
            self,
            request,
            form,
            title="Upload a forwarded email",
            submit_label="Take it in",
            multipart=True,
        )


def describe(result) -> str:
    message = result.message
    if result.duplicate:
        return "This email was already stored: nothing changed."
    kind = message.get_suggested_kind_display().lower()
    if message.request_id:
        return (
            f"Filed under {message.request.our_reference} ({message.request.force}) by "
            f"{message.get_matched_by_display().lower()}; suggested kind: {kind}."
        )
    return f"Not matched with certainty: it is in Unmatched replies (suggested kind: {kind})."


@admin.register(UnmatchedReply)
class UnmatchedReplyAdmin(ReceivedEmailAdmin):
    list_display = ["received", "about", "likely", "problem_flag"]
    list_filter = [SuggestedKindFilter, "source"]
    actions = ["set_aside_selected"]

    def get_queryset(self, request):
        return super().get_queryset(request).unmatched()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """An email filed or set aside meanwhile (by a colleague, in another tab) is shown on its
        Received emails page, saying so, rather than as "doesn't exist. Perhaps it was deleted?":
        nothing is ever deleted (README: Replies)."""
        message = self.get_object(request, object_id)
        handled = InboundMessage.objects.filter(pk=object_id) if object_id.isdigit() else None
        if message is not None or not handled or not handled.exists():
            return super().change_view(request, object_id, form_url, extra_context)
        message = handled.select_related("correspondence__request__force").get()
        if message.is_filed:
            done = f"filed under {message.correspondence.request.our_reference}"
        else:
            done = f"set aside as {aside.LABEL.lower()}"
        self.message_user(request, f"This email is no longer unmatched: it was {done}.")
        return redirect("admin:returns_inboundmessage_change", message.pk)

    @admin.display(description="Most likely request")
    def likely(self, message):
        ranked = match.suggestions(message, limit=1)
        if not ranked or ranked[0].cannot_answer:
            return "—"
        request = ranked[0].request
        return shortened(f"{request.our_reference} {request.force}", 40)

    @admin.action(description=f"Set aside: {aside.LABEL.lower()}", permissions=["file"])
    def set_aside_selected(self, request, queryset):
        """Asks first (the emails are listed), then sets them aside."""
        if "confirmed" not in request.POST:
            context = {
                **self.admin_site.each_context(request),
                "opts": self.model._meta,
                "title": f"Set aside as {aside.LABEL.lower()}?",
                "emails": queryset,
                "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            }
            return TemplateResponse(
                request, "admin/returns/inboundmessage/set_aside_confirm.html", context
            )
        done = aside.set_aside(queryset, request.user)
        for message in done:
            self.log_change(request, message, f"Set aside: {aside.LABEL.lower()}.")
        self.message_user(request, set_aside_message(len(done)), messages.SUCCESS)
        return None

    def get_urls(self):
        return [
            path(
                "<int:pk>/file/",
                self.admin_site.admin_view(require_POST(self.file_view)),
                name="returns_unmatchedreply_file",
            ),
            path(
                "<int:pk>/set-aside/",
                self.admin_site.admin_view(require_POST(self.set_aside_view)),
                name="returns_unmatchedreply_set_aside",
            ),
            path(
                "<int:pk>/bring-back/",
                self.admin_site.admin_view(require_POST(self.bring_back_view)),
                name="returns_unmatchedreply_bring_back",
            ),
        ] + super().get_urls()

    def set_aside_view(self, request, pk):
        """The button on the email's page: one email, set aside."""
        if not may_file(request):
            raise PermissionDenied
        message = get_object_or_404(InboundMessage, pk=pk)
        done = aside.set_aside(InboundMessage.objects.filter(pk=pk), request.user)
        if not done:
            self.message_user(
                request, "This email is filed or already set aside.", messages.WARNING
            )
            return redirect("admin:returns_inboundmessage_change", pk)
        self.log_change(request, message, f"Set aside: {aside.LABEL.lower()}.")
        self.message_user(request, set_aside_message(1), messages.SUCCESS)
        return redirect("admin:returns_unmatchedreply_changelist")

    def bring_back_view(self, request, pk):
        if not may_file(request):
            raise PermissionDenied
        message = get_object_or_404(InboundMessage, pk=pk)
        if aside.bring_back(InboundMessage.objects.filter(pk=pk)):
            self.log_change(request, message, "Brought back to Unmatched replies.")
            self.message_user(request, "Brought back to Unmatched replies.", messages.SUCCESS)
        return redirect("admin:returns_inboundmessage_change", pk)

    def file_view(self, request, pk):
        if not may_file(request):
            raise PermissionDenied
        with transaction.atomic():
            message = get_object_or_404(InboundMessage.objects.select_for_update(), pk=pk)
            if message.is_filed:
                self.message_user(request, "This email was already filed.", messages.WARNING)
                return redirect("admin:returns_inboundmessage_change", pk)
            if message.is_set_aside:
                self.message_user(
                    request,
                    "This email was set aside as not a force's reply: bring it back to "
                    "Unmatched replies first.",
                    messages.WARNING,
                )
                return redirect("admin:returns_inboundmessage_change", pk)
            foi_request = _chosen_request(request.POST)
            if foi_request is None:
                self.message_user(
                    request, "No request has that reference (e.g. FOIR-00042).", messages.ERROR
                )
                return redirect("admin:returns_unmatchedreply_change", pk)
            store.file_under(message, foi_request, "staff", user=request.user)
        self.message_user(
            request,
            f"Filed under {foi_request.our_reference} ({foi_request.force}).",
            messages.SUCCESS,
        )
        return redirect("admin:returns_foirequest_change", foi_request.pk)


def set_aside_message(count) -> str:
    emails = "1 email" if count == 1 else f"{count} emails"
    return (
        f"Set aside {emails} as {aside.LABEL.lower()}: out of Unmatched replies, still in All "
        "received emails (filter: set aside), from where it can be brought back."
    )


def _chosen_request(data):
    if data.get("request"):
        return FOIRequest.objects.filter(pk=data["request"]).first()
    found = OUR_REFERENCE.search(data.get("reference", "").upper())
    return FOIRequest.objects.filter(pk=int(found.group(1))).first() if found else None


@require_POST
def confirm_kind_view(request, pk):
    """Confirm (or change) the kind of a received email: one click on the request's page."""
    if not request.user.has_perm("returns.change_correspondence"):
        raise PermissionDenied
    correspondence = get_object_or_404(Correspondence, pk=pk, direction="in")
    # The form sends the Confirm button's kind, then the "change to" list's (empty unless one
    # was picked): the list's choice, when made, wins.
    kind = next((k for k in reversed(request.POST.getlist("kind")) if k), "")
    if kind not in classify.KINDS:
        messages.error(request, "Choose a kind of reply.")
    else:
        confirm.confirm(correspondence, kind, user=request.user)
        messages.success(request, f"Confirmed as {classify.LABELS[kind]}.")
    return redirect("admin:returns_foirequest_change", correspondence.request_id)
