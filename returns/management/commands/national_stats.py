"""`national_stats SLUG [--include-unverified] --json`: the statistics, computed afresh."""

import json

from django.core.management.base import BaseCommand, CommandError

from returns.models import Campaign
from returns.statistics import compute_statistics, press_sentence


class Command(BaseCommand):
    help = (
        "Print a campaign's national statistics, computed now from the database "
        "(verified figures only unless --include-unverified)."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument(
            "--include-unverified",
            action="store_true",
            help="Preview: count figures nobody has verified yet.",
        )
        parser.add_argument(
            "--json", action="store_true", help="Print the JSON of docs/statistics.md."
        )

    def handle(self, slug, **options):
        campaign = Campaign.objects.filter(slug=slug).first()
        if campaign is None:
            raise CommandError(f"No campaign with the slug {slug!r}.")
        statistics = compute_statistics(campaign, include_unverified=options["include_unverified"])
        if options["json"]:
            self.stdout.write(json.dumps(statistics.payload, indent=2, ensure_ascii=False))
            return
        for period in campaign.periods:
            self.stdout.write(press_sentence(statistics.payload, period))
