"""What the workspace keeps between reruns: the data source (shipped or uploaded) and cached solves.

Cached functions take everything they depend on as arguments (the data as bytes, the scenario path, the
overrides as JSON), never a global, so an unchanged scenario is served from the cache and a changed one
is solved again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import streamlit as st

from optimizer.data.loader import DEFAULT_DATA_DIR, PlanData, load_plan
from optimizer.data.schema import TABLE_ORDER
from optimizer.errors import InputError
from optimizer.model.problem import AllocationProblem
from optimizer.model.solve import Solution, SolverUnavailable
from optimizer.model.verify import Violation

SCENARIO_DIR = DEFAULT_DATA_DIR.parent / "scenarios"
DataSource = tuple[tuple[str, str, bytes], ...]


def shipped_source() -> DataSource:
    """The shipped tables as (table, file name, bytes)."""
    out = []
    for name in TABLE_ORDER:
        path = DEFAULT_DATA_DIR / f"{name}.csv"
        out.append((name, path.name, path.read_bytes()))
    return tuple(out)


def current_source() -> DataSource:
    """Shipped tables with the session's uploads and edits laid over them."""
    uploads: dict[str, tuple[str, bytes]] = st.session_state.get("uploads", {})
    return tuple((name, *uploads[name]) if name in uploads else (name, file, data)
                 for name, file, data in shipped_source())


def source_key(source: DataSource) -> str:
    h = hashlib.sha256()
    for name, file, data in source:
        h.update(name.encode())
        h.update(file.encode())
        h.update(data)
    return h.hexdigest()[:12]


@st.cache_resource(show_spinner=False, max_entries=8)
def plan_for(source: DataSource) -> PlanData:
    """Loaded and validated plan (raises InputError; Streamlit does not cache exceptions)."""
    return load_plan({name: (file, data) for name, file, data in source})


def scenario_files() -> list[str]:
    return sorted(p.name for p in SCENARIO_DIR.glob("*.yaml"))


@dataclass
class Solved:
    scenario: str
    plan: PlanData | None
    problem: AllocationProblem | None
    solution: Solution | None
    violations: list[Violation]
    error: str = ""
    input_id: str = ""


def scenario_key(scenario_file: str) -> str:
    """The scenario's effective settings (after ``base:`` merging) as text: a changed file is a new cache key."""
    from optimizer.data.scenario import load_scenario

    try:
        scenario = load_scenario(SCENARIO_DIR / scenario_file)
    except InputError as exc:
        return f"error:{exc}"
    return json.dumps(scenario.spec.model_dump(mode="json"), sort_keys=True, default=str)


def solve_now(scenario_file: str, source: DataSource, overrides_json: str) -> Solved:
    """Solve a scenario through the pipeline; the cache key is the scenario's content, not its name."""
    return solve_cached(scenario_file, scenario_key(scenario_file), source, overrides_json)


@st.cache_resource(show_spinner=False, max_entries=16)
def solve_cached(scenario_file: str, scenario_text: str, source: DataSource, overrides_json: str) -> Solved:
    """Solve a scenario file on a data source with the sidebar's overrides; errors come back as data.
    ``scenario_text`` (the file's effective settings) is only there to be part of the cache key."""
    from optimizer.pipeline import run_scenario

    try:
        result = run_scenario(SCENARIO_DIR / scenario_file, plan=plan_for(source), overrides=json.loads(overrides_json))
    except (InputError, SolverUnavailable) as exc:
        return Solved(scenario_file, None, None, None, [], str(exc))
    return Solved(result.scenario.name, result.plan, result.problem, result.solution, result.violations,
                  input_id=result.input_id)


def data_folder_name() -> str:
    return str(Path(DEFAULT_DATA_DIR).name)
