"""Re-solve a solved allocation LP after a setting change, without rebuilding it (issue 19, item 1).

A workspace user who moves ρ, a weight or one school's capacity changes a handful of numbers in an LP of
~29,000 columns; rebuilding the PuLP model and handing it to HiGHS again costs more than solving it. This module
keeps the ``highspy.Highs`` object that ``FastHiGHS`` filled (``lp.solverModel``) and changes, in place:

- the certificate rows' lower bounds   ρ_u · A_u (R1: Σ cert-class v ≥ ρ · A_u);
- the capacity rows' upper bounds      the offer's plannable places (R5–R7, after capacity changes);
- the objective coefficients           Σ_term ω_term · (the term's coefficients: prices, km × κ, penalties);
- the time limit;

then runs HiGHS again from the optimal basis of the fresh solve (the *anchor*): a bound, right-hand side or cost
change leaves a basis valid, so the simplex starts there (a hot start) instead of from a slack basis with presolve.
Always the anchor, not the last basis: the result of a setting is then the same whatever was solved before.

``SolvedLP.apply(problem)`` sets all of these from a new ``AllocationProblem`` whose only differences from the
solved one are those settings (``reusable`` checks the structure; ``RESOLVABLE`` lists the ModelParams fields a
re-solve may change; pipeline.py keys the store by an identity of everything else); after ``resolve()``
``write_back()`` puts the values and duals into the PuLP model, exactly where a fresh solve would have put them,
so rounding, classes and the result tables run unchanged (model/solve.py ``allocate`` with ``warm``). The rows
are found in the model's row table by their codes (issue 12 item 5), never by name.

``ModelStore`` keeps solved models per key (an input_id of everything except the settings changed here) in
bounded memory: at most ``max_models`` and an estimate of ``max_bytes``, least recently used dropped first.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pulp

from optimizer.model.lp import FLOW_FAMILIES, AllocationModel
from optimizer.model.problem import AllocationProblem

# ModelParams fields a re-solve may change: they set only row bounds (cert, capacity) and objective coefficients
RESOLVABLE = ("cert_share", "cert_share_by_unit", "weights", "capacity_changes", "band_penalty", "mix_penalty",
              "balance_cost_inner", "balance_cost_outer", "travel_cost_per_km", "time_limit")
# the RESOLVABLE settings that enter the objective (the others set row bounds or the time limit only)
OBJECTIVE_SETTINGS = ("weights", "band_penalty", "mix_penalty", "balance_cost_inner", "balance_cost_outer",
                      "travel_cost_per_km")
KEY_TABLES = ("y_keys", "w_keys", "v_keys", "q_keys", "unit_plans", "targets", "schools", "counties", "focus",
              "unit_scope")


@dataclass
class LPResult:
    """One (re-)solve: HiGHS's model status as text, the objective, its terms, seconds and simplex iterations."""

    status: str  # optimal | infeasible | other HiGHS status text
    objective: float
    terms: dict[str, float]
    seconds: float
    iterations: int


