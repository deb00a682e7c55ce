"""Award simulation: who would win which lot, given the assumed quotes, without over-committing any school.

Each lot goes to its qualified, responsive schools in rank order. The procurement documents are assumed to
say (as training purchases commonly do) that no school is awarded more classes of a course than its
equipment can run in the year (R5–R7), less the classes it already runs outside these lots (its own
unsubsidised social training and the provincial projects' trainees the allocation gave it), and that a lot
too large for its first-ranked school is shared with the next-ranked ones (确定多家成交供应商, stated in
the documents). A lot is therefore split only when its first-ranked school lacks the capacity.

Model (z[l, s, k] ≥ 0 classes of course k of lot l to school s; short[l, k] ≥ 0 classes nobody can take):
    minimise   Σ (rank[l, s] − 1) / C[l] · z[l, s, k] + M · Σ short[l, k] / C[l]
    subject to Σ_s z[l, s, k] + short[l, k] = classes[l, k]        every lot l, course k      (lot_<l>_<k>)
               Σ_l z[l, s, k] ≤ available[s, k]                      every school s, course k   (cap_<s>_<k>)
with C[l] the lot's classes and M = schools + 1 (leaving a class unawarded costs more than any rank).
For each course this is a transportation problem (schools' available classes → lots' classes), whose
constraint matrix is totally unimodular: the LP's vertex solution is integral, so whole classes come out
without integer variables (checked after solving).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pulp

from optimizer.model.results import Solution
from optimizer.procurement.eligibility import lot_matrix
from optimizer.procurement.shortlist import ShortlistResult, _mix_matrix


class AwardSolveError(RuntimeError):
    """The award model did not solve to optimality."""


@dataclass
class AwardResult:
    awards: pd.DataFrame  # lot, school_code, school, course_code, course, trainees, classes, rank, cost_yuan…
    capacity: pd.DataFrame  # school × course: capacity, reserved, available, awarded, first-ranked demand
    unawarded: pd.DataFrame  # lot, short_classes: classes no qualified school can take
    over_committed: pd.DataFrame  # schools that would exceed capacity if every lot went to its first-ranked
    expected_cost_yuan: float  # Σ winners' quotes for the trainees they take
    ceiling_yuan: float  # Σ ceilings of the awarded trainees


def reserved_classes(result: ShortlistResult, solution: Solution) -> np.ndarray:
    """School × course classes used outside the lots: the allocation's load minus the subsidised quota trainees."""
    q = result.qualification
    s_at = {c: i for i, c in enumerate(q.schools["code"])}
    k_at = q.course_index()
    load = solution.institution_load
    load = load[load["institution_code"].isin(s_at)]
    used = np.zeros(q.sets.shape)
    used[load["institution_code"].map(s_at).to_numpy(), load["course_code"].map(k_at).to_numpy()] = load["used"]
    sub = result.demand.groupby(["school_code", "course_code"])["subsidised"].sum()
    procured = np.zeros(q.sets.shape)
    procured[[s_at[s] for s, _ in sub.index], [k_at[k] for _, k in sub.index]] = sub.to_numpy()
    size = q.courses["class_size"].to_numpy()[None, :]
    return np.ceil(np.maximum(used - procured, 0) / size).astype(int)


def simulate_awards(result: ShortlistResult, reserved: np.ndarray | None = None) -> AwardResult:
    """Solve the model above with PuLP (CBC); raise AwardSolveError unless optimal."""
    q = result.qualification
    lots = result.lots
    m = lot_matrix(q, lots)
    trainees = _mix_matrix(q, lots, m)
    classes = np.ceil(trainees / q.courses["class_size"].to_numpy()[None, :]).astype(int)
    reserved = np.zeros(q.sets.shape, int) if reserved is None else reserved
    available = np.maximum(q.capacity_classes - reserved, 0)
    s_at = {c: i for i, c in enumerate(q.schools["code"])}
    l_at = {c: i for i, c in enumerate(lots["lot"])}
    ranked = result.entries[result.entries["rank"].notna()]
    cand = list(zip(ranked["lot"].map(l_at), ranked["school_code"].map(s_at), ranked["rank"].astype(int),
                    strict=True))
    total = np.maximum(classes.sum(axis=1), 1)
    big = float(len(q.schools) + 1)
    prob = pulp.LpProblem("awards", pulp.LpMinimize)
    z, short, objective = {}, {}, []
    lot_rows: dict[tuple[int, int], list] = {}
    cap_rows: dict[tuple[int, int], list] = {}
    for i, k in zip(*np.nonzero(classes), strict=True):
        short[i, k] = pulp.LpVariable(f"short_{i}_{k}", 0)
        objective.append((short[i, k], big / total[i]))
        lot_rows[i, k] = [(short[i, k], 1.0)]
    for i, j, r in cand:
        for k in np.flatnonzero(classes[i]):
            v = z[i, j, k] = pulp.LpVariable(f"z_{i}_{j}_{k}", 0)
            objective.append((v, (r - 1) / total[i]))
            lot_rows[i, k].append((v, 1.0))
            cap_rows.setdefault((j, int(k)), []).append((v, 1.0))
    prob.setObjective(pulp.LpAffineExpression(objective))
    for (i, k), terms in lot_rows.items():
        prob.addConstraint(pulp.LpConstraint(pulp.LpAffineExpression(terms), pulp.LpConstraintEQ, f"lot_{i}_{k}",
                                             float(classes[i, k])))
    for (j, k), terms in cap_rows.items():
        prob.addConstraint(pulp.LpConstraint(pulp.LpAffineExpression(terms), pulp.LpConstraintLE, f"cap_{j}_{k}",
                                             float(available[j, k])))
    prob.solve(pulp.PULP_CBC_CMD(msg=False))
    if prob.sol_status != pulp.LpSolutionOptimal:
        raise AwardSolveError(f"award model: {pulp.LpStatus[prob.status]} (solution status {prob.sol_status})")
    values = {key: v.value() or 0.0 for key, v in z.items()}
    if any(abs(v - round(v)) > 1e-6 for v in values.values()):
        raise AwardSolveError("award model: the transportation LP returned fractional classes")
    won = {key: round(v) for key, v in values.items() if v > 0.5}
    return _tables(result, won, classes, trainees, available, reserved, ranked, l_at, s_at)


