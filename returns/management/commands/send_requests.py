"""Send a campaign's unsent FOI requests by email: what the admin's "Send unsent requests" does."""

import json

from django.core.management.base import BaseCommand, CommandError

from returns import rounds
from returns.messaging import MessageError
from returns.models import Campaign
from returns.progress import command_bar


class Command(BaseCommand):
    help = (
        "Send the campaign's unsent requests, one email per force, and record them as sent and "
        "received today. Forces without an FOI address get a flagged draft."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The campaign's slug.")
        parser.add_argument(
            "--json", action="store_true", help="Print a JSON list, one object per request, only."
        )

    def handle(self, *args, slug, json=False, **options):
        try:
            campaign = Campaign.objects.get(slug=slug)
        except Campaign.DoesNotExist:
            raise CommandError(f"There is no campaign with slug {slug!r}.") from None
        report = rounds.SendReport()
        try:
            with command_bar(self, "Sending", unit="request") as progress:
                rounds.send_requests(campaign, on_outcome=report.outcomes.append, progress=progress)
        except MessageError as error:
            self.report(report, json)
            raise CommandError(f"Not all sent: {error}") from None
        self.report(report, json)
        if report.failed:
            raise CommandError(
                f"{len(report.failed)} not taken by the mail server (they stay flagged drafts; "
                "run the command again to retry): "
                + "; ".join(
                    f"{outcome.foi_request.force}: {outcome.message.needs_attention}"
                    for outcome in report.failed
                )
            )

    def report(self, report, as_json):
        if as_json:
            rows = [outcome.as_json() for outcome in report.outcomes]
            self.stdout.write(json.dumps(rows, ensure_ascii=False))
        else:
            self.stdout.write(summary(report))


def summary(report):
    lines = [describe(outcome) for outcome in report.outcomes]
    lines.append(
        f"{len(report.sent)} sent, {len(report.flagged)} drafted for forces without an FOI "
        f"address, {len(report.failed)} not taken by the mail server."
    )
    return "\n".join(lines)


def describe(outcome):
    reference = outcome.foi_request.our_reference
    if outcome.sent:
        return f"{outcome.foi_request.force} ({reference}): sent to {outcome.message.address}."
    if outcome.flagged:
        return (
            f"{outcome.foi_request.force} ({reference}): no FOI email address: drafted for staff."
        )
    return f"{outcome.foi_request.force} ({reference}): not sent: {outcome.message.needs_attention}"
