"""LP diving towards whole classes: close the course totals that cannot form a class and re-solve the LP.

Class-aware rounding (classes.py) moves a course total that is below the minimum class (R5, min_class_size) to a
partner course of the same cell. After a setting change (ρ, weights, capacities) the LP often ends at a vertex
where several such totals have no partner with room — every cheap offer is full — or where one offer's totals,
each with a part-filled class, need more classes than its slots (R6, R7). The class MIP then decides; HiGHS
takes 5–20 s on it, mostly in cut rounds at the root.

A dive asks the LP instead, which re-solves in a few simplex pivots from its basis (a hot start, ~0.05 s):

- a total that rounding could not place (0 < x < its smallest class, no partner with room) gets the upper
  bound 0 (its trainees go where the LP finds room:
  another course, school or prefecture — every row of the LP still holds);
- at an offer whose totals need more classes than its slots (Σ ⌈x / S⌉ > slots), the totals with the smallest
  part-filled class get the upper bound S·⌊x / S⌋ (that class is closed) until the count fits.

Each round re-solves; the zero course totals are held at 0 with the closed ones (so the trainees join totals that
exist rather than opening new small ones), and totals that cannot close together are closed one by one, or else
opened to a whole class. The result is an optimal point of the LP with some bounds tightened: a point of the LP's
feasible set, so the LP objective remains a lower bound of the plan built from it. Every bound is restored
afterwards, so a kept model (model/resolve.py) re-solves from its anchor as before. The rounds themselves are
driven by class_step.py.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from optimizer.model.classes import cached, class_size, class_slots, rows_of
from optimizer.model.problem import AllocationProblem

DIVE_ROUNDS = 8  # rounds of closing and rounding again (measured on 18 workspace settings: at most 3)
TOLERANCE = 1e-6
Bounds = tuple[np.ndarray, np.ndarray, np.ndarray]  # columns, lower bounds, upper bounds


def _ints(columns: dict[int, float]) -> np.ndarray:
    return np.fromiter(columns, dtype=np.int32, count=len(columns))


def _over(under: Bounds, over: Bounds) -> Bounds:
    """Two sets of column bounds as one; where both name a column, ``over``'s bounds are taken."""
    cols = np.concatenate([under[0], over[0]])
    last = len(cols) - 1 - np.unique(cols[::-1], return_index=True)[1]  # each column's last mention
    return cols[last], np.concatenate([under[1], over[1]])[last], np.concatenate([under[2], over[2]])[last]


class Dive:
    """Bounds tightened on a solved HiGHS model, round by round, each round re-solved from the last basis; every
    bound goes back to its solved value with ``restore`` (a kept model then re-solves from its anchor unchanged)."""

    def __init__(self, handle: LPHandle):
        self.handle = handle
        lp = handle.highs.getLp()
        self.low0, self.up0 = np.asarray(lp.col_lower_), np.asarray(lp.col_upper_)
        self.low, self.up = self.low0.copy(), self.up0.copy()  # as tightened by the rounds that ended optimal
        self.resolves = self.closed = 0
        self.objective = math.nan

    def close(self, caps: dict[int, float], freeze: np.ndarray | None = None,
              keep: tuple[np.ndarray, np.ndarray] | None = None,
              opens: dict[int, float] | None = None) -> np.ndarray | None:
        """Upper bounds {column: bound} added (and ``opens`` {column: smallest class}: totals opened to a whole
        class, a lower bound) and the LP re-solved: its column values, or None (the bounds are taken back) when it
        does not end optimal — the closed totals were needed.

        Stronger versions are tried first: the ``freeze`` columns (the zero course totals) held at 0 and the
        ``keep`` totals (columns, smallest classes) held at a whole class at least, so the trainees closed join
        totals that exist and no total shrinks below a class; then the freeze alone; then the caps alone. Bounds
        travel as arrays (columns, lows, ups): the freeze names thousands of columns."""
        capped = _ints(caps)
        base = (capped, self.low[capped], np.array(list(caps.values()), dtype=float))
        if opens:
            opened = _ints(opens)
            base = _over(base, (opened, np.maximum(self.low[opened], list(opens.values())), self.up[opened]))
        tries = [base]
        if freeze is not None and len(freeze):
            frozen = _over((freeze.astype(np.int32), self.low[freeze], np.zeros(len(freeze))), base)
            tries.insert(0, frozen)
            if keep is not None and len(keep[0]):
                cols = keep[0].astype(np.int32)
                tries.insert(0, _over((cols, np.maximum(self.low[cols], keep[1]), self.up[cols]), frozen))
        for bounds in tries:
            x = self._tighten(bounds)
            if x is not None:
                self.closed += len(caps) + len(opens or {})
                return x
        return None

    def one_by_one(self, smallest: dict[int, float]) -> np.ndarray | None:
        """Each stuck total {column: its smallest class} on its own: closed (upper bound 0) if the LP stays
        feasible, else opened to a whole class (lower bound = the smallest class), else left; the last optimal
        point, or None when no total could be moved either way."""
        x = None
        for col, least in smallest.items():
            one = np.array([col], dtype=np.int32)
            got = self._tighten((one, self.low[one], np.zeros(1)))
            if got is None:
                got = self._tighten((one, np.maximum(self.low[one], least), self.up[one]))
            if got is not None:
                x, self.closed = got, self.closed + 1
        return x

    def _tighten(self, bounds: Bounds) -> np.ndarray | None:
        """New column bounds (columns, lows, ups) and a re-solve from the last basis: the column values, or None
        with the bounds taken back when it does not end optimal."""
        import highspy

        highs = self.handle.highs
        cols = bounds[0]
        low_before, up_before = self.low[cols], self.up[cols]
        low, up = np.maximum(low_before, bounds[1]), np.minimum(up_before, bounds[2])
        highs.changeColsBounds(len(cols), cols, low, up)
        highs.run()
        if highs.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            highs.changeColsBounds(len(cols), cols, low_before, up_before)
            return None
        self.low[cols], self.up[cols] = low, up
        self.resolves += 1
        self.objective = float(highs.getInfo().objective_function_value)
        return np.asarray(highs.getSolution().col_value)

    def restore(self) -> None:
        """Every column's bounds as solved."""
        everything = np.arange(len(self.up0), dtype=np.int32)
        self.handle.highs.changeColsBounds(len(everything), everything, self.low0, self.up0)


