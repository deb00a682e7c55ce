"""Whole persons from the LP's point, without the class model (a re-plan): floor/ceiling MIP, full MIP fallback.

The LP's vertex is integral except for a few hundred variables. Those are rounded by a small MIP in which every
integral variable is fixed and each fractional one may only go to its floor or ceiling, under *all* the model's
constraints — so every row and column total (quotas, targets, Annex 4 cells, capacities) stays exact and the
certificate share still holds. The LP objective is a lower bound; the summary reports it beside the integer
objective and the gap. If that restricted MIP were infeasible, the whole model is solved as a MIP with the
solver's time limit instead (reported). The class-aware step (whole classes) is optimizer/model/classes.py.
"""

from __future__ import annotations

import math
import time

import numpy as np
import pulp

from optimizer.model.classes import ClassPlan, class_size, problem_keys
from optimizer.model.lp import FLOW_FAMILIES, AllocationModel, Bounds
from optimizer.model.problem import AllocationProblem
from optimizer.model.solvers import make_solver, solve_status

INTEGRALITY_TOLERANCE = 1e-6  # a value within this of a whole number counts as whole


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
    values = residual_mip(model, frac, params)
    if values is not None:
        return (values, model), {"method": "lp + floor/ceiling MIP", "fractional_variables": n_frac}
    full = AllocationModel(problem, Bounds({f: {i: (0, None, True) for i in range(len(v))} for f, v in lp.items()}))
    t = time.perf_counter()
    full.lp.solve(make_solver(params.solver, params.time_limit, mip=True))
    if solve_status(full.lp, time.perf_counter() - t, params.time_limit) != "optimal":
        return None, {}
    values = {f: np.array([round(v.varValue or 0.0) for v in full.vars[f]], dtype=np.int64) for f in FLOW_FAMILIES}
    return (values, full), {"method": "full MIP", "fractional_variables": n_frac}


def residual_mip(model: AllocationModel, frac: dict[str, np.ndarray], params) -> dict[str, np.ndarray] | None:
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
    if solve_status(residual, time.perf_counter() - t, params.time_limit) != "optimal":
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
