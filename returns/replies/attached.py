"""A force's reply's attachment as a table to import (README: Replies, "Import this table").

A stored attachment is offered to the force-table import when it is a kind the reader reads
(CSV, .xlsx, .docx, PDF: returns/importing/tables.py) by its name AND its content, and belongs
to incoming correspondence filed under the request. The import page names it in its query
string (`?attachment=ID` for an email's attachment, `?correspondence=ID` for the file of a
reply recorded by hand); `find` checks both again, so a forged id is refused with the reason.
"""

from dataclasses import dataclass
from pathlib import Path

from django.db.models.fields.files import FieldFile
from django.urls import reverse

from returns.importing.errors import ReturnsFileError
from returns.importing.tables import kind_of_stream
from returns.models import Correspondence, EmailAttachment

# The reader's kinds, by the name a file must have to be offered as one (a .txt is not).
TABLE_SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".xlsm": "xlsx", ".docx": "docx", ".pdf": "pdf"}
# Tables the reader cannot open, which forces still send: the request page says what to do.
RESAVE_SUFFIXES = {".xls", ".xlsb", ".ods", ".doc", ".odt"}
RESAVE_HINT = "to import it, open it and save it as .xlsx (or .docx), then Import a force's table"
NOT_THIS_REQUEST = "That attachment is not part of a reply filed under this request."
NOT_A_TABLE = "{name} is not a table the import can read (CSV, .xlsx, .docx or a PDF)."


class Refused(Exception):
    """The attachment named cannot be imported here; the message says why."""


@dataclass(frozen=True)
class AttachedTable:
    name: str
    file: FieldFile
    correspondence: Correspondence

    @property
    def size(self):
        return self.file.size

    def read(self) -> bytes:
        with self.file.open("rb") as stored:
            return stored.read()


def is_table(file: FieldFile, name: str) -> bool:
    """Whether `file` is a table the reader can read: its name's kind and its content's agree."""
    expected = TABLE_SUFFIXES.get(Path(name).suffix.lower())
    if expected is None or not file:
        return False
    try:
        with file.open("rb") as stored:
            return kind_of_stream(stored) == expected
    except (ReturnsFileError, OSError):
        return False


def import_url(foi_request_id, **source) -> str:
    """The force-table import of `foi_request_id` on one attachment: attachment=ID or
    correspondence=ID."""
    ((key, pk),) = source.items()
    url = reverse("admin:returns_figure_import_table", args=[foi_request_id])
    return f"{url}?{key}={pk}"


def find(foi_request, query) -> AttachedTable | None:
    """The attachment the import page's query names, checked; None when it names none."""
    if "attachment" in query:
        item = (
            EmailAttachment.objects.select_related("message__correspondence")
            .filter(pk=_id(query["attachment"]), message__correspondence__request=foi_request)
            .first()
        )
        if item is None:
            raise Refused(NOT_THIS_REQUEST)
        return _checked(item.name, item.file, item.message.correspondence)
    if "correspondence" in query:
        reply = (
            Correspondence.objects.filter(
                pk=_id(query["correspondence"]),
                request=foi_request,
                direction=Correspondence.Direction.IN,
            )
            .exclude(attachment="")
            .first()
        )
        if reply is None:
            raise Refused(NOT_THIS_REQUEST)
        return _checked(Path(reply.attachment.name).name, reply.attachment, reply)
    return None


def _id(text):
    try:
        return int(text)
    except (TypeError, ValueError):
        raise Refused(NOT_THIS_REQUEST) from None


def _checked(name, file, correspondence):
    if not is_table(file, name):
        raise Refused(NOT_A_TABLE.format(name=name or "This file"))
    return AttachedTable(name, file, correspondence)


def email_tables(message, foi_request_id):
    """(attachment, its import URL) for each table attached to an email filed under the
    request `foi_request_id`."""
    return [
        (item, import_url(foi_request_id, attachment=item.pk))
        for item in message.attachments.all()
        if is_table(item.file, item.name)
    ]


def mark_importable(foi_request, thread):
    """Give each table attached to the incoming replies of `thread` its `import_url` (the
    request page shows "Import this table" there): an email's attachments, or the file of a
    reply recorded by hand. An old Excel or OpenDocument attachment gets `import_hint`."""
    for row in thread:
        if row.direction != Correspondence.Direction.IN:
            continue
        inbound = getattr(row, "inbound", None)
        if inbound is not None:
            for item, url in email_tables(inbound, foi_request.pk):
                item.import_url = url
            for item in inbound.attachments.all():
                if item.file and Path(item.name).suffix.lower() in RESAVE_SUFFIXES:
                    item.import_hint = RESAVE_HINT
        elif is_table(row.attachment, row.attachment.name or ""):
            row.import_url = import_url(foi_request.pk, correspondence=row.pk)
