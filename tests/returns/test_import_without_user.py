"""import_returns without --user: the figures are recorded as entered by the command-line-import
account, which names nobody, can never log in and can never verify.

Before: they had no recorded enterer at all, so the four-eyes check had nobody to refuse.
"""

from io import StringIO

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from returns.models import Figure, ImportBatch
from returns.verification import COMMAND_LINE_IMPORT, can_verify, verify_figures
from tests.factories import UserFactory
from tests.returns.files.helpers import HERE, make_campaign

pytestmark = pytest.mark.django_db
CLEAN = str(HERE / "clean_long.csv")


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_records_the_command_line_account_as_enterer_and_uploader():
    campaign = make_campaign()

    output = run("import_returns", campaign.slug, CLEAN)

    account = User.objects.get(username=COMMAND_LINE_IMPORT)
    batch = ImportBatch.objects.get()
    assert batch.uploaded_by == account
    assert set(Figure.objects.values_list("entered_by", flat=True)) == {account.pk}
    assert set(Figure.history.values_list("history_user", flat=True)) == {account.pk}
    assert "recorded as entered by the command-line-import account" in output


def test_it_never_lets_the_command_line_account_log_in_or_verify():
    campaign = make_campaign()
    run("import_returns", campaign.slug, CLEAN)
    account = User.objects.get(username=COMMAND_LINE_IMPORT)
    figure = Figure.objects.first()

    assert (account.is_active, account.is_staff, account.is_superuser) == (False, False, False)
    assert not account.has_usable_password()
    assert not can_verify(account, figure)
    with pytest.raises(PermissionError):
        verify_figures(account, [figure])
    with pytest.raises(CommandError, match="No active user named 'command-line-import'"):
        run("verify_returns", campaign.slug, "--user", COMMAND_LINE_IMPORT)
    assert not Figure.objects.filter(verified_at__isnull=False).exists()


def test_it_lets_a_verifier_check_them_and_says_nobody_was_named(verifier):
    campaign = make_campaign()
    run("import_returns", campaign.slug, CLEAN)

    output = run("verify_returns", campaign.slug, "--user", verifier.username)

    assert "9 verified (9 with no named enterer: imported without --user)" in output


def test_it_refuses_to_record_a_login_account_that_took_the_reserved_name():
    campaign = make_campaign()
    UserFactory(username=COMMAND_LINE_IMPORT)  # active staff with a password

    with pytest.raises(CommandError, match="reserved for imports without --user"):
        run("import_returns", campaign.slug, CLEAN)

    assert not Figure.objects.exists()
