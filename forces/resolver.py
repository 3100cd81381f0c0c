"""Turn what a spreadsheet writes ("Met Police", "Devon & Cornwall", "E23000007") into a Force.

Matching is by name, short name, alias or ONS code; case, punctuation and "&"/"and" do not
matter, nor do the words "Police", "Constabulary", "Service" and "Force". An unknown or ambiguous
name is an error that says which.
"""

import difflib
import re
from collections import defaultdict

from forces.models import Force

NOISE_WORDS = {"police", "constabulary", "service", "force"}


class ForceResolutionError(ValueError):
    pass


class UnknownForce(ForceResolutionError):
    pass


class AmbiguousForce(ForceResolutionError):
    pass


def normalise(text):
    words = re.sub(r"[^a-z0-9]+", " ", str(text).lower().replace("&", " and ")).split()
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def core(key):
    """The key without the words "police", "constabulary", "service", "force":
    "durham constabulary" -> "durham", "northumbria police service" -> "northumbria"."""
    return " ".join(word for word in key.split() if word not in NOISE_WORDS)


class ForceResolver:
    """Resolves many names against one snapshot of the directory (one query)."""

    def __init__(self, forces=None):
        self.forces = list(Force.objects.all() if forces is None else forces)
        self.exact = defaultdict(set)
        self.loose = defaultdict(set)
        for force in self.forces:
            for name in force.names():
                key = normalise(name)
                if key:
                    self.exact[key].add(force)
                    self.loose[core(key) or key].add(force)

    def resolve(self, text):
        key = normalise(text)
        if not key:
            raise UnknownForce("No force given.")
        for index, lookup in ((self.exact, key), (self.loose, core(key) or key)):
            matches = index.get(lookup)
            if matches and len(matches) == 1:
                return next(iter(matches))
            if matches:
                names = ", ".join(sorted(force.name for force in matches))
                raise AmbiguousForce(f"Force {text!r} is ambiguous: it could be {names}.")
        raise UnknownForce(f"Unknown force {text!r}.{self._suggestion(key)}")

    def clashes_with(self, names):
        """Names (of a force being edited) that already resolve to one of self.forces."""
        return sorted(
            {name for name in names if name and normalise(name) and self.exact.get(normalise(name))}
        )

    def _suggestion(self, key):
        close = difflib.get_close_matches(key, list(self.exact), n=1, cutoff=0.75)
        if not close:
            return ""
        force = sorted(self.exact[close[0]], key=lambda f: f.name)[0]
        return f" Did you mean {force.name}?"
