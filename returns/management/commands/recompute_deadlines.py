from django.core.management.base import BaseCommand

from returns.rounds import recompute_open_deadlines


class Command(BaseCommand):
    help = (
        "Re-derive the due dates of open requests from today's holiday tables (run after upgrading "
        "the holidays package; the beat runs it daily)."
    )

    def handle(self, **options):
        moved = recompute_open_deadlines()
        self.stdout.write(f"{moved} open requests have a new due date.")
