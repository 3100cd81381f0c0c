"""One confirm per preview: confirming claims the upload the preview stored, atomically.

A preview keeps the upload in django-import-export's TempFolderStorage (a file NAME in the
system's temp directory) and the confirm form names it. Confirming renames NAME to
NAME.confirming; a rename is atomic, so of two confirms at once (a double click, two tabs, two
staff) exactly one gets the file and the other is refused. Once the import has run, saved or
not, the copy is deleted (the file itself is kept with its import batch): a later confirm of the
same preview finds nothing, and a refused one is uploaded again from the start.
"""

import os
import tempfile

UNAVAILABLE = (
    "This import was already confirmed (or is being confirmed), or its upload has expired: "
    "Import batches shows what was saved; to import the file, upload it again."
)
CONFIRMING = ".confirming"


class UploadUnavailable(Exception):
    """The stored upload cannot be claimed; the message says why."""


def path_of(name):
    return os.path.join(tempfile.gettempdir(), os.path.basename(name))


def claim(name):
    """Take the stored upload `name` for this confirm alone and return its bytes."""
    path = path_of(name)
    try:
        os.rename(path, path + CONFIRMING)
    except FileNotFoundError:
        raise UploadUnavailable(UNAVAILABLE) from None
    with open(path + CONFIRMING, "rb") as claimed:
        return claimed.read()


def peek(name):
    """The stored upload's bytes, leaving it for the confirm (a preview read again)."""
    try:
        with open(path_of(name), "rb") as stored:
            return stored.read()
    except FileNotFoundError:
        raise UploadUnavailable(UNAVAILABLE) from None


def release(name):
    """After the import, saved or refused: the temporary copy has served."""
    try:
        os.remove(path_of(name) + CONFIRMING)
    except FileNotFoundError:
        pass


def discard(name):
    """A previewed upload that no confirm will follow (the file was refused)."""
    try:
        os.remove(path_of(name))
    except FileNotFoundError:
        pass
