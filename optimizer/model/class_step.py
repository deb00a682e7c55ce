"""The class step: the LP's point as a plan in whole classes, the cheapest way that works.

1. Class-aware rounding of the LP point (classes.py ``repair_rounding``): small totals join a partner course.
2. Where it gets stuck, a dive (dive.py): what it could not place is closed in the solved LP, which is re-solved
   from its basis; whole persons by the floor/ceiling MIP (rounding.py) where that point is fractional; rounding
   again — a few rounds. solve.py accepts the dive's plan only within ``CLASS_GAP`` of the LP bound.
3. Else the class MIPs (classes.py ``solve_class_mip``): local, on the LP's support, wider.
"""

from __future__ import annotations

import numpy as np

from optimizer.model.classes import (
    TOLERANCE,
    ClassPlan,
    Unrepaired,
    repair_rounding,
    rows_of,
    smallest_of,
    solve_class_mip,
)
from optimizer.model.dive import DIVE_ROUNDS, Dive, LPHandle, over_slot_closures
from optimizer.model.lp import AllocationModel
from optimizer.model.problem import AllocationProblem
from optimizer.model.rounding import INTEGRALITY_TOLERANCE, residual_mip
from optimizer.model.solvers import make_solver

DIVE_METHOD = "LP dive + class-aware rounding"
CLASS_GAP = 1e-3  # relative gap of the class model: the class MIPs' tolerance, and how far above the LP bound a
#                   dive's plan may be (0.1% of ~3.5亿 yuan)
LOCAL_CLASS_GAP = 1e-4  # the local class MIP (a few cells): ~3.5万 yuan of ~3.5亿
CLASS_MIP_SECONDS = 30.0  # time limit of each class MIP (fallback only; rounding and the dive take < 1 s)


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
    return class_mips(problem, lp, model, first)


def class_mips(problem: AllocationProblem, lp: dict[str, np.ndarray], model: AllocationModel,
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
    closed_offers: set[tuple[str, str]] = set()
    values: dict[str, np.ndarray] | None = lp
    try:
        for _ in range(DIVE_ROUNDS):
            frac = _fractional(values)
            if frac is not None:
                values = residual_mip(model, frac, problem.params)
                if values is None:
                    return None
                repaired = repair_rounding(problem, values, model)
            if isinstance(repaired, ClassPlan):
                break
            caps, opens = {}, {}
            if isinstance(repaired, Unrepaired):
                # a total whose offer was closed in an earlier round (its trainees came back at another prefecture
                # or cell: the offer's school has nowhere else for them) is opened to a whole class instead
                for f, failed in repaired.failed.items():
                    for i in failed:
                        col, offer = int(handle.columns[f][i]), rows_of(problem, f).offer[i]
                        if offer in closed_offers:
                            opens[col] = float(smallest[f][i])
                        else:
                            caps[col] = 0.0
                        closed_offers.add(offer)
            else:
                caps = over_slot_closures(problem, values, handle.columns)
            zeros = np.concatenate([handle.columns[f][values[f] <= TOLERANCE] for f in ("w", "v")])
            whole = {f: values[f] >= smallest[f] - TOLERANCE for f in ("w", "v")}  # totals of a class or more
            open_ = (np.concatenate([handle.columns[f][whole[f]] for f in ("w", "v")]),
                     np.concatenate([smallest[f][whole[f]] for f in ("w", "v")]).astype(float))
            x = session.close(caps, freeze=zeros, keep=open_, opens=opens) if caps or opens else None
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
