"""Load the directory of forces from the CSV shipped with the project (forces/data/forces.csv)."""

import csv
from pathlib import Path

FORCES_CSV = Path(__file__).resolve().parent / "data" / "forces.csv"


def read_forces_csv(path=FORCES_CSV):
    with open(path, newline="", encoding="utf-8-sig") as handle:
        return list(csv.DictReader(handle))


def load_forces(force_model, path=FORCES_CSV):
    """Create or update each force of the CSV; returns how many rows were read."""
    rows = read_forces_csv(path)
    for row in rows:
        force_model.objects.update_or_create(
            name=row["name"],
            defaults={
                "short_name": row["short_name"],
                "ons_code": row["ons_code"],
                "nation": row["nation"],
                "regime": row["regime"],
                "kind": row["kind"],
                "aliases": "; ".join(a.strip() for a in row["aliases"].split(";") if a.strip()),
            },
        )
    return len(rows)
