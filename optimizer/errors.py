"""The one exception type for bad input, carrying every problem found, not only the first."""

from __future__ import annotations

from dataclasses import asdict, dataclass

# Exit statuses of the command line, documented in README and docs/errors.md.
EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_BAD_INPUT = 2
EXIT_INFEASIBLE = 3
EXIT_SOLVER_FAILED = 4
EXIT_OUTPUT_FAILED = 5


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (file, row as the user counts it, column) and why."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    message: str
    row_word: str = "row"  # "line" for YAML files
    column_word: str = "column"  # "key" for YAML files

    def __str__(self) -> str:
        from optimizer.messages import msg

        parts = [self.file]
        if self.row is not None:
            parts.append(msg(f"where.{self.row_word}", n=self.row))
        if self.column:
            parts.append(msg(f"where.{self.column_word}", name=self.column))
        shown = "" if self.value is None else msg("where.found", value=repr(self.value))
        return msg("where.sep").join(parts) + msg("where.colon") + self.message + shown

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


class InputError(Exception):
    """Raised when input cannot be used; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        from optimizer.messages import msg

        head = msg("problems_in_input", n=len(self.problems))
        super().__init__("\n".join([head, *(f"  - {p}" for p in self.problems)]))


# Longest value a message repeats (a 10,000-character name is cut, its length said).
MAX_SHOWN_VALUE = 200


def _cut(text: str) -> str:
    return text if len(text) <= MAX_SHOWN_VALUE else f"{text[:MAX_SHOWN_VALUE]}… ({len(text):,} characters)"


class ProblemList:
    """Collects problems while a table is read, so all of a file's errors are reported at once."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def add(self, file: str, row: int | None, column: str | None, value: object, message: str,
            row_word: str = "row", column_word: str = "column") -> None:
        shown = None if value is None else _cut(str(value))
        self.items.append(Problem(file, row, column, shown, message, row_word, column_word))

    def extend(self, other: ProblemList | list[Problem]) -> None:
        self.items.extend(other.items if isinstance(other, ProblemList) else other)

    def raise_if_any(self) -> None:
        if self.items:
            raise InputError(self.items)

    def __bool__(self) -> bool:
        return bool(self.items)
