"""Admin of the returns app, one module per area (Django imports this package)."""

from returns.admin import campaigns, figures, replies, users, verification  # noqa: F401