def over_slot_closures(problem: AllocationProblem, values: dict[str, np.ndarray],
                       columns: dict[str, np.ndarray]) -> dict[int, float]:
    """For each offer whose course totals need more classes than its slots (R6, R7: Σ ⌈x / S⌉ > slots), the totals
    with the least-filled part class get the upper bound S·⌊x / S⌋ (that class closed) until the count fits."""
    size_of = cached(problem, "size", lambda: class_size(problem).to_dict())
    slots = cached(problem, "slots", lambda: class_slots(problem).to_dict())
    count: dict[tuple[str, str], int] = {}
    parts: dict[tuple[str, str], list[tuple[float, int, float]]] = {}
    for f in ("w", "v"):
        offer = rows_of(problem, f).offer
        for i in np.flatnonzero(values[f] > TOLERANCE).tolist():
            key = offer[i]
            s, x = int(size_of[key[1]]), float(values[f][i])
            full = math.floor(x / s + TOLERANCE)
            rest = x - full * s
            count[key] = count.get(key, 0) + full + (rest > TOLERANCE)
            if rest > TOLERANCE:
                parts.setdefault(key, []).append((rest, int(columns[f][i]), float(full * s)))
    caps: dict[int, float] = {}
    for key, n in count.items():
        for _rest, col, cap in sorted(parts.get(key, []))[:max(0, n - int(slots.get(key, 0)))]:
            caps[col] = cap
    return caps


@dataclass
class LPHandle:
    """A solved LP's HiGHS model with its columns: the flow families' column indices and every PuLP variable in
    column order (to put a dive's point back into the PuLP model)."""

    highs: object
    columns: dict[str, np.ndarray]
    variables: list

    @classmethod
    def of(cls, model) -> LPHandle | None:
        """The handle of a model just solved with FastHiGHS (its variables' ``index`` are HiGHS's columns), or
        None for another solver."""
        highs = getattr(model.lp, "solverModel", None)
        if highs is None or not hasattr(highs, "changeColsBounds"):
            return None
        variables = getattr(model.lp, "highs_columns", None)
        if variables is None or len(variables) != highs.getNumCol():
            return None
        return cls(highs, {f: np.array([v.index for v in vs], dtype=np.int64) for f, vs in model.vars.items()},
                   variables)

    def set_values(self, x: np.ndarray) -> dict[str, np.ndarray]:
        """Every PuLP variable's value from the column values ``x``; the flow families' values."""
        for var, value in zip(self.variables, x.tolist(), strict=True):
            var.varValue = value
        return {f: x[cols] for f, cols in self.columns.items()}
