import datetime

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from returns import placeholders, rounds
from returns.models import Campaign


class Command(BaseCommand):
    help = "Create a campaign with one FOI request per active force of the given nations."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("--title", required=True)
        parser.add_argument("--measure", required=True, help="e.g. online_child_sexual_offences")
        parser.add_argument("--periods", required=True, help="e.g. 2015/16,2016/17")
        parser.add_argument(
            "--nations",
            required=True,
            help="comma-separated: england, wales, scotland, northern-ireland, uk",
        )
        parser.add_argument(
            "--sent-on", help="YYYY-MM-DD: record the requests as already sent (and received) then"
        )
        parser.add_argument(
            "--wording",
            help="request wording, with the placeholders "
            + ", ".join("{" + name + "}" for name in placeholders.WORDING),
        )

    def handle(self, slug, title, measure, periods, nations, sent_on, wording, **options):
        if Campaign.objects.filter(slug=slug).exists():
            raise CommandError(f"A campaign with slug {slug!r} already exists.")
        try:
            periods = rounds.parse_periods(periods)
            nations = rounds.parse_nations(nations)
        except ValueError as error:
            raise CommandError(str(error)) from None
        try:
            sent_on = datetime.date.fromisoformat(sent_on) if sent_on else None
        except ValueError:
            raise CommandError(
                f"--sent-on must be a date as YYYY-MM-DD, not {sent_on!r}."
            ) from None
        try:
            campaign = rounds.create_campaign(
                slug=slug,
                title=title,
                measure=measure,
                periods=periods,
                nations=nations,
                sent_on=sent_on,
                wording=wording or rounds.DEFAULT_WORDING,
            )
        except ValidationError as error:
            messages = [
                f"{name}: {'; '.join(errors)}" for name, errors in error.message_dict.items()
            ]
            raise CommandError("Invalid campaign: " + " ".join(messages)) from None
        count = campaign.requests.count()
        state = f"recorded as sent on {sent_on:%d/%m/%Y}" if sent_on else "not yet sent"
        self.stdout.write(f"Created campaign {slug!r} with {count} requests ({state}).")
