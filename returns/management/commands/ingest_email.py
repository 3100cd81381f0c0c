"""Take in emails saved as files (.eml, or an mbox of many) through the mailbox's own path."""

import json
import mailbox as mailboxes
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from returns.management.commands.fetch_replies import summary
from returns.progress import command_bar
from returns.replies import match
from returns.replies.store import ingest


class Command(BaseCommand):
    help = "Store, match and classify the emails in FILE... (.eml or mbox)."

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE")
        parser.add_argument("--json", action="store_true", help="One JSON object per message.")

    def handle(self, *args, files, json=False, **options):
        directory = match.Directory()
        taken = []
        with command_bar(self, "Taking in", unit="message") as progress:
            total = sum(message_count(Path(name)) for name in files)
            for name in files:
                for raw in messages_in(Path(name)):
                    item = ingest(raw, "file", directory=directory)
                    taken.append(item)
                    progress(len(taken), total)
                    if json:
                        self.stdout.write(_dumps(item.as_json()))
        if not json:
            self.stdout.write(summary(taken))


def messages_in(path: Path):
    """The raw messages of an .eml file (one) or an mbox file (each)."""
    if not is_mbox(path):
        yield path.read_bytes()
        return
    box = mailboxes.mbox(path, create=False)
    try:
        for key in box.keys():
            yield box.get_bytes(key)
    finally:
        box.close()


def message_count(path: Path) -> int:
    if not is_mbox(path):
        return 1
    box = mailboxes.mbox(path, create=False)
    try:
        return len(box)
    finally:
        box.close()


def is_mbox(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(5) == b"From "
    except OSError as error:
        raise CommandError(f"{path}: {error.strerror or error}") from None


def _dumps(value):
    return json.dumps(value, ensure_ascii=False)
