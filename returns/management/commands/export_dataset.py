"""export_dataset SLUG --format csv|xlsx|json -o FILE [--suppress-below N]: the verified dataset."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from returns.exporting import FORMATS, ExportError, render
from returns.models import Campaign


class Command(BaseCommand):
    help = "Write a campaign's verified figures (only those) as CSV, XLSX or JSON."

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The campaign's slug.")
        parser.add_argument("--format", required=True, help=f"One of: {', '.join(FORMATS)}.")
        parser.add_argument("-o", "--output", required=True, help="The file to write.")
        parser.add_argument(
            "--suppress-below",
            type=int,
            metavar="N",
            help='For publication: write counts from 1 to N-1 as "<N" (e.g. 5 gives "<5").',
        )

    def handle(self, slug, format, output, suppress_below, **options):
        campaign = Campaign.objects.filter(slug=slug).first()
        if campaign is None:
            raise CommandError(f"No campaign with slug {slug!r}.")
        try:
            content = render(campaign, format.lower(), suppress_below)
        except ExportError as error:
            raise CommandError(str(error)) from None
        path = Path(output)
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(f"Cannot write {path}: {error.strerror or error}.") from None
        self.stdout.write(f"Wrote the verified dataset of {campaign.slug} to {path}.")
