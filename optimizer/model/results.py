"""Result tables and summary of a solved allocation: the ``Solution`` every later layer reads.

From the placed classes (or, without the class model, whole-person flow rows) it builds the school and project
allocation tables and the institution load with capacity prices; from the model it reads the duals and used
slacks by code (model.row_table, model.slack_table) and recomputes the objective's terms of the final plan;
``summary_of`` is summary.json's content and ``shadow_prices`` its shadow-price section.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pulp

from optimizer.model import report
from optimizer.model.diagnose import Diagnosis
from optimizer.model.lp import FLOW_FAMILIES, AllocationModel, balance_table
from optimizer.model.problem import AllocationProblem


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


def row_duals(model: AllocationModel) -> pd.DataFrame:
    """Shadow prices of the LP (yuan per trainee): the row table of the priced families with a ``dual`` column.
    Not unique: our LPs are degenerate."""
    rows = model.row_table
    rows = rows[rows["family"].isin(DUAL_FAMILIES)]
    duals = [c.pi for c in rows["constraint"]]
    rows = rows.drop(columns="constraint").assign(dual=[float(d) if d is not None else np.nan for d in duals])
    return rows[rows["dual"].notna()].reset_index(drop=True)


def result_tables(problem: AllocationProblem, classes: pd.DataFrame, duals: pd.DataFrame) -> Solution:
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


def summary_of(problem: AllocationProblem, sol: Solution, params, lp_objective: float, integer_objective: float,
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
