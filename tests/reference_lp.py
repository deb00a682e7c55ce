"""A second, independent implementation of the allocation LP, in matrix form for scipy.optimize.linprog.

Written from the formulation in docs/model.md, using only the problem's tables (not the PuLP model), so
that the differential test compares two implementations solved by two interfaces.
"""

from __future__ import annotations

import math

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import coo_matrix

from optimizer.model.problem import AllocationProblem


def full_keys(problem: AllocationProblem):
    """The issue's own variables: x[s,c,k] (school, county, course), z[u,c,k,i] (unit, prefecture, county,
    course, institution), every allowed combination — not the factored y/w, v/q of the model."""
    courses_of = problem.w_keys[["school", "course"]].drop_duplicates()
    xk = problem.y_keys[["school", "county"]].merge(courses_of, on="school")
    zk = problem.q_keys.merge(problem.v_keys, on=["unit", "prefecture", "institution"])
    return xk[["school", "county", "course"]], zk[["unit", "prefecture", "county", "course", "institution"]]


def solve_reference(problem: AllocationProblem) -> tuple[str, float | None]:
    p = problem.params
    xk, zk = full_keys(problem)
    nx_, nz = len(xk), len(zk)
    pref = problem.counties.set_index("adcode")["prefecture_adcode"]
    group = problem.courses.set_index("code")["group"]
    cert = problem.courses.set_index("code")["certificate_class"]
    offers = problem.offers.set_index(["institution", "course"])
    target = problem.targets.set_index("prefecture")["target"]

    # objective coefficients of x and z
    def arc_cost(inst, course, county):
        o = offers.loc[(inst, course)]
        km = problem.distance.loc[o["home_county"], county]
        return p.weights.cost * o["price"] + p.weights.travel * p.travel_cost_per_km * km

    c = [arc_cost(r.school, r.course, r.county) for r in xk.itertuples()]
    c += [arc_cost(r.institution, r.course, r.county) for r in zk.itertuples()]
    eq_rows, eq_rhs, ub_rows, ub_rhs = [], [], [], []
    slack_cost: list[float] = []

    def new_slack(cost: float) -> int:
        slack_cost.append(cost)
        return nx_ + nz + len(slack_cost) - 1

    for s in problem.schools[problem.schools["active"]].itertuples():
        cols = [i for i, r in enumerate(xk.itertuples()) if r.school == s.code]
        if p.quota_mode == "eq":
            eq_rows.append({i: 1.0 for i in cols})
            eq_rhs.append(s.quota)
        else:
            low = s.quota if p.quota_mode == "ge" else s.quota * (1 - p.quota_band)
            ub_rows.append({i: -1.0 for i in cols})
            ub_rhs.append(-low)
            if p.quota_mode == "band":
                ub_rows.append({i: 1.0 for i in cols})
                ub_rhs.append(s.quota * (1 + p.quota_band))
    for prefecture, t in target.items():
        eq_rows.append({i: 1.0 for i, r in enumerate(xk.itertuples()) if pref[r.county] == prefecture})
        eq_rhs.append(t)
    for r in problem.unit_plans.itertuples():
        eq_rows.append({nx_ + j: 1.0 for j, q in enumerate(zk.itertuples())
                        if q.unit == r.unit and q.prefecture == r.prefecture})
        eq_rhs.append(r.trainees)
    for unit, total in problem.unit_plans.groupby("unit")["trainees"].sum().items():
        ub_rows.append({nx_ + j: -1.0 for j, q in enumerate(zk.itertuples()) if q.unit == unit and cert[q.course]})
        ub_rhs.append(-p.cert_share_of(unit) * total)
    for (inst, course), o in offers.iterrows():
        row = {i: 1.0 for i, r in enumerate(xk.itertuples()) if r.school == inst and r.course == course}
        row.update({nx_ + j: 1.0 for j, q in enumerate(zk.itertuples())
                    if q.institution == inst and q.course == course})
        if row:
            ub_rows.append(row)
            ub_rhs.append(o["capacity"])
    band_cost = p.weights.band * p.band_penalty
    for cty in problem.counties.itertuples():
        t = float(target.get(cty.prefecture_adcode, 0))
        cols = [i for i, r in enumerate(xk.itertuples()) if r.county == cty.adcode]
        low = math.floor((1 - p.band_delta) * cty.share * t)
        high = math.ceil((1 + p.band_delta) * cty.share * t)
        if low > 0:
            row = {i: -1.0 for i in cols}
            row[new_slack(band_cost)] = -1.0
            ub_rows.append(row)
            ub_rhs.append(-low)
        row = {i: 1.0 for i in cols}
        row[new_slack(band_cost)] = -1.0
        ub_rows.append(row)
        ub_rhs.append(high)
    mix_cost = p.weights.mix * p.mix_penalty
    focus = {(r.prefecture, r.group): r.share for r in problem.focus.itertuples()}
    for prefecture, t in target.items():
        groups = {group[r.course] for r in xk.itertuples() if pref[r.county] == prefecture}
        groups |= {g for (pp, g) in focus if pp == prefecture}
        for g in sorted(groups):
            cols = [i for i, r in enumerate(xk.itertuples()) if pref[r.county] == prefecture and group[r.course] == g]
            share = focus.get((prefecture, g), 0.0)
            low = math.floor((share - p.mix_tolerance) * t)
            high = math.ceil((share + p.mix_tolerance) * t)
            if low > 0:
                row = {i: -1.0 for i in cols}
                row[new_slack(mix_cost)] = -1.0
                ub_rows.append(row)
                ub_rhs.append(-low)
            if cols:
                row = {i: 1.0 for i in cols}
                row[new_slack(mix_cost)] = -1.0
                ub_rows.append(row)
                ub_rhs.append(high)
    n = nx_ + nz + len(slack_cost)
    cost = np.array(c + slack_cost, dtype=float)

    def matrix(rows):
        r, cidx, v = [], [], []
        for k, row in enumerate(rows):
            for j, a in row.items():
                r.append(k)
                cidx.append(j)
                v.append(a)
        return coo_matrix((v, (r, cidx)), shape=(len(rows), n)).tocsr()

    result = linprog(cost, A_ub=matrix(ub_rows) if ub_rows else None, b_ub=ub_rhs or None,
                     A_eq=matrix(eq_rows) if eq_rows else None, b_eq=eq_rhs or None,
                     bounds=(0, None), method="highs")
    if result.status == 2:
        return "infeasible", None
    if result.status != 0:
        return "failed", None
    return "optimal", float(result.fun)
