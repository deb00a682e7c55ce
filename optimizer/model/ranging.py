"""Sensitivity of the allocation LP (issue 20): shadow prices with the range over which each holds, cost ranges,
and re-solves of the LP relaxation with one right-hand side or price moved.

``lp_ranging(problem)`` builds the ``AllocationModel``, solves its LP with ``FastHiGHS`` and asks HiGHS for its
ranging (``Highs.getRanging()``: for every row the interval of its bound over which the optimal basis, and so the
row's dual, stays the same, with the objective at each end; for every column the interval of its cost over which
the basis stays optimal). It returns an ``LPRanging``: the rows and offers as keyed tables, the LP's values, and
``resolve_with(...)`` to move a row bound, an offer's price or an institution's columns and re-solve from the
optimal basis (``model/resolve.py``'s ``SolvedLP``), then put everything back.

Signs. The LP minimises; HiGHS's row dual is ∂objective/∂bound. ``shadow_price`` here is the yuan the objective
*falls* by per unit more of the row's bound: for a capacity row (≤) one more place; for a mix row the same per
trainee of its bound. Duals of a degenerate LP are not unique: the range is where this one holds.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from optimizer.model.lp import AllocationModel
from optimizer.model.problem import AllocationProblem
from optimizer.model.resolve import LPResult, SolvedLP

RANGED_FAMILIES = ("capacity", "mix", "quota", "target", "plan", "cert", "advanced", "certfloor", "qualcap")


@dataclass
class Change:
    """One change to re-solve with: row bounds by name, offer prices, or columns closed (upper bound 0)."""

    row_upper: dict[str, float] = field(default_factory=dict)
    row_lower: dict[str, float] = field(default_factory=dict)
    price: dict[tuple[str, str], float] = field(default_factory=dict)  # (institution, course) → new price
    closed: list[tuple[str, np.ndarray]] = field(default_factory=list)  # (family, positions) → bound 0


@dataclass
class Resolved:
    """A re-solve: its status, objective and the flows per county and per (school, county)."""

    result: LPResult
    county: pd.Series  # adcode → trainees (schools' y + units' q)
    school_county: pd.Series  # (school, county) → trainees (y)


class LPRanging:
    """The solved LP of one problem, its ranging tables and re-solves from its optimal basis."""

    def __init__(self, model: AllocationModel):
        self.model = model
        self.problem = model.problem
        self.solved = SolvedLP(model)
        highs = self.solved.highs
        self.objective = float(highs.getInfo().objective_function_value)
        _status, ranging = highs.getRanging()
        self.valid = bool(ranging.valid)
        solution = highs.getSolution()
        self.col_value = np.asarray(solution.col_value, dtype=float)
        self.col_cost = np.asarray(highs.getLp().col_cost_, dtype=float)
        self.cost_up = np.asarray(ranging.col_cost_up.value_, dtype=float)[: len(self.col_value)]
        self.cost_dn = np.asarray(ranging.col_cost_dn.value_, dtype=float)[: len(self.col_value)]
        self.rows = _row_table(model, solution, ranging, self.objective)
        lp = highs.getLp()  # copied once: bounds to restore after each change
        self.row_lower, self.row_upper = np.asarray(lp.row_lower_, float), np.asarray(lp.row_upper_, float)
        self.col_lower, self.col_upper = np.asarray(lp.col_lower_, float), np.asarray(lp.col_upper_, float)
        self.basis = highs.getBasis()  # every re-solve starts from the optimal basis, not the last re-solve's
        self.row_index = dict(zip(self.rows["name"], self.rows["index"], strict=True))
        self.values = {f: self.col_value[cols] for f, cols in self.solved.columns.items()}
        self.base = self._flows(self.col_value)

    # -- tables ------------------------------------------------------------------------------------------
    def offer_table(self) -> pd.DataFrame:
        """Per (institution, course) offer: trainees in the LP, the price, and the price interval over which the
        allocation stays optimal (each of its columns alone, HiGHS cost ranging)."""
        weight = float(self.problem.params.weights.cost)
        keys = self.model.keys
        parts = []
        for family, inst_col in (("w", "school"), ("v", "institution")):
            frame = keys[family]
            if frame.empty:
                continue
            cols = self.solved.columns[family]
            parts.append(pd.DataFrame({
                "institution": frame[inst_col].to_numpy(), "course": frame["course"].to_numpy(),
                "prefecture": frame["prefecture"].to_numpy(), "value": self.col_value[cols],
                "up": self.cost_up[cols] - self.col_cost[cols], "dn": self.col_cost[cols] - self.cost_dn[cols]}))
        cols = pd.concat(parts, ignore_index=True)
        grouped = cols.groupby(["institution", "course"])
        out = pd.DataFrame({"trainees": grouped["value"].sum(), "slack_up": grouped["up"].min(),
                            "slack_dn": grouped["dn"].min()}).reset_index()
        price = self.problem.offers.set_index(["institution", "course"])["price"]
        out["price"] = price.reindex(pd.MultiIndex.from_frame(out[["institution", "course"]])).to_numpy(float)
        scale = weight if weight > 0 else np.nan
        out["stable_low"] = out["price"] - out["slack_dn"] / scale
        out["stable_high"] = out["price"] + out["slack_up"] / scale
        return out.drop(columns=["slack_up", "slack_dn"])

    def trainees_by_prefecture(self) -> pd.DataFrame:
        """LP trainees per (institution, course, prefecture): where an offer's trainees are placed."""
        keys = self.model.keys
        parts = []
        for family, inst_col in (("w", "school"), ("v", "institution")):
            frame = keys[family]
            if not frame.empty:
                parts.append(pd.DataFrame({"institution": frame[inst_col].to_numpy(),
                                           "course": frame["course"].to_numpy(),
                                           "prefecture": frame["prefecture"].to_numpy(),
                                           "trainees": self.values[family]}))
        frame = pd.concat(parts, ignore_index=True)
        return frame.groupby(["institution", "course", "prefecture"], as_index=False)["trainees"].sum()

    # -- re-solves ---------------------------------------------------------------------------------------
    def resolve_with(self, change: Change) -> Resolved:
        """Apply ``change``, re-solve from the current basis, read the flows, then restore the model."""
        highs = self.solved.highs
        inf = highs.getInfinity()
        index = self.row_index
        saved_rows = {int(index[n]): (self.row_lower[int(index[n])], self.row_upper[int(index[n])])
                      for n in {*change.row_upper, *change.row_lower}}
        for name, value in change.row_upper.items():
            i = int(index[name])
            highs.changeRowBounds(i, saved_rows[i][0], float(value))
        for name, value in change.row_lower.items():
            i = int(index[name])
            upper = change.row_upper.get(name, saved_rows[i][1])
            highs.changeRowBounds(i, float(value) if value is not None else -inf, float(upper))
        cost_cols, new_cost = self._price_columns(change.price)
        if len(cost_cols):
            highs.changeColsCost(len(cost_cols), cost_cols, new_cost)
        closed = np.concatenate([self.solved.columns[f][pos] for f, pos in change.closed]).astype(np.int32) \
            if change.closed else np.zeros(0, dtype=np.int32)
        saved_upper, saved_lower = self.col_upper[closed], self.col_lower[closed]
        if len(closed):
            highs.changeColsBounds(len(closed), closed, np.zeros(len(closed)), np.zeros(len(closed)))
        highs.setBasis(self.basis)
        try:
            result = self.solved.resolve()
            x = np.asarray(highs.getSolution().col_value, dtype=float) if result.status == "optimal" else None
        finally:
            for i, (low, up) in saved_rows.items():
                highs.changeRowBounds(i, low, up)
            if len(cost_cols):
                highs.changeColsCost(len(cost_cols), cost_cols, self.col_cost[cost_cols])
            if len(closed):
                highs.changeColsBounds(len(closed), closed, saved_lower, saved_upper)
        county, school_county = self._flows(x) if x is not None else (pd.Series(dtype=float), pd.Series(dtype=float))
        return Resolved(result, county, school_county)

    def _price_columns(self, prices: Mapping[tuple[str, str], float]) -> tuple[np.ndarray, np.ndarray]:
        """Columns whose cost holds an offer's price, and their costs with the new price (ω_cost × Δprice added)."""
        if not prices:
            return np.zeros(0, dtype=np.int32), np.zeros(0)
        weight = float(self.problem.params.weights.cost)
        old = self.problem.offers.set_index(["institution", "course"])["price"]
        cols, costs = [], []
        for family, inst_col in (("w", "school"), ("v", "institution")):
            frame = self.model.keys[family]
            if frame.empty:
                continue
            pairs = list(zip(frame[inst_col], frame["course"], strict=True))
            for pos, pair in enumerate(pairs):
                if pair in prices:
                    j = int(self.solved.columns[family][pos])
                    cols.append(j)
                    costs.append(self.col_cost[j] + weight * (float(prices[pair]) - float(old[pair])))
        return np.asarray(cols, dtype=np.int32), np.asarray(costs, dtype=float)

    def _flows(self, x: np.ndarray) -> tuple[pd.Series, pd.Series]:
        """Trainees per county (y + q) and per (school, county) (y) at the column values ``x``."""
        keys = self.model.keys
        y = x[self.solved.columns["y"]]
        school_county = pd.Series(y, index=pd.MultiIndex.from_frame(keys["y"][["school", "county"]]))
        county = pd.Series(y, index=keys["y"]["county"].to_numpy()).groupby(level=0).sum()
        if not keys["q"].empty:
            q = pd.Series(x[self.solved.columns["q"]], index=keys["q"]["county"].to_numpy()).groupby(level=0).sum()
            county = county.add(q, fill_value=0.0)
        return county, school_county.groupby(level=[0, 1]).sum()


