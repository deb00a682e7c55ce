"""A solution's files: the result tables as CSV (UTF-8 with BOM for Excel), summary and diagnosis as JSON.

Written through the one output writer (``writer.OutputSet``); read back by ``read_solution`` for
``yunnan-plan verify``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from optimizer.errors import InputError, Problem
from optimizer.model.solve import Solution
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
    outputs.json("summary.json", summary)
    if solution.diagnosis is not None:
        outputs.json("diagnosis.json", solution.diagnosis.to_dict())
    outputs.json("timings.json", {"seconds": timings})


def read_solution(folder: Path) -> Solution:
    """The allocation tables written by ``solve`` (for an independent re-check); bad input names the file."""
    frames = {}
    problems = []
    for name in ("school_allocation", "project_allocation"):
        path = Path(folder) / f"{name}.csv"
        if not path.is_file():
            problems.append(Problem(str(path), None, None, None, "missing: not a folder written by a solved run"))
            continue
        try:
            frames[name] = pd.read_csv(path, encoding="utf-8-sig", dtype={"adcode": str, "school_code": str,
                                                                          "unit_code": str, "course_code": str,
                                                                          "institution_code": str})
        except (OSError, ValueError, UnicodeDecodeError) as exc:
            problems.append(Problem(str(path), None, None, None, f"cannot be read as CSV: {exc}"))
    if problems:
        raise InputError(problems)
    return Solution("optimal", "file", frames["school_allocation"], frames["project_allocation"])
