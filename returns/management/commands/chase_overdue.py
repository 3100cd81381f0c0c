"""Take today's chase step for every overdue FOI request (what the daily beat task runs)."""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError

from returns import chasing
from returns.models import Correspondence


class Command(BaseCommand):
    help = (
        "Chase overdue FOI requests: chaser, second chaser, internal review, then the "
        "Commissioner, each once, on the force's working days."
    )

    def add_arguments(self, parser):
        parser.add_argument("--today", help="Run as if today were this date (YYYY-MM-DD).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Show the steps due; send and record nothing."
        )
        parser.add_argument(
            "--json", action="store_true", help="Print a JSON list of the steps taken, only."
        )

    def handle(self, *args, today=None, dry_run=False, json=False, **options):
        today = parse_today(today)
        try:
            steps = chasing.chase_overdue(today=today, dry_run=dry_run)
        except chasing.ChaseFailed as failed:
            self.report(failed.taken, dry_run, json)
            raise CommandError(str(failed)) from None
        self.report(steps, dry_run, json)

    def report(self, steps, dry_run, as_json):
        if as_json:
            self.stdout.write(dump_json([step.as_json() for step in steps]))
        else:
            self.stdout.write(summary(steps, dry_run))


def parse_today(text):
    if text is None:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"--today must be a date written YYYY-MM-DD, e.g. 2026-11-23, not {text!r}."
        ) from None


def dump_json(rows):
    return json.dumps(rows, ensure_ascii=False)


def summary(steps, dry_run):
    lines = [describe(step, dry_run) for step in steps]
    count = f"{len(steps)} step{'s' if len(steps) != 1 else ''}"
    if dry_run:
        lines.append(f"Dry run: {count} due; nothing sent or recorded.")
    else:
        lines.append(f"{count} taken.")
    return "\n".join(lines)


def describe(step, dry_run):
    label = Correspondence.Kind(step.kind).label
    where = f"to {step.to}" if step.to else "no FOI email address"
    if dry_run:
        outcome = "would be sent" if step.to else "would be drafted for staff"
    else:
        outcome = "sent" if step.sent else "drafted for staff (see the correspondence log)"
    return f"{step.force} (request {step.request}): {label}, {where}: {outcome}."
