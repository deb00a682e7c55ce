"""Solve an allocation problem: pre-checks → LP → whole-person rounding → result tables.

Whole persons: the LP's vertex is integral except for a few hundred variables. Those are rounded by a
small MIP in which every integral variable is fixed and each fractional one may only go to its floor
or ceiling, under *all* the model's constraints — so every row and column total (quotas, targets,
Annex 4 cells, capacities) stays exact and the certificate share still holds. The LP objective is a
lower bound; the summary reports it beside the integer objective and the gap. If that restricted MIP
were infeasible, the whole model is solved as a MIP with the solver's time limit instead (reported).
"""

from __future__ import annotations

import math
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pulp

from optimizer.model import report
from optimizer.model.classes import (
    CLASSES_INFEASIBLE,
    TOLERANCE,
    ClassPlan,
    Unrepaired,
    assign_assessors,
    class_size,
    place_classes,
    problem_keys,
    repair_rounding,
    smallest_of,
    solve_class_mip,
)
from optimizer.model.diagnose import Diagnosis, diagnose_infeasible, precheck
from optimizer.model.dive import DIVE_ROUNDS, Dive, LPHandle, over_slot_closures
from optimizer.model.lp import FLOW_FAMILIES, AllocationModel, Bounds, balance_table
from optimizer.model.problem import AllocationProblem
from optimizer.model.resolve import SolvedLP

DIVE_METHOD = "LP dive + class-aware rounding"
INTEGRALITY_TOLERANCE = 1e-6  # a value within this of a whole number counts as whole
CLASS_GAP = 1e-3  # relative MIP gap of the class model (fallback only): 0.1% of ~3.5亿 yuan
LOCAL_CLASS_GAP = 1e-4  # the local class MIP (a few cells): ~3.5万 yuan of ~3.5亿
CLASS_MIP_SECONDS = 30.0  # time limit of each class MIP (fallback only; the class-aware rounding takes < 1 s)


class SolverUnavailable(RuntimeError):
    """The chosen solver is not installed."""


@dataclass
class Solution:
    """Plain result tables plus a JSON-ready summary; ``diagnosis`` is set when infeasible."""

    status: str  # optimal | infeasible | time_limit | solver_failed
    solver: str
    school_allocation: pd.DataFrame = field(default_factory=pd.DataFrame)
    project_allocation: pd.DataFrame = field(default_factory=pd.DataFrame)
    institution_load: pd.DataFrame = field(default_factory=pd.DataFrame)
    summary: dict = field(default_factory=dict)
    diagnosis: Diagnosis | None = None
    classes: pd.DataFrame = field(default_factory=pd.DataFrame)  # classes.csv: one row per class
    # the penalised slacks the plan uses: term, kind, adcode, prefecture, group, label, value (model.slack_table)
    slack: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def ok(self) -> bool:
        return self.status == "optimal"


_BANNER_SILENCED = False


def _silence_highs_banner() -> None:
    """HiGHS prints a copyright banner on stdout when the first instance is made; make that one silently."""
    global _BANNER_SILENCED
    if _BANNER_SILENCED:
        return
    _BANNER_SILENCED = True
    try:
        import highspy
    except ImportError:
        return
    sys.stdout.flush()
    saved = os.dup(1)
    try:
        with open(os.devnull, "w", encoding="utf-8") as devnull:
            os.dup2(devnull.fileno(), 1)
            highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)


def make_solver(name: str, time_limit: float, mip: bool = False, gap: float | None = None) -> pulp.LpSolver:
    """A PuLP solver object; a missing solver is a clear error, not a crash later."""
    if name == "highs":
        _silence_highs_banner()
        # no `threads` option: HiGHS fixes its thread pool once per process and fails a later run that
        # asks for another size; its simplex is deterministic either way.
        from optimizer.model.highs_fast import FastHiGHS

        solver = FastHiGHS(msg=False, timeLimit=time_limit, mip=mip, gapRel=gap)
    elif name == "cbc":
        solver = pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit, mip=mip, threads=1, gapRel=gap)
    else:
        raise SolverUnavailable(f"unknown solver '{name}': choose highs or cbc")
    if not solver.available():
        raise SolverUnavailable(f"solver '{name}' is not available on this machine "
                                f"({'pip install highspy' if name == 'highs' else 'PuLP bundles CBC'})")
    return solver


def _status(lp: pulp.LpProblem, elapsed: float, limit: float) -> str:
    """Trust only ``sol_status``: PuLP 3.3 calls a time-limit stop "Optimal" (solver-notes)."""
    if lp.sol_status == pulp.LpSolutionOptimal:
        return "optimal"
    if lp.status == pulp.LpStatusInfeasible or lp.sol_status == pulp.LpSolutionInfeasible:
        return "infeasible"
    if elapsed >= limit * 0.98 or lp.sol_status == pulp.LpSolutionIntegerFeasible:
        return "time_limit"
    return "solver_failed"


