"""Every change to a model has its migration: a missing one would leave a deployed database
behind the code."""

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_it_has_a_migration_for_every_model_change(capsys):
    try:
        call_command("makemigrations", "--check", "--dry-run", verbosity=1)
    except SystemExit:
        pytest.fail(f"Models changed without a migration:\n{capsys.readouterr().out}")