def _row_table(model: AllocationModel, solution, ranging, objective: float) -> pd.DataFrame:
    """Every ranged row: family, name, index, bounds, activity, dual, shadow price and the bound interval over
    which that dual holds (HiGHS row ranging), with the objective at each end."""
    records = []
    table = model.row_table  # keyed rows (issue 12): the label is a name for people, the codes identify the row
    table = table[table["family"].isin(RANGED_FAMILIES)]
    for family, kind, name, institution, course, prefecture, group, c in zip(
            table["family"], table["kind"], table["label"], table["institution"], table["course"],
            table["prefecture"], table["group"], table["constraint"], strict=True):
        i = c.index
        dual = float(solution.row_dual[i])
        records.append((family, kind, name, institution, course, prefecture, group, i, c.getLb(), c.getUb(),
                        float(solution.row_value[i]),
                        dual, -dual, float(ranging.row_bound_dn.value_[i]), float(ranging.row_bound_up.value_[i]),
                        float(ranging.row_bound_dn.objective_[i]) - objective,
                        float(ranging.row_bound_up.objective_[i]) - objective))
    return pd.DataFrame(records, columns=["family", "kind", "name", "institution", "course", "prefecture", "group",
                                          "index", "lower", "upper",
                                          "activity", "dual", "shadow_price", "holds_from", "holds_to",
                                          "objective_change_from", "objective_change_to"])


def lp_ranging(problem: AllocationProblem, time_limit: float | None = None) -> LPRanging:
    """Build and solve the LP relaxation of ``problem`` with HiGHS and compute its ranging. Raises
    ``RuntimeError`` when the LP has no optimum (there is nothing to range)."""
    from optimizer.model.solvers import make_solver

    model = AllocationModel(problem)
    model.lp.solve(make_solver("highs", time_limit or problem.params.time_limit))
    import pulp

    if model.lp.sol_status != pulp.LpSolutionOptimal:
        from optimizer.messages import msg

        raise RuntimeError(msg("diag.no_lp_optimum"))
    return LPRanging(model)
