"""Write a solution to a folder: CSV (UTF-8 with BOM for Excel) and JSON, all or nothing."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from optimizer.model.solve import Solution

FORMULA_PREFIXES = ("=", "+", "-", "@")


def neutralise_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells that a spreadsheet would read as a formula are prefixed with an apostrophe."""
    out = frame.copy()
    for column in out.columns:
        if out[column].dtype == object or pd.api.types.is_string_dtype(out[column]):
            out[column] = out[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA_PREFIXES) else v)
    return out


def write_csv(frame: pd.DataFrame, path: Path) -> None:
    neutralise_text(frame).to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\n")


def write_solution(solution: Solution, out: Path, extra: dict[str, object] | None = None) -> list[Path]:
    """Write every file to a temporary folder beside ``out``, then move them in; nothing partial is left."""
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".writing-", dir=out))
    try:
        files: dict[str, object] = {}
        if solution.ok:
            files["school_allocation.csv"] = solution.school_allocation
            files["project_allocation.csv"] = solution.project_allocation
            files["institution_load.csv"] = solution.institution_load
            if not solution.classes.empty:
                files["classes.csv"] = solution.classes
        summary = {k: v for k, v in solution.summary.items() if k != "seconds"}
        files["summary.json"] = {**summary, **(extra or {})}
        if solution.diagnosis is not None:
            files["diagnosis.json"] = solution.diagnosis.to_dict()
        if "seconds" in solution.summary:
            files["timings.json"] = {"seconds": solution.summary["seconds"]}
        for name, content in files.items():
            path = staging / name
            if isinstance(content, pd.DataFrame):
                write_csv(content, path)
            else:
                path.write_text(json.dumps(content, ensure_ascii=False, indent=2, sort_keys=False, default=str) + "\n",
                                encoding="utf-8")
        written = []
        for name in files:
            os.replace(staging / name, out / name)
            written.append(out / name)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
