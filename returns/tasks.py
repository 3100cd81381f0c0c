"""Celery tasks: thin wrappers around plain functions, taking ids and returning quietly."""

from celery import shared_task


@shared_task
def ping():
    """A round trip through the broker and a worker (used by the health test)."""
    return "pong"
