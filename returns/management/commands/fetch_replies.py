"""Take in the forces' new emails from the charity's mailbox (what the beat task runs)."""

import json

from django.core.management.base import BaseCommand, CommandError

from returns.progress import command_bar
from returns.replies import mailbox


class Command(BaseCommand):
    help = "Read new messages from the IMAP mailbox (IMAP_* settings) and file them."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, help="Take at most this many messages.")
        parser.add_argument("--json", action="store_true", help="One JSON object per message.")

    def handle(self, *args, limit=None, json=False, **options):
        try:
            with command_bar(self, "Taking in", unit="message") as progress:
                report = mailbox.fetch_replies(limit=limit, progress=progress)
        except mailbox.MailboxNotConfigured as error:
            raise CommandError(str(error)) from None
        except mailbox.MailboxUnreachable as error:
            raise CommandError(
                f"The mailbox could not be read, nothing was marked as read: {error}"
            ) from None
        if json:
            for item in report.taken:
                self.stdout.write(_dumps(item.as_json()))
        else:
            self.stdout.write(summary(report.taken))
        if report.failed:
            raise CommandError(
                f"{len(report.failed)} messages could not be taken in and were left unread: "
                + "; ".join(report.failed)
            )


def summary(taken) -> str:
    new = [item for item in taken if not item.duplicate]
    filed = [item for item in new if item.message.request_id]
    return (
        f"{len(taken)} messages read: {len(new)} new ({len(filed)} filed under their request, "
        f"{len(new) - len(filed)} left in Unmatched replies), "
        f"{len(taken) - len(new)} already stored."
    )


def _dumps(value):
    return json.dumps(value, ensure_ascii=False)