class SolvedLP:
    """A solved ``AllocationModel`` whose HiGHS model can be changed and re-solved from its last basis."""

    def __init__(self, model: AllocationModel):
        """``model`` must have been solved with ``FastHiGHS`` (``model.lp.solverModel`` holds the HiGHS model)."""
        highs = getattr(model.lp, "solverModel", None)
        if highs is None or not hasattr(highs, "changeColsCost"):
            raise ValueError("the model was not solved with FastHiGHS: no HiGHS model to change")
        self.highs = highs
        self.model = model
        self.problem = model.problem
        self.lock = threading.Lock()  # one re-solve at a time (the workspace serves several sessions)
        self.n = int(highs.getNumCol())
        self.variables = list(getattr(model.lp, "highs_columns", None) or [])  # FastHiGHS's columns, in order
        if len(self.variables) != self.n:
            self.variables = [None] * self.n
            for v in model.lp.variables():
                self.variables[v.index] = v
        self.constraints = list(model.lp.constraints.values())
        # indices and model state as solved: the class step may later re-index, re-bound and extend the PuLP
        # model (classes.py's local class MIP reuses it), so nothing below reads var.index or c.index again
        self.column = {id(v): i for i, v in enumerate(self.variables)}
        self.row_index = np.array([c.index for c in self.constraints], dtype=np.int32)
        lp = model.lp
        self._state = ([(v.lowBound, v.upBound, v.cat) for v in self.variables], dict(lp._constraints),
                       list(lp._variables), dict(lp._variable_ids))
        self.columns = {f: np.array([v.index for v in model.vars[f]], dtype=np.int64) for f in FLOW_FAMILIES}
        rows = model.row_table
        cert, cap = rows[rows["family"] == "cert"], rows[rows["family"] == "capacity"]
        # HiGHS row indices by code, from the model's row table: {unit: row} and {(institution, course): row}
        self.rows = {"cert": {u: c.index for u, c in zip(cert["unit"], cert["constraint"], strict=True)},
                     "capacity": {(i, k): c.index for i, k, c in zip(cap["institution"], cap["course"],
                                                                        cap["constraint"], strict=True)}}
        self._cert, self._cap = cert.reset_index(drop=True), cap.reset_index(drop=True)
        self._cert_rows = np.array([c.index for c in cert["constraint"]], dtype=np.int32)
        self._cap_rows = np.array([c.index for c in cap["constraint"]], dtype=np.int32)
        self.unit_totals = {u: float(t) for u, t in model.problem.unit_plans.groupby("unit")["trainees"].sum().items()}
        self.params = model.problem.params
        self._term_costs: dict[str, np.ndarray] | None = None
        self.weights = dict(self.params.weights.model_dump())
        self.anchor = highs.getBasis()  # a copy: the optimal basis of the fresh solve every re-solve starts from

    @property
    def term_costs(self) -> dict[str, np.ndarray]:
        """Each objective term's coefficients per HiGHS column (unweighted), computed when first needed."""
        if self._term_costs is None:
            self._term_costs = {name: self._coefficients(expr) for name, expr in self.model.terms.items()}
        return self._term_costs

    def _coefficients(self, expr) -> np.ndarray:
        out = np.zeros(self.n)
        for var, coef in expr.items():
            out[self.column[id(var)]] += coef
        return out

    # -- a whole new setting, from a problem ------------------------------------------------------------------
    def reusable(self, problem: AllocationProblem) -> bool:
        """True when ``problem`` has this model's structure: the same keys, cells, targets, counties and every
        setting outside RESOLVABLE (so only row bounds and costs differ)."""
        old = self.problem
        if getattr(old, "whole_classes", True) != getattr(problem, "whole_classes", True):
            return False
        if old.params.model_dump(exclude=set(RESOLVABLE)) != problem.params.model_dump(exclude=set(RESOLVABLE)):
            return False
        if not all(getattr(old, t).equals(getattr(problem, t)) for t in KEY_TABLES):
            return False
        cols = ["institution", "course", "price", "active", "subsidised", "siyb_ok", "filed"]
        return old.offers[cols].equals(problem.offers[cols]) and old.distance.equals(problem.distance)

    def apply(self, problem: AllocationProblem) -> None:
        """Set every row bound and cost a RESOLVABLE setting decides from ``problem`` (absolute values, so the
        store's model may have been left at any earlier setting). The PuLP rows and objective follow, so the
        model reads as a model of ``problem`` (rounding and classes read it)."""

        self.restore()
        p = problem.params
        inf = self.highs.getInfinity()
        totals = problem.unit_plans.groupby("unit")["trainees"].sum()
        cert_low = np.array([p.cert_share_of(u) * float(totals[u]) for u in self._cert["unit"]])
        self._bounds(self._cert["constraint"], self._cert_rows, cert_low, np.full(len(cert_low), inf))
        places = problem.offers.set_index(["institution", "course"])["capacity"]
        cap_up = places.reindex(pd.MultiIndex.from_arrays([self._cap["institution"], self._cap["course"]]))
        self._bounds(self._cap["constraint"], self._cap_rows, np.full(len(cap_up), -inf), cap_up.to_numpy(float))
        self.model.problem = problem
        if _objective_settings(p) != _objective_settings(self.params):
            self.model.define_objective()  # the weighted terms of the new settings, as a fresh build makes them
            cost = np.zeros(self.n)
            for var, coef in self.model.lp.objective.items():
                cost[self.column[id(var)]] = coef
            self.highs.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), cost)
            self._term_costs = None  # the terms' coefficients changed with the settings: recomputed when asked
        self.highs.setOptionValue("time_limit", float(p.time_limit))
        self.weights, self.params, self.problem = dict(p.weights.model_dump()), p, problem
        self.unit_totals = {u: float(t) for u, t in totals.items()}

    def restore(self) -> None:
        """The PuLP model as it was solved: its variables' bounds and types, its rows and variable list (a class
        step may have re-bounded it and added class counts and rows to it), and every index as HiGHS has it."""
        bounds, rows, variables, ids = self._state
        for v, (low, up, cat) in zip(self.variables, bounds, strict=True):
            v.lowBound, v.upBound, v.cat = low, up, cat
        lp = self.model.lp
        lp._constraints, lp._variables, lp._variable_ids = dict(rows), list(variables), dict(ids)
        for i, v in enumerate(self.variables):
            v.index = i
        for c, r in zip(self.constraints, self.row_index, strict=True):
            c.index = int(r)

    def _bounds(self, constraints: pd.Series, index: np.ndarray, low: np.ndarray, up: np.ndarray) -> None:
        """New bounds of some rows, in HiGHS and in the PuLP rows (their constant is −rhs)."""
        if len(constraints) == 0:
            return
        self.highs.changeRowsBounds(len(index), index, low, up)
        for c, lo, hi in zip(constraints, low, up, strict=True):
            c.constant = -float(lo if np.isfinite(lo) else hi)

    # -- single changes (kept for callers that change one thing) -------------------------------------------
    def set_cert_share(self, shares: Mapping[str, float]) -> None:
        """R1 for the given units: Σ certificate-class trainees ≥ ρ_u · (the unit's Annex 4 total)."""
        for unit, rho in shares.items():
            if not 0 <= rho <= 1:
                raise ValueError(f"cert share of {unit} must be within 0..1, got {rho}")
            row = self.rows["cert"][unit]
            self.highs.changeRowBounds(row, rho * self.unit_totals[unit], self.highs.getInfinity())

    def set_weights(self, weights: Mapping[str, float]) -> None:
        """Objective weights of the terms (cost, travel, band, mix, balance); terms not named keep their weight."""
        unknown = set(weights) - set(self.term_costs)
        if unknown:
            raise ValueError(f"unknown objective term(s): {', '.join(sorted(unknown))}")
        self.weights.update({k: float(v) for k, v in weights.items()})
        cost = np.zeros(self.n)
        for name, coef in self.term_costs.items():
            if self.weights[name]:
                cost += self.weights[name] * coef
        self.highs.changeColsCost(self.n, np.arange(self.n, dtype=np.int32), cost)

    def set_capacity(self, places: Mapping[tuple[str, str], float]) -> None:
        """Plannable places of (institution, course) offers: the capacity row's upper bound (R5–R7)."""
        for (institution, course), value in places.items():
            if value < 0:
                raise ValueError(f"capacity of {institution} {course} must not be negative")
            row = self.rows["capacity"][(institution, course)]
            self.highs.changeRowBounds(row, -self.highs.getInfinity(), float(value))

    # -- solving ---------------------------------------------------------------------------------------------
    def resolve(self, from_anchor: bool = True) -> LPResult:
        """Run HiGHS from the optimal basis of the fresh solve (``from_anchor``; else from the last one): the
        objective and its terms at the new optimum. Starting every re-solve from the same basis makes its result a
        function of the settings alone, not of the settings solved before (a degenerate LP has many optimal
        vertices: a sweep's points or a workspace's clicks must not depend on their order)."""
        import highspy

        if from_anchor:
            self.highs.clearSolver()  # no factor, edge weights or perturbation of an earlier run
            self.highs.setBasis(self.anchor)
        before = self.highs.getInfo().simplex_iteration_count
        t = time.perf_counter()
        self.highs.run()
        seconds = time.perf_counter() - t
        status = self.highs.getModelStatus()
        iterations = self.highs.getInfo().simplex_iteration_count
        iterations = iterations if iterations < before or before < 0 else iterations - before
        if status != highspy.HighsModelStatus.kOptimal:
            text = "infeasible" if status == highspy.HighsModelStatus.kInfeasible else \
                self.highs.modelStatusToString(status)
            return LPResult(text, float("nan"), {}, seconds, iterations)
        x = np.asarray(self.highs.getSolution().col_value)
        terms = {name: float(coef @ x) for name, coef in self.term_costs.items()}
        return LPResult("optimal", float(self.highs.getInfo().objective_function_value), terms, seconds, iterations)

    def write_back(self) -> None:
        """The optimum's values and duals into the PuLP variables and rows, as PuLP's HiGHS interface puts them
        after a solve (varValue, dj, pi, slack)."""
        solution = self.highs.getSolution()
        x, dj = list(solution.col_value), list(solution.col_dual)
        for var, value, reduced in zip(self.variables, x, dj, strict=True):
            var.varValue, var.dj = value, reduced
        row_value, row_dual = list(solution.row_value), list(solution.row_dual)
        for c, r in zip(self.constraints, self.row_index, strict=True):
            c.slack = c.constant + row_value[r]
            if c.sense == pulp.LpConstraintLE:
                c.slack *= -1.0
            c.pi = row_dual[r]

    def values(self) -> dict[str, np.ndarray]:
        """Values of the flow variables per family (y, w, v, q), in the model's key order."""
        x = np.asarray(self.highs.getSolution().col_value)
        return {f: x[cols] for f, cols in self.columns.items()}

    def approx_bytes(self) -> int:
        """A rough size of what is kept: the HiGHS matrix (values, indices), column/row vectors and factor, the
        PuLP model's variables, rows and their coefficient dictionaries (~110 bytes an entry, measured roughly)."""
        lp = self.highs.getLp()
        nnz = len(lp.a_matrix_.value_)
        highs = nnz * 12 + (lp.num_col_ + lp.num_row_) * 64 + self.n * 8 * (len(self.term_costs) + 1)
        return int(highs + nnz * 110 + self.n * 600 + len(self.constraints) * 400)


def _objective_settings(params) -> dict:
    """The settings the objective's coefficients are made of: equal settings, equal costs (no rebuild)."""
    return params.model_dump(include=set(OBJECTIVE_SETTINGS))


class ModelStore:
    """Solved models per key, least recently used dropped first, within ``max_models`` and ``max_bytes``."""

    def __init__(self, max_models: int = 4, max_bytes: int = 512 * 2**20):
        self.max_models, self.max_bytes = max_models, max_bytes
        self._items: OrderedDict[str, tuple[SolvedLP, int]] = OrderedDict()

    def get(self, key: str) -> SolvedLP | None:
        item = self._items.get(key)
        if item is None:
            return None
        self._items.move_to_end(key)
        return item[0]

    def put(self, key: str, solved: SolvedLP) -> None:
        self._items[key] = (solved, solved.approx_bytes())
        self._items.move_to_end(key)
        while len(self._items) > self.max_models or (len(self._items) > 1 and self.size() > self.max_bytes):
            self._items.popitem(last=False)

    def discard(self, key: str) -> None:
        """Forget a kept model (one whose last re-solve did not end at an optimum)."""
        self._items.pop(key, None)

    def size(self) -> int:
        return sum(b for _, b in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: str) -> bool:
        return key in self._items
