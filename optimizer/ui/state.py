"""What the workspace keeps between reruns: the data source, the scenario settings, cached solves.

Cached functions take everything they depend on as arguments (the data as bytes, the scenario path, the
overrides as JSON), never a global, so an unchanged scenario is served from the cache and a changed one
is solved again. The sidebar's controls use the scenario keys as widget keys (``cert_share``,
``band_delta``, ``weights.cost`` …): picking a scenario sets them to its effective values, the URL carries
the scenario and the settings that differ from it, and a result remembers the request that made it so a
result for other settings is marked stale.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import streamlit as st

from optimizer.data.loader import DEFAULT_DATA_DIR, PlanData, load_plan
from optimizer.data.names import suggest_word
from optimizer.data.schema import TABLE_ORDER
from optimizer.errors import InputError
from optimizer.messages import msg
from optimizer.model.problem import AllocationProblem
from optimizer.model.results import Solution
from optimizer.model.solvers import SolverUnavailable
from optimizer.model.verify import Violation

SCENARIO_DIR = DEFAULT_DATA_DIR.parent / "scenarios"
DataSource = tuple[tuple[str, str, bytes], ...]

# Sidebar controls: widget key (= scenario key) → kind. The capacity control is one extra change added to
# the scenario's own (as ``run_scenario`` does with overridden capacity changes).
WEIGHT_KEYS = ("weights.cost", "weights.travel", "weights.band", "weights.mix")
CONTROL_KEYS = ("cert_share", "band_delta", *WEIGHT_KEYS, "excluded", "capacity.institution",
                "capacity.percent", "solver", "time_limit")
NO_SCHOOL = ""
LINK_KEYS_NOT_SETTINGS = {"scenario", "embed", "embed_options"}  # the page's scenario; Streamlit's own


# -- data source ---------------------------------------------------------------------------------------

def shipped_source() -> DataSource:
    """The shipped tables as (table, file name, bytes)."""
    out = []
    for name in TABLE_ORDER:
        path = DEFAULT_DATA_DIR / f"{name}.csv"
        out.append((name, path.name, path.read_bytes()))
    ranges = DEFAULT_DATA_DIR / "assumption_ranges.csv"  # issue 20: uploads are checked against the sourced ranges
    if ranges.is_file():
        out.append(("assumption_ranges", ranges.name, ranges.read_bytes()))
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


# -- scenario files: shipped and the user's own -------------------------------------------------------

def user_scenario_dir() -> Path:
    """The user's own scenarios: ``YUNNAN_PLAN_USER_DIR`` or the platform's per-user data folder.
    Saving never writes into the shipped scenarios/ folder."""
    import platformdirs

    root = os.environ.get("YUNNAN_PLAN_USER_DIR")
    folder = Path(root) if root else Path(platformdirs.user_data_dir("yunnan-plan", appauthor=False))
    return folder / "scenarios"


def shipped_scenarios() -> list[str]:
    return sorted(p.stem for p in SCENARIO_DIR.glob("*.yaml"))


def user_scenarios() -> list[str]:
    folder = user_scenario_dir()
    shipped = set(shipped_scenarios())
    return sorted(p.stem for p in folder.glob("*.yaml") if p.stem not in shipped) if folder.is_dir() else []


def scenario_choices() -> list[str]:
    """Scenario names (file stems): the shipped ones, then the user's."""
    return [*shipped_scenarios(), *user_scenarios()]


def scenario_files() -> list[str]:
    """Shipped scenario file names (kept for callers that want files)."""
    return [f"{s}.yaml" for s in shipped_scenarios()]


def scenario_path(name: str) -> Path:
    """The file of a scenario name: shipped first, else the user's folder."""
    stem = name.removesuffix(".yaml")
    shipped = SCENARIO_DIR / f"{stem}.yaml"
    return shipped if shipped.exists() else user_scenario_dir() / f"{stem}.yaml"


# -- effective settings of a scenario -----------------------------------------------------------------

def effective_settings(name: str, plan: PlanData) -> dict[str, Any]:
    """The sidebar values a scenario stands for (after ``base:`` merging and name resolution)."""
    from optimizer.data.scenario import load_scenario

    params = load_scenario(scenario_path(name)).apply(plan)[1]
    w = params.weights
    return {"cert_share": float(params.cert_share), "band_delta": float(params.band_delta),
            "weights.cost": float(w.cost), "weights.travel": float(w.travel), "weights.band": float(w.band),
            "weights.mix": float(w.mix), "excluded": list(params.excluded), "capacity.institution": NO_SCHOOL,
            "capacity.percent": 0, "solver": params.solver, "time_limit": float(params.time_limit)}


