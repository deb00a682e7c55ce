"""The one path from a scenario to a verified result: load → apply → build → solve → verify.

The command line, the workspace, sweeps and the benchmark all call ``run_scenario``; none repeats any
part of it. The result carries ``input_id``: a hash of everything that decides it (see ``input_identity``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd

from optimizer.data.loader import PlanData, Source, load_plan
from optimizer.data.params import ModelParams
from optimizer.data.scenario import Scenario, default_scenario, load_scenario
from optimizer.model.lp import AllocationModel
from optimizer.model.problem import AllocationProblem, build_problem, with_settings
from optimizer.model.resolve import RESOLVABLE, ModelStore, SolvedLP
from optimizer.model.results import Solution
from optimizer.model.solve import allocate
from optimizer.model.solvers import SolverUnavailable
from optimizer.model.verify import Violation, verify

# Frames of PlanData that decide a result (names and aliases too: they appear in every output).
IDENTITY_TABLES = ("prefectures", "counties", "annex1", "annex2", "annex3", "annex4", "annex4_row_totals",
                   "annex4_col_totals", "annex5", "notice_figures", "groups", "courses", "institutions", "offers",
                   "units", "unit_scope", "unit_counties", "focus", "debarments")


@dataclass
class RunResult:
    """Everything one scenario run produced; ``status`` is optimal | infeasible | time_limit | solver_failed."""

    scenario: Scenario
    plan: PlanData
    params: ModelParams
    problem: AllocationProblem
    solution: Solution
    violations: list[Violation]
    input_id: str
    timings: dict[str, float] = field(default_factory=dict)
    warm: bool = False  # the LP was re-solved from a kept model (ModelStore), not built and solved afresh

    @property
    def status(self) -> str:
        return self.solution.status

    @property
    def ok(self) -> bool:
        """Solved to optimality and the independent check found nothing."""
        return self.solution.ok and not self.violations

    def summary(self) -> dict[str, object]:
        """The solution's summary with the run's identity (no timings: they live in timings.json)."""
        base = {k: v for k, v in self.solution.summary.items() if k != "seconds"}
        return {**base, "scenario": self.scenario.name, "input_id": self.input_id,
                "verified": self.solution.ok and not self.violations}


def resolve_scenario(scenario: Scenario | Path | str | None) -> Scenario:
    """A Scenario from a path, a Scenario, or None (the defaults on the shipped data)."""
    if scenario is None:
        return default_scenario()
    if isinstance(scenario, Scenario):
        return scenario
    return load_scenario(Path(scenario))


def prepare(scenario: Scenario | Path | str | None = None, *, data: Source | None = None,
            overrides: dict[str, Any] | None = None, plan: PlanData | None = None,
            ) -> tuple[Scenario, PlanData, ModelParams, dict[str, float]]:
    """Load the scenario and data (a folder, uploaded tables, or a plan already loaded) and apply them.

    Overridden capacity changes are added to the scenario's own, not put in their place: a user who changes
    one school's capacity in the workspace keeps the scenario's other changes."""
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    scen = resolve_scenario(scenario)
    if plan is None:
        plan = load_plan(data if data is not None else scen.data_dir)
    timings["load"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    overrides = dict(overrides or {})
    if "capacity_changes" in overrides:
        overrides["capacity_changes"] = [*scen.apply(plan)[1].capacity_changes, *overrides["capacity_changes"]]
    applied, params = scen.apply(plan, overrides)
    timings["apply"] = time.perf_counter() - t1
    return scen, applied, params, timings


def run_scenario(scenario: Scenario | Path | str | None = None, *, data: Source | None = None,
                 overrides: dict[str, Any] | None = None, plan: PlanData | None = None,
                 extra_identity: dict[str, Any] | None = None, workers: int = 2,
                 store: ModelStore | None = None) -> RunResult:
    """Solve and verify one scenario. Bad input raises ``InputError``; a missing solver ``SolverUnavailable``;
    infeasible and time-limited runs come back as results with that status (and the diagnosis).

    ``store``: solved LP models kept between runs (the workspace's, a sweep worker's). A run whose inputs differ
    from a kept model's only in settings a re-solve can change (model/resolve.py RESOLVABLE: certificate shares,
    weights, capacity changes, penalties, travel cost, time limit) re-solves that model from its last basis; any
    other run is solved afresh and its model kept. Rounding, classes, tables and verification are the same."""
    t0, loaded = time.perf_counter(), 0.0
    if store is not None and plan is None:  # the raw plan is needed again for the anchor (below)
        scenario = resolve_scenario(scenario)
        plan = load_plan(data if data is not None else scenario.data_dir)
        loaded = time.perf_counter() - t0
    scen, applied, params, timings = prepare(scenario, data=data, overrides=overrides, plan=plan)
    timings["load"] += loaded
    t0 = time.perf_counter()
    warm, data = False, data_hasher(applied)
    key = anchor = None
    if store is not None:
        key, anchor = anchor_key(applied, params, *_anchor_of(store, scen, plan, extra_identity), extra_identity,
                                 data)
    kept = store.get(key) if store is not None else None
    # a kept model of this structure: its problem under these settings, without deriving the key tables again
    problem = with_settings(kept.problem, applied, params) if kept is not None else build_problem(applied, params)
    timings["problem"] = time.perf_counter() - t0
    if store is not None and params.solver == "highs":
        solution, warm = _solve_with_store(store, key, problem, (applied, params) if anchor is None else anchor,
                                           params, workers)
    else:
        solution = allocate(problem, workers=workers)
    timings.update({k: float(v) for k, v in solution.summary.get("seconds", {}).items()})
    t1 = time.perf_counter()
    violations = verify(problem, solution) if solution.ok else []
    timings["verify"] = time.perf_counter() - t1
    input_id = input_identity(applied, params, extra_identity, data)
    return RunResult(scen, applied, params, problem, solution, violations, input_id,
                     {k: round(v, 4) for k, v in timings.items()}, warm)


def _anchor_of(store: ModelStore, scen: Scenario, plan: PlanData, extra: dict[str, Any] | None
               ) -> tuple[PlanData, ModelParams, str]:
    """The scenario as its file says (no overrides) on ``plan``, and its structure identity; remembered in the
    store per plan object and scenario (a workspace re-solve would hash the anchor's tables again: ~15 ms)."""
    memo = store.__dict__.setdefault("_anchors", {})
    spec = json.dumps(scen.spec.model_dump(mode="json"), sort_keys=True, default=str)
    k = (id(plan), spec, json.dumps(extra, sort_keys=True, default=str))
    hit = memo.get(k)
    if hit is None or hit[0] is not plan:  # the plan is held in the entry: its id cannot be reused meanwhile
        _, anchor_plan, anchor_params, _ = prepare(scen, plan=plan)
        if len(memo) >= 16:
            memo.clear()
        hit = memo[k] = (plan, anchor_plan, anchor_params, structure_identity(anchor_plan, anchor_params, extra))
    return hit[1], hit[2], hit[3]


def anchor_key(applied: PlanData, params: ModelParams, anchor_plan: PlanData, anchor_params: ModelParams,
               anchor_structure: str, extra: dict[str, Any] | None, data: Any
               ) -> tuple[str, tuple[PlanData, ModelParams] | None]:
    """The store's key of a run, and its anchor (None: the run is its own). The anchor is the scenario as its
    file says (no overrides) when the run has its structure, else the run itself; the key is the structure
    identity and the anchor's re-solvable settings. Two scenario files of one structure (baseline and
    cert_share_70 differ only in a share) thus keep a model each: a run's result depends on its scenario and its
    own settings, never on which scenario the workspace happened to solve first (it did: the baseline came out
    at 35,158.91 or 35,163.01 万元)."""
    key = structure_identity(applied, params, extra, data)
    same_structure = anchor_structure == key
    chosen = anchor_params if same_structure else params
    settings = json.dumps(chosen.model_dump(include=set(RESOLVABLE), mode="json"), sort_keys=True, default=str)
    digest = hashlib.sha256(settings.encode()).hexdigest()[:16]
    return f"{key}:anchor:{digest}", ((anchor_plan, anchor_params) if same_structure else None)


def _solve_with_store(store: ModelStore, key: str, problem: AllocationProblem,
                      anchor: tuple[PlanData, ModelParams], params: ModelParams, workers: int
                      ) -> tuple[Solution, bool]:
    """Through the store: (solution, whether the LP was a re-solve).

    Every kept model is the fresh solve of an *anchor* (``anchor_key``): the scenario with no overrides (what a
    workspace shows first, what a sweep varies), or a run whose structure differs from its scenario's, its own.
    A run of the same key re-solves it from the anchor's optimal basis, so its result depends only on its own
    settings and the anchor's, never on which runs came before (model/resolve.py)."""
    solved = store.get(key)
    if solved is None:
        anchor_plan, anchor_params = anchor
        same = anchor_params == params
        kept: list[SolvedLP] = []
        anchor_problem = problem if same else build_problem(anchor_plan, anchor_params)
        # kept as solved, before the class step (which may re-use and change the PuLP model)
        first = allocate(anchor_problem, workers=workers, keep=lambda model: kept.append(SolvedLP(model)))
        if not kept:  # the anchor is not solvable as one LP (infeasible, decomposed): nothing to keep
            return (first, False) if same else (allocate(problem, workers=workers), False)
        solved = kept[0]
        store.put(key, solved)
        if same:
            return first, False
    if not solved.lock.acquire(blocking=False):  # another run is using it (a second workspace session)
        return allocate(problem, workers=workers), False
    try:
        fresh: list[AllocationModel] = []  # set when the re-solve fell back to a fresh build
        solution = allocate(problem, workers=workers, warm=solved, keep=fresh.append)
    finally:
        solved.lock.release()
    return solution, not fresh and solution.ok


def structure_identity(plan: PlanData, params: ModelParams, extra: dict[str, Any] | None = None,
                       data: Any = None) -> str:
    """The input identity with every re-solvable setting left out: runs with the same structure identity have
    the same LP but for row bounds and costs, so one re-solves the other's kept model."""
    base = params.model_copy(update={name: getattr(ModelParams(), name) for name in RESOLVABLE})
    return "lp:" + input_identity(plan, base, extra, data)


def verify_folder(folder: Path, scenario: Scenario | Path | str | None = None, *, data: Source | None = None,
                  ) -> tuple[Scenario, int, list[Violation]]:
    """Re-check the tables a ``solve`` wrote against the scenario's effective data (its capacity changes,
    exclusions, locks, debarments on its date): (scenario, rows checked, violations)."""
    from optimizer.outputs.files import read_solution

    solution = read_solution(Path(folder))
    scen, applied, params, _ = prepare(scenario, data=data)
    violations = verify(build_problem(applied, params), solution)
    return scen, len(solution.school_allocation) + len(solution.project_allocation), violations


__all__ = ["ModelStore", "RunResult", "SolverUnavailable", "anchor_key", "input_identity", "prepare",
           "resolve_scenario", "run_scenario", "structure_identity", "verify_folder"]


# -- input identity ---------------------------------------------------------------------------------------

def input_identity(plan: PlanData, params: ModelParams, extra: dict[str, Any] | None = None,
                   data: Any = None) -> str:
    """A hash of everything that decides a result: every data table's content (row order ignored), the notice's
    number and dates, the effective settings after ``base:`` merging and overrides, the flags that change
    results (``extra``: method, weights file content, as-of …), and the code (version and source digest).
    ``data``: ``data_hasher(plan)`` when the caller has it already (one pass over the tables per run)."""
    h = (data if data is not None else data_hasher(plan)).copy()
    h.update(json.dumps(params.model_dump(mode="json"), sort_keys=True, default=str).encode())
    h.update(json.dumps(extra or {}, sort_keys=True, default=str).encode())
    h.update(code_identity().encode())
    return h.hexdigest()[:16]


def data_hasher(plan: PlanData):
    """The identity's hash state after the data: every table's content and the notice (copied by its users)."""
    h = hashlib.sha256()
    for name in IDENTITY_TABLES:
        h.update(name.encode())
        h.update(frame_digest(getattr(plan, name)))
    notice = dataclasses.asdict(plan.notice) if plan.notice is not None else None
    h.update(json.dumps(notice, sort_keys=True, default=str).encode())
    return h


def frame_digest(frame: pd.DataFrame) -> bytes:
    """The content of a table regardless of row order: its columns and its rows as text, sorted."""
    cols = sorted(c for c in frame.columns if c != "src_row")
    # the rows read once as Python objects (str() of each cell is what DataFrame.astype(str) gives, at a quarter
    # of the cost: pandas' per-column conversion dominated for these small tables)
    rows = sorted("\x1f".join(map(str, r)) for r in frame[cols].to_numpy(dtype=object).tolist())
    h = hashlib.sha256("\x1e".join(cols).encode())
    for row in rows:
        h.update(row.encode())
        h.update(b"\x1e")
    return h.digest()


@cache
def code_identity() -> str:
    """The package version and a digest of its Python source: results of other code never share an id."""
    from optimizer import __version__

    root = Path(__file__).resolve().parent
    h = hashlib.sha256(__version__.encode())
    for path in sorted(root.rglob("*.py")):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return f"{__version__}+{h.hexdigest()[:12]}"


def file_identity(path: Path | None) -> str | None:
    """Digest of an input file given by a flag (e.g. ``--weights``), for ``extra_identity``."""
    from optimizer.data import limits
    from optimizer.errors import ProblemList

    if path is None:
        return None
    # a regular file within the table limit only: a pipe or a device would be read for ever (the file's own
    # reader reports why it cannot be read)
    data = limits.read_bounded(path, limits.MAX_INPUT_BYTES, "limits.what_table", ProblemList())
    return hashlib.sha256(data).hexdigest()[:16] if data is not None else f"unreadable:{path}"


# -- issue 18: re-plan the rest of the year (the stages joined here, like every solve) ----------------------------

def run_replan(result: RunResult, records: pd.DataFrame, as_of: dt.date, workers: int = 2):
    """The plan of ``result`` re-solved with the actual records as of ``as_of`` kept (tracking/replan.py):
    the re-plan problem, its solve, then the re-assembled tables, changes and checks (a ``Replan``)."""
    from optimizer.tracking.replan import finish_replan, replan_problem

    new, classified = replan_problem(result.problem, records, as_of, result.solution, result.plan.notice.year)
    solution = allocate(new, workers=workers)
    return finish_replan(result.problem, result.solution, new, classified, solution)



# -- issue 20: sensitivity of the LP relaxation (the stages joined here, like every solve) -----------------------

@dataclass
class SensitivityRun:
    """A scenario's problem and its LP relaxation solved with ranging (``model/ranging.py``), no rounding."""

    scenario: Scenario
    plan: PlanData
    params: ModelParams
    problem: AllocationProblem
    ranging: Any  # optimizer.model.ranging.LPRanging
    input_id: str
    timings: dict[str, float] = field(default_factory=dict)


def run_sensitivity(scenario: Scenario | Path | str | None = None, *, data: Source | None = None,
                    overrides: dict[str, Any] | None = None, plan: PlanData | None = None) -> SensitivityRun:
    """Load and apply the scenario, build its problem and solve the LP relaxation with HiGHS ranging. Bad input
    raises ``InputError``; an LP without an optimum raises ``RuntimeError`` (``solve`` diagnoses it)."""
    from optimizer.model.ranging import lp_ranging

    scen, applied, params, timings = prepare(scenario, data=data, overrides=overrides, plan=plan)
    t0 = time.perf_counter()
    problem = build_problem(applied, params)
    timings["problem"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    ranging = lp_ranging(problem)
    timings["lp_ranging"] = time.perf_counter() - t1
    return SensitivityRun(scen, applied, params, problem, ranging, sensitivity_identity(applied, params),
                          {k: round(v, 4) for k, v in timings.items()})


def sensitivity_identity(applied: PlanData, params: ModelParams) -> str:
    """The input_id of a sensitivity run: the solve's identity plus the sourced ranges it moves values within."""
    ranges = applied.assumption_ranges
    extra = {"command": "assumptions", "ranges": frame_digest(ranges).hex() if ranges is not None else None}
    return input_identity(applied, params, extra)


def lp_sensitivity(problem: AllocationProblem):
    """The LP relaxation of an already built problem (a ``RunResult.problem``) with its ranging."""
    from optimizer.model.ranging import lp_ranging

    return lp_ranging(problem)
