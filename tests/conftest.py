"""Shared helpers: a temporary copy of the shipped data that a test may damage."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A throw-away copy of data/ (tables only)."""
    target = tmp_path / "data"
    target.mkdir()
    for path in DATA.glob("*.csv"):
        shutil.copy(path, target / path.name)
    return target


def read_rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def write_rows(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> None:
    with open(path, "w", encoding=encoding, newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)


def set_cell(path: Path, row_label: str, column: str, value: str) -> None:
    """Set one cell of a CSV, the row found by its first column's text."""
    rows = read_rows(path)
    col = rows[0].index(column)
    hits = [r for r in rows[1:] if r[0] == row_label]
    assert len(hits) == 1, f"{row_label} not unique in {path.name}"
    hits[0][col] = value
    write_rows(path, rows)


@pytest.fixture(scope="session", autouse=True)
def _plan_store_in_a_temporary_folder(tmp_path_factory):
    """Every command a test runs records into a throw-away SQLite store, never the user's data folder."""
    import os

    saved = os.environ.get("YUNNAN_PLAN_DB")
    os.environ["YUNNAN_PLAN_DB"] = str(tmp_path_factory.mktemp("store") / "plans.sqlite")
    yield
    if saved is None:
        os.environ.pop("YUNNAN_PLAN_DB", None)
    else:
        os.environ["YUNNAN_PLAN_DB"] = saved


@pytest.fixture(autouse=True)
def _default_language():
    """Every test starts in the default language (Chinese, or YUNNAN_PLAN_LANG): a test that chose another must
    not decide what a later one sees (a test expecting English passed only after some other test)."""
    from optimizer.messages import _language

    _language.set(None)
    yield


@pytest.fixture(autouse=True)
def _main_module_restored():
    """AppTest runs its script as ``__main__`` and leaves it there; a process spawned by a later test would run
    that page again before doing its work (multiprocessing re-imports the parent's main script). Put the real
    ``__main__`` back after every test, so no test depends on which AppTest ran before it."""
    import sys

    saved = sys.modules.get("__main__")
    yield
    if saved is not None:
        sys.modules["__main__"] = saved


@pytest.fixture(scope="session")
def shipped():
    """``shipped(name)``: the RunResult of scenarios/<name>.yaml, solved once per test session through
    ``run_scenario`` (workers=1; the shipped scenarios are one block, so the count of workers changes nothing).
    Several modules ask for the same scenarios (capacity_loss alone takes ~17 s); treat the results as read-only."""
    from optimizer.pipeline import run_scenario

    results: dict = {}

    def get(name: str):
        if name not in results:
            results[name] = run_scenario(ROOT / "scenarios" / f"{name}.yaml", workers=1)
        return results[name]

    return get


@pytest.fixture(scope="session")
def solve_folder(tmp_path_factory) -> tuple[int, Path]:
    """(exit status, folder) of ``solve --out`` on the shipped data, run once per session (read-only)."""
    from optimizer.cli import main

    out = tmp_path_factory.mktemp("solve")
    return main(["solve", "--out", str(out)]), out


@pytest.fixture(scope="session")
def export_folder(tmp_path_factory) -> Path:
    """The folder of ``export --as-of 2022-02-15`` on the shipped data, run once per session (read-only: a test
    that edits a workbook copies it first)."""
    from optimizer.cli import main

    out = tmp_path_factory.mktemp("export")
    assert main(["export", "--out", str(out), "--as-of", "2022-02-15"]) == 0
    return out
