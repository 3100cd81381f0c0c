"""export_dataset SLUG --format csv|xlsx|json -o FILE [--suppress-below N]: the verified dataset."""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from returns.exporting import FORMATS, ExportError, prepare
from returns.models import Campaign
from returns.progress import command_bar


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
        path = Path(output)
        with command_bar(self, f"Writing {path.name}", unit="figure") as progress:
            try:
                export_format, dataset = prepare(
                    campaign, format.lower(), suppress_below, progress=progress
                )
            except ExportError as error:
                raise CommandError(str(error)) from None
            try:
                write_whole(path, lambda stream: export_format.write(dataset, stream))
            except OSError as error:
                raise CommandError(f"Cannot write {path}: {error.strerror or error}.") from None
        self.stdout.write(f"Wrote the verified dataset of {campaign.slug} to {path}.")


def write_whole(path, write):
    """`write(stream)` to `path` as the rows are read, through a file beside it renamed when
    done: a failure midway leaves no half-written file (and any earlier file as it was)."""
    if path.exists() and not path.is_file():  # a device or a pipe (/dev/stdout): straight in
        with path.open("wb") as stream:
            write(stream)
        return
    partial = path.with_name(f".{path.name}.partial")
    try:
        with partial.open("wb") as stream:
            write(stream)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
