"""The kinds of long work a job can run: one entry per kind, added with `@job_kind`.

A kind is a plain function `run(job, progress) -> JobResult` that does its work in one
transaction (a failure leaves nothing half-saved), calls `progress(done, total)` as it goes and
describes how it ended. Apps declare their kinds in their own `jobs.py` (e.g. returns/jobs.py),
which Django imports at start-up (jobs/apps.py).
"""

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass
class JobResult:
    """How a job ended, as its page shows it: the same summary or problem list as the inline
    path gives, links onwards, and optionally a form to go on with (an import's confirm)."""

    message: str
    level: str = "success"  # success | warning | error
    problems: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url)
    # {"label": ..., "url": ..., "fields": {name: value}}: a POST button on the result.
    confirm: dict | None = None
    # A fuller account, rendered (autoescaped) from the inline path's own template.
    detail_html: str = ""

    def as_json(self) -> dict:
        return {
            "message": self.message,
            "level": self.level,
            "problems": list(self.problems),
            "links": [list(link) for link in self.links],
            "confirm": self.confirm,
            "detail_html": self.detail_html,
        }


class JobRefused(Exception):
    """The work could not be done, for a reason to tell the user (nothing was saved)."""

    def __init__(self, message, problems=()):
        super().__init__(message)
        self.message = message
        self.problems = list(problems)


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str
    permission: str  # needed to start it and to see its result
    run: Callable


KINDS: dict[str, JobKind] = {}


def job_kind(name, *, label, permission):
    def register(run):
        KINDS[name] = JobKind(name=name, label=label, permission=permission, run=run)
        return run

    return register
