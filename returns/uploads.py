"""Checks on files staff upload (correspondence, replies): a size ceiling and a type check that
looks at the content, not only the name."""

from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

ZIP_BASED = {".xlsx", ".docx", ".odt", ".ods", ".pptx"}
SIGNATURES = {
    ".pdf": [b"%PDF"],
    ".png": [b"\x89PNG"],
    ".jpg": [b"\xff\xd8\xff"],
    ".jpeg": [b"\xff\xd8\xff"],
    ".zip": [b"PK\x03\x04"],
    ".xls": [b"\xd0\xcf\x11\xe0"],
    ".doc": [b"\xd0\xcf\x11\xe0"],
    ".msg": [b"\xd0\xcf\x11\xe0"],
    **{ext: [b"PK\x03\x04"] for ext in ZIP_BASED},
}
TEXT_TYPES = {".csv", ".txt", ".eml"}
ALLOWED = sorted(set(SIGNATURES) | TEXT_TYPES)


def validate_upload(upload):
    """Raise ValidationError unless `upload` is a permitted type within the size limit."""
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise ValidationError(
            f"{upload.name} is {filesizeformat(upload.size)}; the limit is "
            f"{filesizeformat(settings.MAX_UPLOAD_BYTES)}."
        )
    extension = Path(upload.name).suffix.lower()
    if extension not in ALLOWED:
        raise ValidationError(
            f"{upload.name}: files of type {extension or '(none)'} are not accepted. "
            f"Accepted: {', '.join(ALLOWED)}."
        )
    head = upload.read(2048)
    upload.seek(0)
    if extension in TEXT_TYPES:
        if b"\x00" in head:
            raise ValidationError(f"{upload.name} is not a text file, whatever its name says.")
        return
    if not any(head.startswith(signature) for signature in SIGNATURES[extension]):
        raise ValidationError(f"{upload.name} is not a real {extension} file: its content differs.")