def allocate(problem: AllocationProblem, decompose: bool = True, workers: int = 2, warm: SolvedLP | None = None,
             keep: Callable[[AllocationModel], None] | None = None) -> Solution:
    """Assign school quotas and unit trainees at least cost; never raises for an infeasible problem.

    An instance that separates into independent blocks (provinces) is solved block by block in ``workers``
    processes and merged; the optimum is the same (the blocks share no variable and no row).

    ``warm``: a solved model of the same structure (model/resolve.py): its rows and costs are set to ``problem``'s
    and it is re-solved from its last basis instead of building and solving afresh (any other outcome than an
    optimum falls back to the fresh build). ``keep(model)`` receives a freshly solved optimal LP model (single
    block only), e.g. to store it for a later re-solve. Rounding, classes, tables and summary are the same code
    either way."""
    if decompose and warm is None:
        blocks = split_blocks(problem)
        if len(blocks) > 1:
            t0 = time.perf_counter()
            if workers > 1:
                from concurrent.futures import ProcessPoolExecutor

                with ProcessPoolExecutor(max_workers=workers, mp_context=worker_context()) as pool:
                    parts = list(pool.map(_allocate_block, blocks, chunksize=max(1, len(blocks) // (4 * workers))))
            else:
                parts = [_allocate_block(b) for b in blocks]
            merged = merge_solutions(parts, problem.params.solver)
            if merged.ok:
                merged.summary["seconds"]["wall"] = round(time.perf_counter() - t0, 3)
            return merged
    params = problem.params
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    issues = precheck(problem)
    if issues:
        return Solution("infeasible", params.solver, summary={"status": "infeasible"},
                        diagnosis=diagnose_infeasible(problem, issues))
    model, status = (_resolve_warm(problem, warm, timings, t0) if warm is not None else (None, ""))
    if model is None:
        t0 = time.perf_counter()
        model = AllocationModel(problem)
        timings["build"] = time.perf_counter() - t0
        solver = make_solver(params.solver, params.time_limit)
        t1 = time.perf_counter()
        model.lp.solve(solver)
        timings["solve_lp"] = time.perf_counter() - t1
        status = _status(model.lp, timings["solve_lp"], params.time_limit)
        if keep is not None and status == "optimal":
            keep(model)
    if status == "infeasible":
        return Solution("infeasible", params.solver, summary={"status": "infeasible"},
                        diagnosis=diagnose_infeasible(problem, []))
    if status != "optimal":
        return Solution(status, params.solver, summary={"status": status, "seconds": timings,
                                                        "message": _stop_message(status, params.time_limit)})
    lp_objective = float(pulp.value(model.lp.objective) or 0.0)
    duals = _duals(model)
    lp_values = {f: np.array([v.varValue or 0.0 for v in model.vars[f]]) for f in FLOW_FAMILIES}

    t2 = time.perf_counter()
    handle = (LPHandle(warm.highs, warm.columns, warm.variables) if model is getattr(warm, "model", None)
              else LPHandle.of(model))
    plan = persons_plan(problem, model, lp_values) if not problem.whole_classes else whole_classes(
        problem, model, lp_values, handle)
    timings["classes"] = time.perf_counter() - t2
    if plan == CLASSES_INFEASIBLE:
        text = ("the plan holds in persons but not in whole classes: no allocation puts every class within "
                f"[{params.min_class_size}, class size] and every course within its class slots (R5–R7); "
                f"lower min_class_size or add equipment sets / days (LP bound {lp_objective:,.0f} yuan)")
        return Solution("infeasible", params.solver, summary={"status": "infeasible", "message": text},
                        diagnosis=Diagnosis([text]))
    if plan is None:
        return Solution("solver_failed", params.solver, summary={
            "status": "solver_failed", "message": "no plan in whole classes found within the time limit"})
    t3 = time.perf_counter()
    solution, terms, integer_objective = _placed(problem, plan, duals)
    if plan.method == DIVE_METHOD and integer_objective - lp_objective > CLASS_GAP * abs(integer_objective):
        # a dive is a heuristic: beyond the class model's own tolerance of the LP bound, the class MIPs decide
        # (they return plans within that tolerance of their bound, which is at least the LP bound)
        mip = _class_mips(problem, lp_values, model, first=None)
        if isinstance(mip, ClassPlan):
            plan = mip
            solution, terms, integer_objective = _placed(problem, plan, duals)
    timings["place"] = time.perf_counter() - t3
    timings["round"] = timings["classes"] + timings["place"]  # whole classes: rounding and placing, together
    method = {"method": plan.method, "fractional_variables": int(sum(
        (np.abs(v - np.round(v)) > INTEGRALITY_TOLERANCE).sum() for v in lp_values.values())),
        "class_mip_objective": round(plan.objective, 2) if math.isfinite(plan.objective) else None, **plan.extra}
    solution.summary = _summary(problem, solution, params, lp_objective, integer_objective, terms, method,
                                timings, plan.model)
    solution.summary["shadow_prices"] = shadow_prices(duals)
    return solution


def _placed(problem: AllocationProblem, plan: ClassPlan, duals: pd.DataFrame) -> tuple[Solution, dict, float]:
    """The plan's classes placed in counties (or, in whole persons, its flows), the result tables, the objective's
    terms as placed and their weighted sum."""
    rows = place_classes(problem, plan) if problem.whole_classes else flow_rows(problem, plan.values)
    solution = _tables(problem, assign_assessors(problem, rows), duals)
    terms = final_terms(problem, solution, plan.model)
    weights = problem.params.weights.model_dump()
    return solution, terms, sum(weights[k] * v for k, v in terms.items())


SHADOW_PRICES = (  # summary key, row family, key column, only non-zero duals
    ("quota", "quota", "school", False), ("certificate_share", "cert", "unit", False),
    ("target", "target", "prefecture", True), ("county_balance", "band", "adcode", True),
    ("advanced_floor", "advanced", "prefecture", True), ("certificate_floor", "certfloor", "prefecture", True),
    ("qualification_cap", "qualcap", "prefecture", True))


def shadow_prices(duals: pd.DataFrame) -> dict:
    """summary.json's shadow prices, read from the dual table by family and code (a school's quota rows, both
    sides in band mode, add up to the price of its quota)."""
    out: dict = {"meaning": "LP duals in yuan per trainee (not unique: the LP is degenerate). quota: cost of one "
                            "more trainee in the school's quota; certificate_share: cost of one more "
                            "certificate-class trainee required of the unit; capacity: see institution_load.csv"}
    for key, family, column, nonzero in SHADOW_PRICES:
        rows = duals[duals["family"] == family]
        totals = rows.groupby(column, sort=False)["dual"].sum()
        out[key] = {code: round(float(v), 4) + 0.0 for code, v in totals.items() if not nonzero or abs(v) > 1e-9}
    return out


def _resolve_warm(problem: AllocationProblem, warm: SolvedLP, timings: dict[str, float],
                  t0: float) -> tuple[AllocationModel | None, str]:
    """The kept model set to ``problem``'s settings and re-solved from its basis: (model, "optimal") with the
    values and duals written back, or (None, "") when the structure differs or the re-solve ends otherwise."""
    if not warm.reusable(problem):
        return None, ""
    warm.apply(problem)
    timings["build"] = time.perf_counter() - t0
    t1 = time.perf_counter()
    outcome = warm.resolve()
    if outcome.status != "optimal":
        return None, ""
    warm.write_back()
    timings["solve_lp"] = time.perf_counter() - t1
    return warm.model, "optimal"


def _stop_message(status: str, limit: float) -> str:
    if status == "time_limit":
        return (f"the solver stopped at its time limit ({limit:g} s) before proving an optimum; "
                "no allocation is reported (a time-limited point may not even be feasible)")
    return "the solver failed without a solution"


def persons_plan(problem: AllocationProblem, model: AllocationModel, lp: dict[str, np.ndarray]) -> ClassPlan | None:
    """Whole persons without the class model (a re-plan): the LP point rounded by ``_round``, each course total
    counted as ⌈total / class size⌉ classes."""
    rounded, detail = _round(problem, model, lp)
    if rounded is None:
        return None
    values, solved = rounded
    size = class_size(problem)
    counts = {f: np.ceil(values[f] / problem_keys(problem, f)["course"].map(size).to_numpy(float)).astype(np.int64)
              for f in ("w", "v")}
    return ClassPlan(values, counts, solved, detail["method"], math.nan, {})


def whole_classes(problem: AllocationProblem, model: AllocationModel, lp: dict[str, np.ndarray],
                  handle: LPHandle | None) -> ClassPlan | str | None:
    """The plan in whole classes, cheapest way first: class-aware rounding of the LP point; where it gets stuck, a
    dive (model/dive.py): the totals it could not place (or the part classes beyond an offer's slots) closed in
    the LP, re-solved from its basis, whole persons by the floor/ceiling MIP where that point is fractional, and
    rounding again, for a few rounds; else the class MIPs (classes.py) from the LP point."""
    first = repaired = repair_rounding(problem, lp, model) if _fractional(lp) is None else None
    if isinstance(repaired, ClassPlan):
        return repaired
    if handle is not None:
        plan = _dive_and_round(problem, model, lp, handle, repaired)
        if plan is not None:
            return plan
    return _class_mips(problem, lp, model, first)


def _class_mips(problem: AllocationProblem, lp: dict[str, np.ndarray], model: AllocationModel,
                first) -> ClassPlan | str | None:
    """The class MIPs of classes.py from the LP point (``first``: class-aware rounding's outcome on it)."""
    params = problem.params
    return solve_class_mip(problem, lp, make_solver(params.solver, min(params.time_limit, CLASS_MIP_SECONDS),
                                                    mip=True, gap=CLASS_GAP), model,
                           make_solver(params.solver, min(params.time_limit, CLASS_MIP_SECONDS), mip=True,
                                       gap=LOCAL_CLASS_GAP), repaired=first if first is not None else "not tried")


def _fractional(values: dict[str, np.ndarray]) -> dict[str, np.ndarray] | None:
    """Which values are not whole, per family; None when all are."""
    frac = {f: np.abs(v - np.round(v)) > INTEGRALITY_TOLERANCE for f, v in values.items()}
    return frac if any(m.any() for m in frac.values()) else None


def _dive_and_round(problem: AllocationProblem, model: AllocationModel, lp: dict[str, np.ndarray],
                    handle: LPHandle, repaired) -> ClassPlan | None:
    """Rounds of: whole persons (floor/ceiling MIP) if needed, class-aware rounding, and closing in the LP what
    rounding could not place. The LP's bounds are restored at the end whatever happens."""
    session = Dive(handle)
    smallest = {f: smallest_of(problem, f) for f in ("w", "v")}
    values: dict[str, np.ndarray] | None = lp
    try:
        for _ in range(DIVE_ROUNDS):
            frac = _fractional(values)
            if frac is not None:
                values = _residual_mip(model, frac, problem.params)
                if values is None:
                    return None
                repaired = repair_rounding(problem, values, model)
            if isinstance(repaired, ClassPlan):
                break
            caps = ({int(handle.columns[f][i]): 0.0 for f, failed in repaired.failed.items() for i in failed}
                    if isinstance(repaired, Unrepaired) else over_slot_closures(problem, values, handle.columns))
            zeros = np.concatenate([handle.columns[f][values[f] <= TOLERANCE] for f in ("w", "v")])
            x = session.close(caps, freeze=zeros) if caps else None
            if x is None and isinstance(repaired, Unrepaired):  # together they were needed: each on its own
                x = session.one_by_one({int(handle.columns[f][i]): float(smallest[f][i])
                                        for f, failed in repaired.failed.items() for i in failed})
            if x is None:
                return None
            values = handle.set_values(x)
            repaired = repair_rounding(problem, values, model) if _fractional(values) is None else None
        else:
            return None
    finally:
        session.restore()
    if session.resolves:
        repaired.method = DIVE_METHOD
        repaired.extra.update({"dive_resolves": session.resolves, "dive_closed": session.closed,
                               "dive_lp_objective": round(session.objective, 2)})
    return repaired


def _round(problem: AllocationProblem, model: AllocationModel, lp: dict[str, np.ndarray]):
    """Whole persons: floor/ceiling MIP over the LP's fractional variables; full MIP as a fallback.

    Returns ((integer values per family, model whose varValues hold the integer point), detail) or (None, {}).
    """
    params = problem.params
    frac = {f: np.abs(v - np.round(v)) > INTEGRALITY_TOLERANCE for f, v in lp.items()}
    n_frac = int(sum(m.sum() for m in frac.values()))
    if n_frac == 0:
        values = {f: np.round(v).astype(np.int64) for f, v in lp.items()}
        _set_values(model, values)
        return (values, model), {"method": "lp (integral)", "fractional_variables": 0}
    values = _residual_mip(model, frac, params)
    if values is not None:
        return (values, model), {"method": "lp + floor/ceiling MIP", "fractional_variables": n_frac}
    full = AllocationModel(problem, Bounds({f: {i: (0, None, True) for i in range(len(v))} for f, v in lp.items()}))
    t = time.perf_counter()
    full.lp.solve(make_solver(params.solver, params.time_limit, mip=True))
    if _status(full.lp, time.perf_counter() - t, params.time_limit) != "optimal":
        return None, {}
    values = {f: np.array([round(v.varValue or 0.0) for v in full.vars[f]], dtype=np.int64) for f in FLOW_FAMILIES}
    return (values, full), {"method": "full MIP", "fractional_variables": n_frac}


def _residual_mip(model: AllocationModel, frac: dict[str, np.ndarray], params) -> dict[str, np.ndarray] | None:
    """Each fractional variable becomes floor + d (d binary), every other model variable is fixed at its
    LP value except the slacks, which stay continuous; every row touching a fractional variable is kept.
    Variables are told apart by identity (the model's slack table), never by name."""
    fractional = [v for f in FLOW_FAMILIES for v, m in zip(model.vars[f], frac[f], strict=True) if m]
    frac_ids = {id(v) for v in fractional}
    slacks = {id(v): v for v in model.slack_variables}
    d = {id(v): pulp.LpVariable(f"d_{v.name}", cat=pulp.LpBinary) for v in fractional}
    s_new = {k: pulp.LpVariable(f"r_{v.name}", lowBound=0, upBound=v.upBound) for k, v in slacks.items()}
    residual = pulp.LpProblem("rounding", pulp.LpMinimize)
    used: set[int] = set()  # slacks of the kept rows
    for name, c in model.lp.constraints.items():
        if not any(id(v) in frac_ids for v in c):
            continue
        pairs, constant = [], c.constant
        for v, a in c.items():
            if id(v) in frac_ids:
                pairs.append((d[id(v)], a))
                constant += a * math.floor(v.varValue)
            elif id(v) in slacks:
                pairs.append((s_new[id(v)], a))
                used.add(id(v))
            else:
                constant += a * round(v.varValue or 0.0)
        residual.addConstraint(pulp.LpConstraint(pulp.LpAffineExpression(pairs), c.sense, name, -constant), name)
    objective = [(d[id(v)], a) for v, a in model.lp.objective.items() if id(v) in frac_ids]
    objective += [(s_new[id(v)], a) for v, a in model.lp.objective.items() if id(v) in used]
    residual.setObjective(pulp.LpAffineExpression(objective))
    t = time.perf_counter()
    residual.solve(make_solver(params.solver, params.time_limit, mip=True))
    if _status(residual, time.perf_counter() - t, params.time_limit) != "optimal":
        return None
    values = {f: np.array([math.floor(v.varValue) + round(d[id(v)].varValue) if m else round(v.varValue or 0.0)
                           for v, m in zip(model.vars[f], frac[f], strict=True)], dtype=np.int64)
              for f in FLOW_FAMILIES}
    slack_values = {k: s_new[k].varValue for k in used}
    _set_values(model, values)
    for k, value in slack_values.items():
        slacks[k].varValue = value
    return values


def _set_values(model: AllocationModel, values: dict[str, np.ndarray]) -> None:
    for f in FLOW_FAMILIES:
        for v, value in zip(model.vars[f], values[f], strict=True):
            v.varValue = float(value)


def northwest_corner(rows: list[int], cols: list[int]) -> list[tuple[int, int, int]]:
    """Whole-number flows (row index, column index, amount) that meet both marginals (equal totals)."""
    out, i, j = [], 0, 0
    rows, cols = list(rows), list(cols)
    while i < len(rows) and j < len(cols):
        amount = min(rows[i], cols[j])
        if amount > 0:
            out.append((i, j, amount))
        rows[i] -= amount
        cols[j] -= amount
        if rows[i] == 0:
            i += 1
        if j < len(cols) and cols[j] == 0:
            j += 1
    return out


def expand_flows(county_part: pd.DataFrame, course_part: pd.DataFrame, group: list[str]) -> pd.DataFrame:
    """Join a (…, county, trainees) and a (…, course, trainees) table with equal totals per ``group`` into
    whole-person (…, county, course, trainees) rows, counties and courses in code order (north-west corner).

    The north-west corner rule, computed on whole columns: in each group, county j covers the trainees
    (A_{j-1}, A_j] and course k covers (B_{k-1}, B_k] (running totals in code order); the corner rule sends
    to (j, k) exactly the overlap of the two intervals. ``northwest_corner`` is the same rule, step by step."""
    keys = [*group]
    a = county_part.loc[county_part["trainees"] > 0, [*keys, "county", "trainees"]].sort_values([*keys, "county"])
    b = course_part.loc[course_part["trainees"] > 0, [*keys, "course", "trainees"]].sort_values([*keys, "course"])
    a = a.assign(hi=a.groupby(keys, sort=False)["trainees"].cumsum())
    b = b.assign(hi=b.groupby(keys, sort=False)["trainees"].cumsum())
    m = a.merge(b, on=keys, suffixes=("_a", "_b"))
    amount = (np.minimum(m["hi_a"], m["hi_b"]) - np.maximum(m["hi_a"] - m["trainees_a"], m["hi_b"] - m["trainees_b"]))
    m = m.assign(trainees=amount.astype(np.int64))[amount > 0]
    return m[[*keys, "county", "course", "trainees"]].sort_values([*keys, "county", "course"]).reset_index(drop=True)


def flow_rows(problem: AllocationProblem, values: dict[str, np.ndarray]) -> pd.DataFrame:
    """Without the class model (a re-plan): one row per (school, county, course) and (unit, institution, county,
    course), the county and course totals joined by the north-west corner, in the columns of classes.csv (each
    row standing for its whole total, not a class)."""
    y = problem.y_keys.assign(trainees=values["y"])
    w = problem.w_keys.assign(trainees=values["w"])
    school = expand_flows(y, w, ["school", "prefecture"]).rename(columns={"school": "institution_code"}).assign(
        programme="school", unit_code="")
    q = problem.q_keys.assign(trainees=values["q"])
    v = problem.v_keys.assign(trainees=values["v"])
    unit = expand_flows(q, v, ["unit", "prefecture", "institution"]).rename(
        columns={"institution": "institution_code", "unit": "unit_code"}).assign(programme="unit")
    frame = pd.concat([school, unit], ignore_index=True).rename(columns={"course": "course_code", "county": "adcode"})
    frame = frame[["institution_code", "course_code", "adcode", "programme", "unit_code", "trainees"]]
    frame.insert(0, "class_id", [f"R{i + 1:05d}" for i in range(len(frame))])
    return frame


DUAL_FAMILIES = ("capacity", "quota", "cert", "target", "plan", "band", "advanced", "certfloor", "qualcap")


def _duals(model: AllocationModel) -> pd.DataFrame:
    """Shadow prices of the LP (yuan per trainee): the row table of the priced families with a ``dual`` column.
    Not unique: our LPs are degenerate."""
    rows = model.row_table
    rows = rows[rows["family"].isin(DUAL_FAMILIES)]
    duals = [c.pi for c in rows["constraint"]]
    rows = rows.drop(columns="constraint").assign(dual=[float(d) if d is not None else np.nan for d in duals])
    return rows[rows["dual"].notna()].reset_index(drop=True)


def _tables(problem: AllocationProblem, classes: pd.DataFrame, duals: pd.DataFrame) -> Solution:
    """The allocation tables summed from the classes: one row per (school, county, course) and per
    (unit, county, course, institution), with the classes counted, not derived."""
    names = problem.names
    courses = problem.courses.set_index("code")
    county = problem.counties.set_index("adcode")
    inst = problem.institutions.set_index("code")
    inst_pref = inst["prefecture_adcode"]
    price = problem.offers.set_index(["institution", "course"])["price"]
    dist = problem.distance

    def priced(frame: pd.DataFrame, who: str) -> pd.DataFrame:
        """Price per trainee and km from the institution's home county, for each (…, county, course) row."""
        index = pd.MultiIndex.from_arrays([frame[who], frame["course"]])
        km = dist.to_numpy()[dist.index.get_indexer(frame[who].map(inst["home_county"])),
                             dist.columns.get_indexer(frame["county"])] if len(frame) else np.zeros(0)
        return frame.assign(price=price.reindex(index).to_numpy(float), km=km)

    def course_columns(frame: pd.DataFrame) -> dict[str, object]:
        """The columns both allocation tables share: course, certificate, trainees, classes, cost, travel."""
        size = frame["course"].map(courses["max_class_size"])
        return {
            "course": frame["course"].map(courses["profession"]), "course_code": frame["course"],
            "certificate_type": frame["course"].map(courses["certificate_type"]),
            "level": frame["course"].map(courses["level"]).fillna(""),
            "trainees": frame["trainees"].astype(int),
            "classes": frame["classes"].astype(int) if "classes" in frame else
            [math.ceil(t / s) for t, s in zip(frame["trainees"], size, strict=True)],
            "cost": (frame["trainees"] * frame["price"]).round(2),
            "travel_km": frame["km"].round(1),
            "trainee_km": (frame["trainees"] * frame["km"]).round(1),
        }

    county_pref = county["prefecture_adcode"]
    own = classes[classes["programme"] == "school"]
    xk = own.groupby(["institution_code", "adcode", "course_code"], as_index=False).agg(
        trainees=("trainees", "sum"), classes=("trainees", "size"))
    xk = priced(xk.rename(columns={"institution_code": "school", "adcode": "county", "course_code": "course"}),
                "school")
    school = pd.DataFrame({
        "school": xk["school"].map(names), "school_code": xk["school"],
        "school_prefecture": xk["school"].map(inst_pref).map(names),
        "prefecture": xk["county"].map(county["prefecture_adcode"]).map(names),
        "county": xk["county"].map(names), "adcode": xk["county"], **course_columns(xk),
    }).sort_values(["school_code", "adcode", "course_code"]).reset_index(drop=True)

    unit = classes[classes["programme"] == "unit"]
    zk = unit.groupby(["unit_code", "adcode", "course_code", "institution_code"], as_index=False).agg(
        trainees=("trainees", "sum"), classes=("trainees", "size"))
    zk = zk.rename(columns={"unit_code": "unit", "adcode": "county", "course_code": "course",
                            "institution_code": "institution"})
    zk = priced(zk.assign(prefecture=zk["county"].map(county_pref)), "institution")
    columns = course_columns(zk)
    project = pd.DataFrame({
        "unit": zk["unit"].map(names), "unit_code": zk["unit"],
        "prefecture": zk["prefecture"].map(names), "county": zk["county"].map(names), "adcode": zk["county"],
        **{k: columns[k] for k in ("course", "course_code", "certificate_type", "level")},
        "certificate_class": zk["course"].map(courses["certificate_class"]).astype(bool),
        "institution": zk["institution"].map(names), "institution_code": zk["institution"],
        **{k: columns[k] for k in ("trainees", "classes", "cost", "travel_km", "trainee_km")},
    }).sort_values(["unit_code", "adcode", "course_code", "institution_code"]).reset_index(drop=True)
    xk = xk.rename(columns={"course": "course_code"})
    zk = zk.rename(columns={"course": "course_code"})

    by_school = xk.groupby(["school", "course_code"])["trainees"].sum().rename_axis(["institution", "course"])
    by_inst = zk.groupby(["institution", "course_code"])["trainees"].sum().rename_axis(["institution", "course"])
    used = pd.concat([by_school, by_inst]).groupby(level=[0, 1]).sum()
    offers = problem.offers.set_index(["institution", "course"])
    load = pd.DataFrame({
        "institution": [names[i] for i, _ in offers.index], "institution_code": offers.index.get_level_values(0),
        "course": offers.index.get_level_values(1).map(courses["profession"]),
        "course_code": offers.index.get_level_values(1),
        "capacity": offers["seats"].to_numpy(),  # the offer's seats; the LP fills at most `plannable` of them
        "plannable": offers["capacity"].to_numpy(),
        "used": used.reindex(offers.index, fill_value=0).to_numpy().astype(int),
    })
    positive = load["capacity"].where(load["capacity"] > 0, 1)
    load["utilisation"] = np.where(load["capacity"] > 0, load["used"] / positive, 0.0).round(4)
    cap = duals[duals["family"] == "capacity"].set_index(["institution", "course"])["dual"]
    price = cap.reindex(pd.MultiIndex.from_arrays([load["institution_code"], load["course_code"]]), fill_value=0.0)
    load["shadow_price"] = [round(-float(v), 4) + 0.0 for v in price]
    out = Solution("optimal", problem.params.solver, school, project, load)
    out.classes = classes
    return out


def _mix_term(model: AllocationModel, penalty: float) -> float:
    """The mix penalty of the model's flow values as they are now (after rounding), recomputed row by row: the
    slack each mix row needs, not the LP's slack values."""
    total = 0.0
    slacks = set(map(id, model.slack_variables))
    for c in model.rows_of("mix"):
        value = sum(a * (v.varValue or 0.0) for v, a in c.items() if id(v) not in slacks)
        rhs = -c.constant
        need = rhs - value if c.sense == pulp.LpConstraintGE else value - rhs
        total += max(0.0, need)
    return total * penalty


def final_terms(problem: AllocationProblem, sol: Solution, model: AllocationModel) -> dict[str, float]:
    """The objective's terms of the plan as placed in classes: cost and travel from the tables, band and balance
    from each county's final total (the same segments as the model), mix from the class model (course totals
    per prefecture do not change when classes are placed)."""
    p = problem.params
    x, z = sol.school_allocation, sol.project_allocation
    cost = float(x["cost"].sum() + z["cost"].sum())
    travel = float((x["trainee_km"].sum() + z["trainee_km"].sum()) * p.travel_cost_per_km)
    bal = balance_table(problem).set_index("adcode")
    got = x.groupby("adcode")["trainees"].sum().reindex(bal.index, fill_value=0)
    dev = got - bal["center"]
    up, down = dev.clip(lower=0), (-dev).clip(lower=0)
    inner = np.minimum(up, bal["inner_up"]) + np.minimum(down, bal["inner_down"])
    outer = (np.minimum((up - bal["inner_up"]).clip(lower=0), bal["outer_up"])
             + np.minimum((down - bal["inner_down"]).clip(lower=0), bal["outer_down"]))
    beyond = (got - bal["high"]).clip(lower=0) + ((bal["low"] - got).clip(lower=0) * (bal["low"] > 0))
    return {"cost": cost, "travel": travel, "band": float(beyond.sum() * p.band_penalty),
            "mix": _mix_term(model, p.mix_penalty),
            "balance": float(inner.sum() * p.balance_cost_inner + outer.sum() * p.balance_cost_outer)}


def _summary(problem: AllocationProblem, sol: Solution, params, lp_objective: float, integer_objective: float,
             terms: dict[str, float], method: dict, timings: dict[str, float], model: AllocationModel) -> dict:
    proj = sol.project_allocation
    cert_share = {}
    for unit, frame in proj.groupby("unit_code"):
        total = int(frame["trainees"].sum())
        cert = int(frame.loc[frame["certificate_class"], "trainees"].sum())
        cert_share[unit] = round(cert / total, 6) if total else 0.0
    slack = used_slack(model)
    sol.slack = slack
    gap = (integer_objective - lp_objective) / abs(integer_objective) if integer_objective else 0.0
    gap = 0.0 if abs(gap) < 1e-12 else gap  # no "-0.00e+00" from floating-point noise
    return {
        "status": "optimal",
        "solver": params.solver,
        "objective": round(integer_objective, 2),
        "objective_terms": {k: round(v, 2) for k, v in terms.items()},
        "lp_bound": round(lp_objective, 2),
        "integer_gap": round(gap, 9),
        "rounding": method,
        "seconds": {k: round(v, 3) for k, v in timings.items()},
        "certificate_share": cert_share,
        "certificate_share_required": {u: params.cert_share_of(u) for u in sorted(cert_share)},
        "totals": {
            "school": {k: int(v) for k, v in sol.school_allocation.groupby("school_code")["trainees"].sum().items()},
            "prefecture_tech_school": {
                k: int(v) for k, v in sol.school_allocation.groupby("adcode")["trainees"].sum()
                .groupby(problem.counties.set_index("adcode")["prefecture_adcode"]).sum().items()},
            "unit": {k: int(v) for k, v in proj.groupby("unit_code")["trainees"].sum().items()},
        },
        "trainee_km": round(float(sol.school_allocation["trainee_km"].sum() + proj["trainee_km"].sum()), 1),
        "slack_used": dict(zip(slack["label"], slack["value"], strict=True)),
        "variables": {**{f: len(model.vars[f]) for f in FLOW_FAMILIES}, "slack": len(model.slack_variables)},
        "annex1_columns": report.annex1_columns(problem, sol.school_allocation, proj),
        "county_balance": report.county_balance(problem, sol.school_allocation),
        "classes": report.class_report(problem, sol.classes),
        "top_institutions": report.top_by_prefecture(problem, sol.school_allocation, proj),
    }


def used_slack(model: AllocationModel) -> pd.DataFrame:
    """The slacks with a positive value: term, kind, their codes, label and value (rounded to 1e-6)."""
    table = model.slack_table
    values = np.array([v.varValue or 0.0 for v in table["variable"]], dtype=float)
    keep = values > 1e-9
    return (table.loc[keep, ["term", "kind", "adcode", "prefecture", "group", "label"]]
            .assign(value=[round(float(v), 6) for v in values[keep]]).reset_index(drop=True))


# -- decomposition ---------------------------------------------------------------------------------------

def connected_components(nodes: list, edges: list[tuple]) -> list[list]:
    """Connected components (each sorted, ordered by their first node) by union-find with path halving: the
    decomposition runs before every solve, and importing networkx for it alone cost a third of a second."""
    parent: dict = {n: n for n in nodes}

    def find(n):
        parent.setdefault(n, n)
        while parent[n] != n:
            parent[n] = parent[parent[n]]
            n = parent[n]
        return n

    for a, b in edges:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    members: dict = {}
    for n in list(parent):
        members.setdefault(find(n), []).append(n)
    return sorted((sorted(c) for c in members.values()), key=lambda c: c[0])


def split_blocks(problem: AllocationProblem) -> list[AllocationProblem]:
    """Independent blocks: connected components of the graph linking schools to the prefectures they may serve,
    units to their prefectures and to the institutions they may use. Provinces never share a block."""
    import dataclasses

    edges = [*((("i", s), ("p", p)) for s, p in problem.y_keys[["school", "prefecture"]]
               .drop_duplicates().itertuples(index=False)),
             *((("u", u), ("p", p)) for u, p in problem.unit_plans[["unit", "prefecture"]].itertuples(index=False)),
             *((("u", u), ("i", i)) for u, i in problem.v_keys[["unit", "institution"]]
               .drop_duplicates().itertuples(index=False))]
    components = connected_components([("p", p) for p in problem.targets["prefecture"]], edges)
    if len(components) <= 1:
        return [problem]
    blocks = []
    for comp in components:
        prefs = {n for k, n in comp if k == "p"}
        insts = {n for k, n in comp if k == "i"}
        units = {n for k, n in comp if k == "u"}
        if not prefs:
            continue
        f = problem
        counties = f.counties[f.counties["prefecture_adcode"].isin(prefs)]
        homes = f.institutions.loc[f.institutions["code"].isin(insts), "home_county"].unique()
        blocks.append(dataclasses.replace(
            f,
            # only the block's rows of the distance matrix travel to the worker process (the whole one is large)
            distance=f.distance.loc[f.distance.index.isin(homes), counties["adcode"]],
            institutions=f.institutions[f.institutions["code"].isin(insts)].reset_index(drop=True),
            schools=f.schools[f.schools["code"].isin(insts)].reset_index(drop=True),
            targets=f.targets[f.targets["prefecture"].isin(prefs)].reset_index(drop=True),
            counties=counties.reset_index(drop=True),
            unit_plans=f.unit_plans[f.unit_plans["unit"].isin(units)].reset_index(drop=True),
            offers=f.offers[f.offers["institution"].isin(insts)].reset_index(drop=True),
            focus=f.focus[f.focus["prefecture"].isin(prefs)].reset_index(drop=True),
            unit_scope=f.unit_scope[f.unit_scope["unit"].isin(units)].reset_index(drop=True),
            y_keys=f.y_keys[f.y_keys["prefecture"].isin(prefs)].reset_index(drop=True),
            w_keys=f.w_keys[f.w_keys["prefecture"].isin(prefs)].reset_index(drop=True),
            v_keys=f.v_keys[f.v_keys["unit"].isin(units)].reset_index(drop=True),
            q_keys=f.q_keys[f.q_keys["unit"].isin(units)].reset_index(drop=True),
        ))
    orphans = set(problem.schools.loc[problem.schools["active"], "code"]) - {
        c for b in blocks for c in b.schools["code"]}
    if orphans:  # an active school with no prefecture to serve: keep it in the first block so precheck names it
        first = blocks[0]
        blocks[0] = dataclasses.replace(first, schools=pd.concat(
            [first.schools, problem.schools[problem.schools["code"].isin(orphans)]], ignore_index=True))
    return blocks


def worker_context():
    """Worker processes are spawned, never forked: a process that has run HiGHS holds its thread pool, and a forked
    child that solves again can wait forever on threads it did not inherit (seen: a benchmark's sweep hung)."""
    import multiprocessing

    return multiprocessing.get_context("spawn")


def _allocate_block(problem: AllocationProblem) -> Solution:
    return allocate(problem, decompose=False)


def merge_solutions(parts: list[Solution], solver: str) -> Solution:
    """One solution from independent blocks: tables concatenated, objective terms and bounds added."""
    bad = [p for p in parts if not p.ok]
    if bad:
        status = "infeasible" if any(p.status == "infeasible" for p in bad) else bad[0].status
        messages = [m for p in bad if p.diagnosis for m in p.diagnosis.messages]
        diagnosis = None
        if status == "infeasible":
            first = next(p.diagnosis for p in bad if p.diagnosis is not None)
            diagnosis = Diagnosis(messages, [i for p in bad if p.diagnosis for i in p.diagnosis.issues],
                                  pd.concat([p.diagnosis.shortfalls for p in bad if p.diagnosis], ignore_index=True),
                                  pd.concat([p.diagnosis.blocking for p in bad if p.diagnosis], ignore_index=True),
                                  pd.concat([p.diagnosis.violations for p in bad if p.diagnosis], ignore_index=True),
                                  first.graph)
        return Solution(status, solver, summary={"status": status, "message": bad[0].summary.get("message", "")},
                        diagnosis=diagnosis)
    sums = lambda key: round(sum(p.summary[key] for p in parts), 2)  # noqa: E731 - a local shorthand
    terms = {k: round(sum(p.summary["objective_terms"][k] for p in parts), 2)
             for k in parts[0].summary["objective_terms"]}
    objective, bound = sums("objective"), sums("lp_bound")
    summary = {
        "status": "optimal", "solver": solver, "objective": objective, "objective_terms": terms, "lp_bound": bound,
        "integer_gap": round((objective - bound) / abs(objective), 9) if objective else 0.0,
        "rounding": {"method": "by block: " + ", ".join(sorted({p.summary["rounding"]["method"] for p in parts})),
                     "fractional_variables": sum(p.summary["rounding"]["fractional_variables"] for p in parts)},
        "seconds": {k: round(sum(p.summary["seconds"].get(k, 0.0) for p in parts), 3)
                    for k in ("build", "solve_lp", "round")},
        "certificate_share": {u: v for p in parts for u, v in p.summary["certificate_share"].items()},
        "certificate_share_required": {u: v for p in parts for u, v in p.summary["certificate_share_required"].items()},
        "totals": {k: {a: b for p in parts for a, b in p.summary["totals"][k].items()}
                   for k in parts[0].summary["totals"]},
        "trainee_km": round(sum(p.summary["trainee_km"] for p in parts), 1),
        "slack_used": {k: v for p in parts for k, v in p.summary["slack_used"].items()},
        "variables": {k: sum(p.summary["variables"][k] for p in parts) for k in parts[0].summary["variables"]},
        "blocks": len(parts),
        "shadow_prices": {"meaning": parts[0].summary["shadow_prices"]["meaning"],
                          **{k: {a: b for p in parts for a, b in p.summary["shadow_prices"][k].items()}
                             for k in parts[0].summary["shadow_prices"] if k != "meaning"}},
        "annex1_columns": {"by_prefecture": {k: v for p in parts
                                             for k, v in p.summary["annex1_columns"]["by_prefecture"].items()},
                           "province": {k: sum(p.summary["annex1_columns"]["province"].get(k, 0) for p in parts)
                                        for k in parts[0].summary["annex1_columns"]["province"]}},
        "county_balance": _merge_balance([p.summary["county_balance"] for p in parts]),
        "classes": {k: (sum(p.summary["classes"].get(k, 0) for p in parts) if k not in ("smallest", "largest", "r13")
                        else (min if k == "smallest" else max)(p.summary["classes"].get(k, 0) for p in parts))
                    for k in parts[0].summary["classes"] if k != "r13"},
        "top_institutions": {k: v for p in parts for k, v in p.summary["top_institutions"].items()},
    }
    cat = lambda name: pd.concat([getattr(p, name) for p in parts], ignore_index=True)  # noqa: E731
    merged = Solution("optimal", solver, cat("school_allocation"), cat("project_allocation"),
                      cat("institution_load"), summary)
    classes = cat("classes")
    if not classes.empty:
        classes["class_id"] = [f"C{i + 1:06d}" for i in range(len(classes))]
    merged.classes = classes
    merged.slack = pd.concat([p.slack for p in parts], ignore_index=True)
    summary["classes"]["min_class_size"] = parts[0].summary["classes"].get("min_class_size")
    return merged


def _merge_balance(parts: list[dict]) -> dict:
    """County balance of independent blocks: counts added, lists joined, deviation range widened."""
    hist: dict[str, int] = {}
    for p in parts:
        for k, v in p["relative_deviation"]["histogram"].items():
            hist[k] = hist.get(k, 0) + v
    return {"counties": sum(p["counties"] for p in parts), "on_band_limit": sum(p["on_band_limit"] for p in parts),
            "on_band_limit_counties": sorted(c for p in parts for c in p["on_band_limit_counties"]),
            "relative_deviation": {"min": min(p["relative_deviation"]["min"] for p in parts),
                                   "max": max(p["relative_deviation"]["max"] for p in parts),
                                   "histogram": hist},
            "single_group_counties": sorted(c for p in parts for c in p["single_group_counties"])}