def overrides_of(values: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
    """The ``run_scenario`` overrides for the controls that differ from the scenario's values."""
    out: dict[str, Any] = {}
    for key in ("cert_share", "band_delta", "solver", "time_limit"):
        if values[key] != base[key]:
            out[key] = values[key]
    if any(values[k] != base[k] for k in WEIGHT_KEYS):
        out["weights"] = {k.split(".")[1]: values[k] for k in WEIGHT_KEYS}
    if sorted(values["excluded"]) != sorted(base["excluded"]):
        out["excluded"] = sorted(values["excluded"])
    if values["capacity.institution"] and values["capacity.percent"]:
        out["capacity_changes"] = [{"institution": values["capacity.institution"],
                                    "percent": values["capacity.percent"]}]
    return out


def changed_keys(values: dict[str, Any], base: dict[str, Any]) -> list[str]:
    """Control keys whose value differs from the scenario's."""
    out = []
    for key in CONTROL_KEYS:
        a, b = values[key], base[key]
        if key == "excluded":
            a, b = sorted(a), sorted(b)
        if a != b:
            out.append(key)
    if "capacity.percent" in out and not values["capacity.institution"]:
        out.remove("capacity.percent")
    if "capacity.institution" in out and not values["capacity.percent"]:
        out.remove("capacity.institution")
    return out


# -- the URL -------------------------------------------------------------------------------------------

def to_query(values: dict[str, Any], keys: list[str]) -> dict[str, str]:
    """URL parameters for the changed controls."""
    out = {}
    for key in keys:
        value = values[key]
        out[key] = ",".join(value) if isinstance(value, list) else f"{value:g}" if isinstance(value, float) \
            else str(value)
    return out


def from_query(params: dict[str, str], base: dict[str, Any], schools: set[str]) -> tuple[dict[str, Any], list[str]]:
    """Control values from URL parameters laid over ``base``; unusable ones are named, not applied. A key that is
    no setting is named too, with the closest setting (a link with ``cert_shar=0.7`` showed ρ 0.60 without a word,
    so whoever opened it believed they saw 70%)."""
    values, bad = dict(base), []
    for key, text in params.items():
        if key not in CONTROL_KEYS:
            if key not in LINK_KEYS_NOT_SETTINGS:
                hint = suggest_word(key, CONTROL_KEYS)
                bad.append(msg("ui.link_did_you_mean", what=f"{key}={text}", hint=hint) if hint else f"{key}={text}")
            continue
        try:
            if key in ("cert_share", "band_delta"):
                value: Any = float(text)
                if not 0 <= value <= 1:
                    raise ValueError
            elif key in WEIGHT_KEYS:
                value = float(text)
                if not 0 <= value <= 100:
                    raise ValueError
            elif key == "time_limit":
                value = float(text)
                if not 1 <= value <= 3600:
                    raise ValueError
            elif key == "capacity.percent":
                value = int(text)
                if not -100 <= value <= 100:
                    raise ValueError
            elif key == "solver":
                value = text
                if value not in ("highs", "cbc"):
                    raise ValueError
            elif key == "excluded":
                value = [c for c in text.split(",") if c]
                if not set(value) <= schools:
                    raise ValueError
            else:  # capacity.institution
                value = text
                if value not in schools:
                    raise ValueError
        except ValueError:
            bad.append(f"{key}={text}")
            continue
        values[key] = value
    return values, bad


# -- solving -------------------------------------------------------------------------------------------

@dataclass
class Solved:
    scenario: str
    plan: PlanData | None
    problem: AllocationProblem | None
    solution: Solution | None
    violations: list[Violation]
    error: str = ""
    input_id: str = ""


def scenario_key(scenario: str) -> str:
    """The scenario's effective settings (after ``base:`` merging) as text: a changed file is a new cache key."""
    from optimizer.data.scenario import load_scenario

    try:
        loaded = load_scenario(scenario_path(scenario))
    except InputError as exc:
        return f"error:{exc}"
    return json.dumps(loaded.spec.model_dump(mode="json"), sort_keys=True, default=str)


def solve_now(scenario: str, source: DataSource, overrides_json: str) -> Solved:
    """Solve a scenario through the pipeline; the cache key is the scenario's content, not its name."""
    return solve_cached(scenario.removesuffix(".yaml"), scenario_key(scenario), source, overrides_json)


@st.cache_resource(show_spinner=False)
def model_store():
    """Solved LP models kept for re-solves (pipeline.run_scenario's store), shared by the sessions of this
    server: a slider moved on a solved scenario re-solves its model from the scenario's own optimal basis."""
    from optimizer.pipeline import ModelStore

    return ModelStore(max_models=4, max_bytes=768 * 2**20)


@st.cache_resource(show_spinner=False, max_entries=16)
def solve_cached(scenario: str, scenario_text: str, source: DataSource, overrides_json: str) -> Solved:
    """Solve a scenario with the sidebar's overrides; errors come back as data.
    ``scenario_text`` (the file's effective settings) is only there to be part of the cache key."""
    from optimizer.pipeline import run_scenario

    try:
        result = run_scenario(scenario_path(scenario), plan=plan_for(source), overrides=json.loads(overrides_json),
                              store=model_store())
    except (InputError, SolverUnavailable) as exc:
        return Solved(scenario, None, None, None, [], str(exc))
    return Solved(scenario, result.plan, result.problem, result.solution, result.violations,
                  input_id=result.input_id)


# -- county explanation (issue 13) ---------------------------------------------------------------------

def explain_county_hook():
    """``explain_county(result, adcode, lang) -> object with .text()`` when the explain module is installed
    (issue 13: optimizer/outputs/explain.py or optimizer/model/explain.py), else None."""
    import importlib

    for module in ("optimizer.outputs.explain", "optimizer.model.explain"):
        try:
            found = importlib.import_module(module)
        except ImportError:
            continue
        hook = getattr(found, "explain_county", None)
        if hook is not None:
            return hook
    return None


def data_folder_name() -> str:
    return str(Path(DEFAULT_DATA_DIR).name)
