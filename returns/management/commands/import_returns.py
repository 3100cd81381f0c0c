"""import_returns SLUG FILE [--dry-run] [--user USERNAME]: the admin's import, for scripts.

--user records who entered the figures (and the import batch), so that person can never verify
them. Without it they are recorded as entered by the `command-line-import` account, which names
nobody and can never verify; any verifier who did not change them may (README: Returns file
format), so give --user for real imports.
"""

import os
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from returns.importing.errors import ReturnsFileError
from returns.importing.files import SUPPORTED_SUFFIXES
from returns.importing.limits import ImportLimits
from returns.importing.service import import_long
from returns.models import Campaign
from returns.progress import command_bar
from returns.verification import (
    ReservedAccountName,
    command_line_account,
    is_command_line_account,
)


class Command(BaseCommand):
    help = "Import a returns file (CSV or XLSX, long layout) into a campaign: all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The campaign's slug.")
        parser.add_argument("file", help="force,period,measure,breakdown,category,value,note")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and report; save nothing."
        )
        parser.add_argument("--user", help="Username of the staff member entering the figures.")

    def handle(self, slug, file, dry_run=False, user=None, **options):
        campaign = self.campaign(slug)
        entered_by = self.user(user) if user else None
        path = Path(file)
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            raise CommandError(
                f"{path.name}: unsupported file type {path.suffix or '(none)'!r}; "
                "give a .csv or .xlsx file."
            )
        data = self.read(path)
        if entered_by is None and not dry_run:
            entered_by = self.unnamed_user()
        with command_bar(self, f"Importing {path.name}") as progress:
            outcome = import_long(
                campaign, data, path.name, entered_by, dry_run=dry_run, progress=progress
            )
        if not outcome.ok:
            for problem in outcome.problems:
                self.stderr.write(problem)
            count = outcome.problem_count
            raise CommandError(
                f"{path.name} refused: {count:,} problem{'s' if count != 1 else ''}; "
                "nothing was imported."
            )
        named = entered_by is not None and not is_command_line_account(entered_by)
        self.report(outcome.summary, path.name, campaign, named)

    def read(self, path):
        """The file's bytes, refusing one over MAX_UPLOAD_BYTES before reading it."""
        limits = ImportLimits.from_settings()
        try:
            with path.open("rb") as stream:
                limits.check_size(os.fstat(stream.fileno()).st_size)
                return limits.read_bounded(stream)  # a file still being written may grow
        except ReturnsFileError as error:
            raise CommandError(f"{path.name} refused: {error}") from None
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}.") from None

    def campaign(self, slug):
        try:
            return Campaign.objects.get(slug=slug)
        except Campaign.DoesNotExist:
            known = ", ".join(Campaign.objects.values_list("slug", flat=True)[:20]) or "none"
            raise CommandError(f"No campaign with slug {slug!r} (known: {known}).") from None

    def user(self, username):
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user {username!r}.") from None

    def unnamed_user(self):
        try:
            return command_line_account()
        except ReservedAccountName as error:
            raise CommandError(str(error)) from None

    def report(self, summary, name, campaign, named):
        verb = "Dry run, nothing saved: would import" if summary.dry_run else "Imported"
        figures = f"{summary.rows:,} figure{'' if summary.rows == 1 else 's'}"
        counts = summary.counts_text()
        self.stdout.write(f"{verb} {name} into {campaign.slug}: {figures}; {counts}.")
        for warning in summary.warnings:
            self.stdout.write(f"Warning: {warning.message}")
        if not summary.dry_run and summary.changed and not named:
            self.stdout.write(
                "No --user given: these figures are recorded as entered by the "
                "command-line-import account, so the four-eyes check cannot tell who ran this "
                "import (use --user)."
            )
