"""Run a whole import again when the database rolled it back for a clash with another change.

PostgreSQL breaks a deadlock (say an import and a verification each waiting for rows the other
holds) by rolling one of them back; under serializable isolation a commit may fail the same way,
and a `lock_timeout` gives up waiting. None of these says anything about the file: the same import
a moment later usually goes through. So each import attempt runs in its own transaction and is
tried again a few times, with a short pause; after that the caller reports it.
"""

import logging
import time

from django.db import DatabaseError

logger = logging.getLogger(__name__)

TRIES = 3
PAUSE_SECONDS = 0.2
BUSY = "Another change was being saved at the same time; nothing was saved; try again."
RETRYABLE_SQLSTATES = {
    "40001",  # serialization_failure
    "40P01",  # deadlock_detected
    "55P03",  # lock_not_available (lock_timeout)
    # unique_violation: two imports creating the same figure at once (each checked that it
    # did not exist yet); the retry finds the other's figure and updates or keeps it.
    "23505",
}


class ConcurrentChange(Exception):
    """Still clashing with other changes after every try: nothing was saved."""


def is_retryable(error):
    """Is `error`, or the driver error it wraps, a clash with another transaction?"""
    seen = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        if getattr(error, "sqlstate", None) in RETRYABLE_SQLSTATES:
            return True
        if type(error).__module__ == "sqlite3" and "database is locked" in str(error):
            return True
        error = error.__cause__ or error.__context__
    return False


def with_retries(attempt, tries=TRIES, pause=PAUSE_SECONDS):
    """Return `attempt()`; if the database rolled it back for a clash, call it again (at most
    `tries` times in all). `attempt` must do all its work in one transaction of its own."""
    for number in range(1, tries + 1):
        try:
            return attempt()
        except DatabaseError as error:
            if not is_retryable(error):
                raise
            if number == tries:
                raise ConcurrentChange(BUSY) from error
            logger.warning(
                "Import attempt %s of %s rolled back by the database (%s); trying again.",
                number,
                tries,
                str(error).strip().splitlines()[0],
            )
            time.sleep(pause * 2 ** (number - 1))
