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
from optimizer.model.problem import AllocationProblem, build_problem
from optimizer.model.solve import Solution, SolverUnavailable, allocate
from optimizer.model.verify import Violation, verify

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


@st.cache_resource(show_spinner=False, max_entries=16)
def solve_cached(scenario_file: str, source: DataSource, overrides_json: str) -> Solved:
    """Solve a scenario file on a data source with the sidebar's overrides; errors come back as data."""
    from optimizer.data.scenario import load_scenario

    try:
        scenario = load_scenario(SCENARIO_DIR / scenario_file)
        plan = plan_for(source)
        base = scenario.apply(plan)[1]
        overrides = json.loads(overrides_json)
        if "capacity_changes" in overrides:
            overrides["capacity_changes"] = [*base.capacity_changes, *overrides["capacity_changes"]]
        plan, params = scenario.apply(plan, overrides)
        problem = build_problem(plan, params)
        solution = allocate(problem)
    except InputError as exc:
        return Solved(scenario_file, None, None, None, [], str(exc))
    except SolverUnavailable as exc:
        return Solved(scenario_file, None, None, None, [], str(exc))
    violations = verify(problem, solution) if solution.ok else []
    return Solved(scenario.name, plan, problem, solution, violations)


def data_folder_name() -> str:
    return str(Path(DEFAULT_DATA_DIR).name)
