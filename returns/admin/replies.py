"""Admin of the forces' emails: Unmatched replies (file one under its request in one click),
every received email, the upload of a forwarded .eml, and confirming a reply's kind."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from returns.models import (
    Correspondence,
    EmailAttachment,
    Figure,
    FOIRequest,
    InboundMessage,
    MailboxCheck,
    UnmatchedReply,
)
from returns.replies import attached, classify, confirm, mailbox, match, store
from returns.replies.match import OUR_REFERENCE

KIND_CHOICES = [(kind, classify.LABELS[kind].capitalize()) for kind in classify.KINDS]


class SuggestedKindFilter(admin.SimpleListFilter):
    """Only the kinds a reply can be suggested as (not the kinds of our own letters)."""

    title = "suggested kind"
    parameter_name = "suggested_kind"

    def lookups(self, request, model_admin):
        return KIND_CHOICES

    def queryset(self, request, queryset):
        return queryset.filter(suggested_kind=self.value()) if self.value() else queryset


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

    list_display = ["received_at", "sender", "subject", "suggested", "matched", "problem_flag"]
    list_filter = [SuggestedKindFilter, "matched_by", "source"]
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
        "text",
    ]
    fields = readonly_fields
    change_form_template = "admin/returns/inboundmessage/change_form.html"
    change_list_template = "admin/returns/inboundmessage/change_list.html"

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description="Suggested kind", ordering="suggested_kind")
    def suggested(self, message):
        return message.get_suggested_kind_display()

    @admin.display(description="Filed under")
    def matched(self, message):
        if not message.request_id:
            return "—"
        return f"{message.request.our_reference} ({message.get_matched_by_display()})"

    @admin.display(description="Problem")
    def problem_flag(self, message):
        if not message.problem:
            return ""
        return format_html('<strong style="color:#ba2121">⚠ {}</strong>', message.problem[:80])

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
            context["suggestions"] = match.suggestions(message)
            context["may_file"] = request.user.has_perm("returns.change_unmatchedreply")
            context["file_url"] = reverse("admin:returns_unmatchedreply_file", args=[message.pk])
        elif message is not None and may_import_tables(request, self.admin_site):
            context["tables"] = attached.email_tables(message, message.correspondence.request_id)
        return super().change_view(request, object_id, form_url, context)


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
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "form": form,
            "title": "Upload a forwarded email",
            "submit_label": "Take it in",
            "multipart": True,
        }
        return TemplateResponse(request, "admin/returns/form_page.html", context)


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
    list_display = ["received_at", "sender", "subject", "suggested", "likely", "problem_flag"]
    list_filter = [SuggestedKindFilter, "source"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(correspondence__isnull=True)

    @admin.display(description="Most likely request")
    def likely(self, message):
        ranked = match.suggestions(message, limit=1)
        if not ranked:
            return "—"
        return f"{ranked[0].request.our_reference} {ranked[0].request.force}"

    def get_urls(self):
        return [
            path(
                "<int:pk>/file/",
                self.admin_site.admin_view(require_POST(self.file_view)),
                name="returns_unmatchedreply_file",
            )
        ] + super().get_urls()

    def file_view(self, request, pk):
        if not request.user.has_perm("returns.change_unmatchedreply"):
            raise PermissionDenied
        with transaction.atomic():
            message = get_object_or_404(InboundMessage.objects.select_for_update(), pk=pk)
            if message.is_filed:
                self.message_user(request, "This email was already filed.", messages.WARNING)
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
