"""One confirm per preview: confirming claims the upload the preview stored, atomically.

A preview keeps the upload in django-import-export's TempFolderStorage (a file NAME in the
system's temp directory) and the confirm form names it. Confirming renames NAME to
NAME.confirming; a rename is atomic, so of two confirms at once (a double click, two tabs, two
staff) exactly one gets the file and the other is refused. After a successful import the file
(kept with its import batch) gives way to an empty NAME.confirmed marker, so a later confirm of
the same preview is refused too; after a failed one it is put back, to be confirmed again.
"""

import os
import tempfile

ALREADY_CONFIRMED = (
    "This import was already confirmed (or is being confirmed): Import batches shows what it saved."
)
EXPIRED = "The uploaded file has expired: upload it again."
CONFIRMING = ".confirming"
CONFIRMED = ".confirmed"


class UploadUnavailable(Exception):
    """The stored upload cannot be claimed; the message says why."""


def path_of(name):
    return os.path.join(tempfile.gettempdir(), os.path.basename(name))


def claim(name):
    """Take the stored upload `name` for this confirm alone and return its bytes."""
    path = path_of(name)
    for _ in range(2):  # a failed confirm may be putting the file back at this very moment
        try:
            os.rename(path, path + CONFIRMING)
        except FileNotFoundError:
            if os.path.exists(path + CONFIRMING) or os.path.exists(path + CONFIRMED):
                raise UploadUnavailable(ALREADY_CONFIRMED) from None
            continue
        with open(path + CONFIRMING, "rb") as claimed:
            return claimed.read()
    raise UploadUnavailable(EXPIRED)


def settle(name, saved):
    """After the import: mark the upload confirmed if it was saved, otherwise put it back."""
    path = path_of(name)
    if saved:
        open(path + CONFIRMED, "wb").close()  # before the removal: one of the two always exists
        os.remove(path + CONFIRMING)
    else:
        os.rename(path + CONFIRMING, path)
