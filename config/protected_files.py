"""Uploaded files (force replies, imported returns) are served only to staff allowed to see them.

Every FileField stores through `ProtectedFileStorage` (the default storage, see settings), whose
`url()` points at `serve_protected_file`. That view finds the row that owns the file and checks
the user's view permission on it, then answers with a download — by Django itself, or by handing
the file to the web server (README: Configuration, PROTECTED_FILES_SERVE); a received email's
files are kept in the database, so Django always sends those.
"""

import mimetypes
import os
from urllib.parse import quote

from django.apps import apps
from django.conf import settings
from django.contrib.admin.views.decorators import staff_member_required
from django.contrib.auth import get_permission_codename
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import models
from django.http import FileResponse, Http404, HttpResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.text import get_valid_filename
from django.views.decorators.cache import never_cache

SERVE_MODES = ("django", "x-sendfile", "x-accel-redirect")


IN_DATABASE = "inbound/"  # received emails and their attachments (returns.models.StoredFile)


class ProtectedFileStorage(FileSystemStorage):
    """Files under MEDIA_ROOT, linked through the permission-checking view, never as /media/.

    A received email and its attachments are kept in the database (`StoredFile`, written with
    the email's rows by returns/replies/store.py); a name under `inbound/` is read from there
    first, then from MEDIA_ROOT, where emails taken in before were kept."""

    def url(self, name):
        return reverse("protected_file", args=[name])

    def _open(self, name, mode="rb"):
        stored = self.in_database(name)
        if stored is None:
            return super()._open(name, mode)
        return ContentFile(bytes(stored.data), name=name)

    def exists(self, name):
        return self.in_database(name, only_size=True) is not None or super().exists(name)

    def size(self, name):
        stored = self.in_database(name, only_size=True)
        return super().size(name) if stored is None else stored.size

    def delete(self, name):
        if name and name.startswith(IN_DATABASE):
            apps.get_model("returns", "StoredFile").objects.filter(name=name).delete()
        super().delete(name)

    @staticmethod
    def in_database(name, only_size=False):
        """The StoredFile row of `name`, if it is kept in the database."""
        if not (name and name.startswith(IN_DATABASE)):
            return None
        rows = apps.get_model("returns", "StoredFile").objects.filter(name=name)
        return (rows.only("size") if only_size else rows).first()


def file_fields():
    """(model, field name) for every FileField kept in the default storage."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.FileField) and field.storage is default_storage:
                yield model, field.name


def may_view(user, model):
    opts = model._meta
    return any(
        user.has_perm(f"{opts.app_label}.{get_permission_codename(action, opts)}")
        for action in ("view", "change")
    )


def check_access(user, name):
    """Http404 when no row owns the file; PermissionDenied when the user may see none of them."""
    owners = [
        model
        for model, field in file_fields()
        if model._default_manager.filter(**{field: name}).exists()
    ]
    if not owners:
        raise Http404("No such file.")
    if not any(may_view(user, model) for model in owners):
        raise PermissionDenied


def download_headers(response, name):
    response["Content-Disposition"] = content_disposition_header(
        True, get_valid_filename(os.path.basename(name))
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def handed_to_proxy(name):
    """An empty response telling the web server which file to send."""
    response = HttpResponse(
        content_type=mimetypes.guess_type(name)[0] or "application/octet-stream"
    )
    if settings.PROTECTED_FILES_SERVE == "x-sendfile":
        response["X-Sendfile"] = default_storage.path(name)
    else:
        response["X-Accel-Redirect"] = settings.PROTECTED_FILES_ACCEL_PREFIX + quote(name)
    return response


@never_cache
@staff_member_required
def serve_protected_file(request, name):
    check_access(request.user, name)
    if not default_storage.exists(name):
        raise Http404("The file is recorded but missing from storage.")
    in_database = ProtectedFileStorage.in_database(name, only_size=True) is not None
    if settings.PROTECTED_FILES_SERVE == "django" or in_database:  # a proxy cannot see it
        response = FileResponse(default_storage.open(name, "rb"))
    else:
        response = handed_to_proxy(name)
    return download_headers(response, name)
