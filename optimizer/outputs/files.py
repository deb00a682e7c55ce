"""A solution's files: the result tables as CSV (UTF-8 with BOM for Excel), summary and diagnosis as JSON.

Written through the one output writer (``writer.OutputSet``); read back by ``read_solution`` for
``yunnan-plan verify``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from optimizer.errors import InputError, Problem
from optimizer.messages import msg
from optimizer.model.results import Solution
from optimizer.outputs.writer import OutputSet, neutralise_text, write_csv

__all__ = ["add_solution", "neutralise_text", "read_solution", "write_csv"]

TABLES = ("school_allocation", "project_allocation", "institution_load")


def add_solution(outputs: OutputSet, solution: Solution, summary: dict, timings: dict[str, float]) -> None:
    """Stage a run's files: the tables when solved, summary.json always, diagnosis.json when infeasible,
    timings.json apart (so that the others are byte-identical run to run)."""
    if solution.ok:
        for name in TABLES:
            outputs.frame(f"{name}.csv", getattr(solution, name))
        for name, frame in getattr(solution, "extra_tables", {}).items():
            outputs.frame(f"{name}.csv", frame)
        if not solution.classes.empty:  # issue 13: every class of the plan
            outputs.frame("classes.csv", solution.classes)
    outputs.json("summary.json", summary)
    if solution.diagnosis is not None:
        outputs.json("diagnosis.json", solution.diagnosis.to_dict())
    outputs.json("timings.json", {"seconds": timings})


REQUIRED_COLUMNS = {
    "school_allocation": ("school_code", "prefecture", "adcode", "course_code", "trainees", "classes"),
    "project_allocation": ("unit_code", "prefecture", "adcode", "course_code", "institution_code", "trainees",
                           "classes"),
}
WHOLE_NUMBER_COLUMNS = ("trainees", "classes")


def read_solution(folder: Path) -> Solution:
    """The allocation tables written by ``solve``, checked for shape before any rule is checked: every problem
    names the file, the row as a spreadsheet counts it (header = row 1), the column and the value."""
    folder = Path(folder)
    if not folder.is_dir():
        raise InputError([Problem(str(folder), None, None, None, msg("folder.missing"))])
    frames, problems = {}, []
    for name, required in REQUIRED_COLUMNS.items():
        path = folder / f"{name}.csv"
        if not path.is_file():
            problems.append(Problem(str(path), None, None, None, msg("folder.not_solved")))
            continue
        try:
            frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            problems.append(Problem(str(path), None, None, None, msg("folder.not_csv", reason=exc)))
            continue
        missing = [c for c in required if c not in frame.columns]
        for column in missing:
            problems.append(Problem(str(path), 1, column, None, msg("folder.column_missing")))
        if missing:
            continue
        for column in WHOLE_NUMBER_COLUMNS:
            text = frame[column].str.strip()
            bad = ~text.str.fullmatch(r"\d{1,9}")
            for i in bad[bad].index[:20]:
                problems.append(Problem(str(path), int(i) + 2, column, frame.at[i, column],
                                        msg("folder.not_whole")))
            frame[column] = pd.to_numeric(text.where(~bad, "0")).astype("int64")
        frames[name] = frame
    if problems:
        raise InputError(problems)
    return Solution("optimal", "file", frames["school_allocation"], frames["project_allocation"])
