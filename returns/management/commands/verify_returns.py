"""verify_returns SLUG --user USERNAME: verify every figure of a campaign someone else entered."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from returns import roles
from returns.models import Campaign, Figure
from returns.progress import command_bar
from returns.verification import summary, verify_figures


class Command(BaseCommand):
    help = (
        "Verify every unverified figure of the campaign that USERNAME did not enter, import or "
        "change (four-eyes rule); report how many are left for another person."
    )

    def add_arguments(self, parser):
        parser.add_argument("slug", help="The campaign's slug.")
        parser.add_argument("--user", required=True, help="Who checked the figures (username).")

    def handle(self, slug, user, **options):
        campaign = Campaign.objects.filter(slug=slug).first()
        if campaign is None:
            raise CommandError(f"No campaign with slug {slug!r}.")
        verifier = get_user_model().objects.filter(username=user, is_active=True).first()
        if verifier is None:
            raise CommandError(f"No active user named {user!r}.")
        if not verifier.has_perm(roles.VERIFY_FIGURES):
            raise CommandError(
                f"{user} may not verify figures: give the account the {roles.VERIFIERS} role "
                "(README: Staff roles). Nothing was verified."
            )
        figures = Figure.objects.filter(request__campaign=campaign, verified_at__isnull=True)
        with command_bar(self, "Verifying", unit="figure") as progress:
            verified, refused = verify_figures(
                verifier, figures.select_related("request"), progress=progress
            )
        self.stdout.write(f"{campaign.slug}: {summary(verified, refused)}.")
