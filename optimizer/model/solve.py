"""Solve an allocation problem: pre-checks → LP → whole persons / whole classes → result tables.

``allocate`` is the one entry point (called by optimizer/pipeline.py). It splits a multi-province instance into
blocks (decomposition.py) and solves them in worker processes, or solves one block: pre-checks and diagnosis
(diagnose.py), the LP built by lp.py and solved by a solver from solvers.py (or re-solved from a kept model,
resolve.py), then whole classes (class_step.py: rounding, the dive, the class MIPs) or, for a re-plan, whole persons
(rounding.py), and the tables and summary (results.py).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

import numpy as np
import pandas as pd
import pulp

from optimizer.messages import msg
from optimizer.messages.numbers import yuan
from optimizer.model.class_step import CLASS_GAP, DIVE_METHOD, class_mips, whole_classes
from optimizer.model.classes import CLASSES_INFEASIBLE, ClassPlan, assign_assessors, place_classes
from optimizer.model.decomposition import merge_solutions, split_blocks, worker_context
from optimizer.model.diagnose import Diagnosis, diagnose_infeasible, precheck
from optimizer.model.dive import LPHandle
from optimizer.model.lp import FLOW_FAMILIES, AllocationModel
from optimizer.model.problem import AllocationProblem
from optimizer.model.resolve import SolvedLP
from optimizer.model.results import (
    Solution,
    final_terms,
    flow_rows,
    result_tables,
    row_duals,
    shadow_prices,
    summary_of,
)
from optimizer.model.rounding import INTEGRALITY_TOLERANCE, persons_plan
from optimizer.model.solvers import make_solver, solve_status


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
                    # one block per task: a block takes 1–10 s (more where the class step falls back to a MIP),
                    # so chunks of several left one worker idle while the other finished its chunk
                    parts = list(pool.map(_allocate_block, blocks))
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
        status = solve_status(model.lp, timings["solve_lp"], params.time_limit)
        if keep is not None and status == "optimal":
            keep(model)
    if status == "infeasible":
        return Solution("infeasible", params.solver, summary={"status": "infeasible"},
                        diagnosis=diagnose_infeasible(problem, []))
    if status != "optimal":
        return Solution(status, params.solver, summary={"status": status, "seconds": timings,
                                                        "message": _stop_message(status, params.time_limit)})
    lp_objective = float(pulp.value(model.lp.objective) or 0.0)
    duals = row_duals(model)
    lp_values = {f: np.array([v.varValue or 0.0 for v in model.vars[f]]) for f in FLOW_FAMILIES}

    t2 = time.perf_counter()
    handle = (LPHandle(warm.highs, warm.columns, warm.variables) if model is getattr(warm, "model", None)
              else LPHandle.of(model))
    plan = persons_plan(problem, model, lp_values) if not problem.whole_classes else whole_classes(
        problem, model, lp_values, handle)
    timings["classes"] = time.perf_counter() - t2
    if plan == CLASSES_INFEASIBLE:
        text = msg("diag.classes_infeasible", low=params.min_class_size, bound=yuan(lp_objective))
        return Solution("infeasible", params.solver, summary={"status": "infeasible", "message": text},
                        diagnosis=Diagnosis([text]))
    if plan is None:
        return Solution("solver_failed", params.solver, summary={
            "status": "solver_failed", "message": msg("diag.classes_not_found")})
    t3 = time.perf_counter()
    solution, terms, integer_objective = _placed(problem, plan, duals)
    if plan.method == DIVE_METHOD and integer_objective - lp_objective > CLASS_GAP * abs(integer_objective):
        # a dive is a heuristic: beyond the class model's own tolerance of the LP bound, the class MIPs decide
        # (they return plans within that tolerance of their bound, which is at least the LP bound)
        mip = class_mips(problem, lp_values, model, first=None)
        if isinstance(mip, ClassPlan):
            plan = mip
            solution, terms, integer_objective = _placed(problem, plan, duals)
    timings["place"] = time.perf_counter() - t3
    timings["round"] = timings["classes"] + timings["place"]  # whole classes: rounding and placing, together
    method = {"method": plan.method, "fractional_variables": int(sum(
        (np.abs(v - np.round(v)) > INTEGRALITY_TOLERANCE).sum() for v in lp_values.values())),
        "class_mip_objective": round(plan.objective, 2) if math.isfinite(plan.objective) else None, **plan.extra}
    solution.summary = summary_of(problem, solution, params, lp_objective, integer_objective, terms, method,
                                timings, plan.model)
    solution.summary["shadow_prices"] = shadow_prices(duals)
    return solution


def _placed(problem: AllocationProblem, plan: ClassPlan, duals: pd.DataFrame) -> tuple[Solution, dict, float]:
    """The plan's classes placed in counties (or, in whole persons, its flows), the result tables, the objective's
    terms as placed and their weighted sum."""
    rows = place_classes(problem, plan) if problem.whole_classes else flow_rows(problem, plan.values)
    solution = result_tables(problem, assign_assessors(problem, rows), duals)
    terms = final_terms(problem, solution, plan.model)
    weights = problem.params.weights.model_dump()
    return solution, terms, sum(weights[k] * v for k, v in terms.items())


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
    """Why a solve gave no plan, in the user's language (the CLI, the workspace and sweep.csv show it)."""
    return msg("diag.time_limit", limit=f"{limit:g}") if status == "time_limit" else msg("diag.solver_failed")


def _allocate_block(problem: AllocationProblem) -> Solution:
    """One block solved whole, in a worker process (a module-level function, so the pool can send it)."""
    return allocate(problem, decompose=False)
