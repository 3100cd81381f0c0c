"""A form on a page of its own beside the admin's (record a response, clone a round, send a
request again, upload an email): one template, admin/returns/form_page.html."""

from django.template.response import TemplateResponse


def form_page(model_admin, request, form, *, title, submit_label, original=None, multipart=False):
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "form": form,
        "title": title,
        "original": original,
        "submit_label": submit_label,
        "multipart": multipart,
        "media": model_admin.media + form.media,
    }
    return TemplateResponse(request, "admin/returns/form_page.html", context)