def _tables(result, won, classes, trainees, available, reserved, ranked, l_at, s_at) -> AwardResult:
    """Award rows (trainees given out in rank order, whole classes first), capacity use, the unchecked case."""
    q = result.qualification
    lots = result.lots
    size = q.courses["class_size"].to_numpy()
    codes, names = q.schools["code"].tolist(), q.schools["name"].tolist()
    k_codes, k_names = q.courses["code"].tolist(), q.courses["name"].tolist()
    rank_of = {(l_at[r.lot], s_at[r.school_code]): (int(r.rank), float(r.quote_yuan)) for r in ranked.itertuples()}
    rows = []
    awarded = np.zeros(available.shape, int)
    left = np.rint(trainees).astype(int)
    lot_trainees = np.maximum(left.sum(axis=1), 1)
    for (i, j, k), n in sorted(won.items(), key=lambda kv: (kv[0][0], kv[0][2], rank_of[kv[0][:2]][0])):
        rank, quote = rank_of[(i, j)]
        given = int(min(n * size[k], left[i, k]))
        left[i, k] -= given
        awarded[j, k] += n
        rows.append({"lot": lots["lot"].iloc[i], "school_code": codes[j], "school": names[j],
                     "course_code": k_codes[k], "course": k_names[k], "trainees": given, "classes": n, "rank": rank,
                     "cost_yuan": round(quote * given / lot_trainees[i], 2),
                     "ceiling_yuan": round(float(lots["ceiling_yuan"].iloc[i]) * given / lot_trainees[i], 2)})
    awards = pd.DataFrame(rows, columns=["lot", "school_code", "school", "course_code", "course", "trainees",
                                         "classes", "rank", "cost_yuan", "ceiling_yuan"])
    first = np.zeros(available.shape, int)  # every lot to its first-ranked school, no capacity check
    for (i, j), (rank, _) in rank_of.items():
        if rank == 1:
            first[j] += classes[i]
    js, ks = np.nonzero((q.capacity_classes > 0) | (awarded > 0) | (first > 0))
    capacity = pd.DataFrame({
        "school_code": [codes[j] for j in js], "school": [names[j] for j in js],
        "course_code": [k_codes[k] for k in ks], "course": [k_names[k] for k in ks],
        "capacity_classes": q.capacity_classes[js, ks], "reserved_classes": reserved[js, ks],
        "available_classes": available[js, ks], "awarded_classes": awarded[js, ks],
        "first_ranked_classes": first[js, ks]})
    over = capacity[capacity["first_ranked_classes"] > capacity["available_classes"]]
    over = over.assign(over_by=over["first_ranked_classes"] - over["available_classes"])
    unawarded = lots[["lot"]].assign(short_classes=[int(classes[i].sum()) for i in range(len(lots))])
    taken = awards.groupby("lot")["classes"].sum()
    unawarded["short_classes"] -= unawarded["lot"].map(taken).fillna(0).astype(int)
    unawarded = unawarded[unawarded["short_classes"] > 0]
    return AwardResult(awards, capacity, unawarded.reset_index(drop=True), over.reset_index(drop=True),
                       float(awards["cost_yuan"].sum()), float(awards["ceiling_yuan"].sum()))


def classes_of(trainees: int, size: int) -> int:
    """R5: classes for ``trainees`` at most ``size`` each."""
    return math.ceil(trainees / size) if trainees > 0 else 0
