"""Problems found in a returns file: each names where it is (row, column) and what is wrong."""

from dataclasses import dataclass


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


class ReturnsFileError(ValueError):
    """The file is refused as a whole; `problems` lists every reason found."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__("\n".join(str(problem) for problem in self.problems))
