"""Problems found in a returns file: each names where it is (row, column) and what is wrong.

A file with a bad row in each of 3 million rows must not turn into 3 million messages: the
first LISTED_PROBLEMS are kept and the rest are only counted ("... and 2,999,900 more problems").
"""

from dataclasses import dataclass

LISTED_PROBLEMS = 100


@dataclass(frozen=True)
class FileProblem:
    """One reason to refuse a file. `row` is the spreadsheet row (the header is row 1)."""

    reason: str
    row: int | None = None
    column: str | None = None

    def __str__(self):
        if self.row is not None and self.column:
            return f"Row {self.row}, column {self.column}: {self.reason}"
        if self.row is not None:
            return f"Row {self.row}: {self.reason}"
        if self.column:
            return f"Column {self.column}: {self.reason}"
        return self.reason


class ProblemList:
    """Problems as they are found: the first `limit` kept, every one counted."""

    def __init__(self, problems=(), limit=LISTED_PROBLEMS):
        self.limit = limit
        self.listed = []
        self.total = 0
        self.extend(problems)

    def add(self, problem):
        self.total += 1
        if len(self.listed) < self.limit:
            self.listed.append(problem)

    def extend(self, problems):
        for problem in problems:
            self.add(problem)

    def merge(self, other):
        """Take in another ProblemList: its kept problems, and the count of the others."""
        self.extend(other.listed)
        self.total += other.total - len(other.listed)

    def __bool__(self):
        return self.total > 0

    def __len__(self):
        return self.total

    def lines(self):
        """The kept problems as text, then one line counting the others."""
        lines = [str(problem) for problem in self.listed]
        more = self.total - len(self.listed)
        if more:
            lines.append(f"... and {more:,} more problem{'s' if more != 1 else ''}.")
        return lines


class ReturnsFileError(ValueError):
    """The file is refused as a whole; `problems` lists the first reasons, `total` counts all."""

    def __init__(self, problems):
        found = problems if isinstance(problems, ProblemList) else ProblemList(problems)
        self.problems = found.listed
        self.total = found.total
        self.found = found
        super().__init__("\n".join(found.lines()))

    def lines(self):
        return self.found.lines()
