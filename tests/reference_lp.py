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
    # R16 and R11 restated here from the raw columns, so a model that drops them disagrees with this LP
    inst = problem.institutions.set_index("code")
    ctype = problem.courses.set_index("code")["certificate_type"]
    xk = xk[(xk["course"].map(ctype) != "创业培训") | (xk["school"].map(inst["siyb_trainers"]) > 0)]
    zk = zk[(zk["course"].map(ctype) != "创业培训") | (zk["institution"].map(inst["siyb_trainers"]) > 0)]
    zk = zk[zk["institution"].map(inst["filed"]).astype(bool) | (zk["institution"].map(inst["unit"]) == zk["unit"])]
    return (xk[["school", "county", "course"]].reset_index(drop=True),
            zk[["unit", "prefecture", "county", "course", "institution"]].reset_index(drop=True))


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
    # county balance (docs/model.md (6)): deviation from n_c = round(ideal) split into an inner segment (±⌈θ·ideal⌉,
    # capped by the band), an outer segment up to the band limits ⌊(1−δ)ideal⌋ / ⌈(1+δ)ideal⌉, and penalised slack
    band_cost = p.weights.band * p.band_penalty
    inner_cost, outer_cost = p.weights.balance * p.balance_cost_inner, p.weights.balance * p.balance_cost_outer
    bounds: list[tuple[float, float | None]] = []

    def bounded_slack(cost: float, up: float | None) -> int:
        bounds.append((0, up))
        return new_slack(cost)

    for cty in problem.counties.itertuples():
        t = float(target.get(cty.prefecture_adcode, 0))
        ideal = cty.share * t
        low, high = math.floor((1 - p.band_delta) * ideal), math.ceil((1 + p.band_delta) * ideal)
        centre = min(max(round(ideal), low), high)
        inner = math.ceil(p.balance_inner * ideal - 1e-9)
        up1, down1 = min(inner, high - centre), min(inner, centre - low)
        row = {i: 1.0 for i, r in enumerate(xk.itertuples()) if r.county == cty.adcode}
        row[bounded_slack(inner_cost, up1)] = -1.0
        row[bounded_slack(outer_cost, high - centre - up1)] = -1.0
        row[bounded_slack(band_cost, None)] = -1.0
        row[bounded_slack(inner_cost, down1)] = 1.0
        row[bounded_slack(outer_cost, centre - low - down1)] = 1.0
        if low > 0:
            row[bounded_slack(band_cost, None)] = 1.0
        eq_rows.append(row)
        eq_rhs.append(centre)
    # Annex 1 columns 3 and 2 (floors on the schools' trainees placed in a prefecture), 培训合格证书 cap (三(三))
    a1 = problem.targets.set_index("prefecture")
    ctype = problem.courses.set_index("code")["certificate_type"]
    level = problem.courses.set_index("code")["level"]
    for prefecture, r in a1.iterrows():
        default = min(1.0, r["target"] / r["col1"]) if r["col1"] else 1.0
        adv = default if p.advanced_floor is None else p.advanced_floor
        crt = default if p.certificate_floor is None else p.certificate_floor
        here = [(i, q.course) for i, q in enumerate(xk.itertuples()) if pref[q.county] == prefecture]
        need_adv = min(int(r["target"]), math.ceil(adv * r["col3"] - 1e-9))
        need_crt = min(int(r["target"]), math.ceil(crt * r["col2"] - 1e-9))
        if need_adv > 0:
            ub_rows.append({i: -1.0 for i, k in here if cert[k] and level[k] in ("三级", "二级", "一级")})
            ub_rhs.append(-need_adv)
        if need_crt > 0:
            ub_rows.append({i: -1.0 for i, k in here if cert[k]})
            ub_rhs.append(-need_crt)
        qual = {i: 1.0 for i, k in here if ctype[k] == "培训合格证书"}
        if qual:
            ub_rows.append(qual)
            ub_rhs.append(math.floor(p.qualification_cap * r["target"] + 1e-9))
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
                row[bounded_slack(mix_cost, None)] = -1.0
                ub_rows.append(row)
                ub_rhs.append(-low)
            if cols:
                row = {i: 1.0 for i in cols}
                row[bounded_slack(mix_cost, None)] = -1.0
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
                     bounds=[(0, None)] * (nx_ + nz) + bounds, method="highs")
    if result.status == 2:
        return "infeasible", None
    if result.status != 0:
        return "failed", None
    return "optimal", float(result.fun)
