"""Re-solve a solved allocation LP after a setting change, without rebuilding it (issue 19, item 1).

A workspace user who moves ρ, a weight or one school's capacity changes a handful of numbers in an LP of
~29,000 columns; rebuilding the PuLP model and handing it to HiGHS again costs more than solving it. This module
keeps the ``highspy.Highs`` object that ``FastHiGHS`` filled (``lp.solverModel``) and changes, in place:

- ``set_cert_share({unit: ρ})``      the lower bound of row ``cert_<unit>`` (R1: Σ cert-class v ≥ ρ · A_u);
- ``set_weights({term: ω})``         the objective coefficients, Σ_term ω_term · (the term's coefficients);
- ``set_capacity({(i, k): places})`` the upper bound of row ``cap_<i>_<k>`` (R5–R7);

then ``resolve()`` runs HiGHS again. HiGHS keeps the optimal basis of the last run and a bound, right-hand side
or cost change leaves it valid, so the simplex starts there (a hot start: primal simplex after a cost change,
dual simplex after a bound change) instead of from a slack basis with presolve.

The interface is deliberately narrow so it can be ported to another model: what it needs from the model is
the solved ``Highs`` object, each PuLP variable's ``index`` and each row's ``index`` (both set by
``FastHiGHS.buildSolverModel``), the row names above, the objective terms (``model.terms``: term → PuLP
expression without weights) and the unit totals (``problem.unit_plans``). Nothing here touches PuLP values: a
caller that wants the rounding and the result tables writes ``values()`` back itself.

``ModelStore`` keeps solved models per key (an input_id of everything except the settings changed here) in
bounded memory: at most ``max_models`` and an estimate of ``max_bytes``, least recently used dropped first.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from optimizer.model.lp import FLOW_FAMILIES, AllocationModel


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
        self.problem = model.problem
        self.columns = {f: np.array([v.index for v in model.vars[f]], dtype=np.int64) for f in FLOW_FAMILIES}
        self.n = int(highs.getNumCol())
        self.term_costs = {name: self._coefficients(expr) for name, expr in model.terms.items()}
        self.weights = dict(model.problem.params.weights.model_dump())
        # HiGHS row indices by code, from the model's row table: {unit: row} and {(institution, course): row}
        self.rows = {"cert": {u: c.index for u, c in model.row_lookup("cert", "unit").items()},
                     "capacity": {k: c.index for k, c in model.row_lookup("capacity", "institution", "course").items()}}
        self.unit_totals = {u: float(t) for u, t in model.problem.unit_plans.groupby("unit")["trainees"].sum().items()}

    def _coefficients(self, expr) -> np.ndarray:
        out = np.zeros(self.n)
        for var, coef in expr.items():
            out[var.index] += coef
        return out

    # -- changes ---------------------------------------------------------------------------------------------
    def set_cert_share(self, shares: Mapping[str, float]) -> None:
        """R1 for the given units: Σ certificate-class trainees ≥ ρ_u · (the unit's Annex 4 total)."""
        for unit, rho in shares.items():
            if not 0 <= rho <= 1:
                raise ValueError(f"cert share of {unit} must be within 0..1, got {rho}")
            row = self.rows["cert"][unit]
            self.highs.changeRowBounds(row, rho * self.unit_totals[unit], self.highs.getInfinity())

    def set_weights(self, weights: Mapping[str, float]) -> None:
        """Objective weights of the terms (cost, travel, band, mix); terms not named keep their weight."""
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
        """Places of (institution, course) offers: the capacity row's upper bound (R5–R7)."""
        for (institution, course), value in places.items():
            if value < 0:
                raise ValueError(f"capacity of {institution} {course} must not be negative")
            row = self.rows["capacity"][(institution, course)]
            self.highs.changeRowBounds(row, -self.highs.getInfinity(), float(value))

    # -- solving ---------------------------------------------------------------------------------------------
    def resolve(self) -> LPResult:
        """Run HiGHS from the current basis; the objective and its terms at the new optimum."""
        import highspy

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

    def values(self) -> dict[str, np.ndarray]:
        """Values of the flow variables per family (y, w, v, q), in the model's key order."""
        x = np.asarray(self.highs.getSolution().col_value)
        return {f: x[cols] for f, cols in self.columns.items()}

    def approx_bytes(self) -> int:
        """A rough size of what is kept: the HiGHS matrix (values, indices) and column/row vectors, the term
        coefficient arrays here."""
        lp = self.highs.getLp()
        nnz = len(lp.a_matrix_.value_)
        return int(nnz * 12 + (lp.num_col_ + lp.num_row_) * 64 + self.n * 8 * (len(self.term_costs) + 1))


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

    def size(self) -> int:
        return sum(b for _, b in self._items.values())

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: str) -> bool:
        return key in self._items
