"""The allocation LP, built with PuLP from the problem's tables.

Formulation (docs/model.md has the full text)::

    Sets      S schools (Annex 2), U units (Annex 4), P prefectures, C(p) counties, K courses,
              I institutions, G profession groups.
    Variables x[s,c,k] ≥ 0  school s's own quota trained in county c in course k (k ∈ offers(s): R3; any c: R4)
              z[u,c,k,i] ≥ 0  unit u's trainees in county c in course k delivered by institution i
                              (c ∈ C(p) ∩ counties(u,p): R10; k ∈ scope(u) ∩ offers(i): R2, R3, R11;
                               i not debarred: R14; i with platform teachers: R15)
              b⁻[c], b⁺[c], m⁻[p,g], m⁺[p,g] ≥ 0  band and mix slack
    (1) quota      Σ_{c,k} x[s,c,k] = q_s                    (R9; or ≥, or within ±band)
    (2) target     Σ_{s,c∈C(p),k} x[s,c,k] = T_p             (Annex 1 column 5)
    (3) plan       Σ_{c∈C(p),k,i} z[u,c,k,i] = a_{u,p}       (Annex 4, R10)
    (4) cert       Σ_{k certificate-class} z[u,·,k,·] ≥ ρ_u Σ_p a_{u,p}   (R1)
    (5) capacity   Σ_c x[i,c,k] + Σ_{u,c} z[u,c,k,i] ≤ cap[i,k]         (R5–R7)
    (6) band       (1−δ) w_c T_p − b⁻[c] ≤ Σ_{s,k} x[s,c,k] ≤ (1+δ) w_c T_p + b⁺[c]
    (7) mix        (f_{p,g} − τ) T_p − m⁻ ≤ Σ_{s,c∈C(p),k∈g} x ≤ (f_{p,g} + τ) T_p + m⁺
    (8) locks      L ≤ Σ_{c∈area,k} x[s,c,k] ≤ U   (scenario: school s must / must not serve an area)
    min  ω_cost Σ price·(x+z) + ω_travel κ Σ km·(x+z) + ω_band π_b Σ(b⁻+b⁺) + ω_mix π_m Σ(m⁻+m⁺)

Solver names are ASCII, built from codes only (``x_s01_c530102_k11``): CBC through an LP file reads
Chinese names as all-zero "Optimal" solutions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pulp

from optimizer.problem import AllocationProblem

try:  # PuLP 3.3 warns on every variable about its v4 API; the warning costs seconds at scale
    from pulp import v4_migration

    v4_migration.set_v4_migration_warnings(False)
except ImportError:  # pragma: no cover - other PuLP versions
    pass


@dataclass
class Bounds:
    """Optional per-variable bounds for the rounding pass: positions → (low, high, integer)."""

    x: dict[int, tuple[float, float, bool]] = field(default_factory=dict)
    z: dict[int, tuple[float, float, bool]] = field(default_factory=dict)


class AllocationModel:
    """One PuLP model of an ``AllocationProblem``; see the module docstring for the formulation."""

    HARD_FAMILIES = ("quota", "target", "plan", "cert", "capacity", "lock")

    def __init__(self, problem: AllocationProblem, bounds: Bounds | None = None, elastic: bool = False):
        """``elastic``: give every hard row a penalised slack and minimise total violation (diagnosis)."""
        self.problem = problem
        self.elastic = elastic
        self.violation: dict[str, pulp.LpVariable] = {}
        self.lp = pulp.LpProblem("yunnan_allocation", pulp.LpMinimize)
        self.x = _variables("x", problem.x_keys, ["school", "county", "course"], bounds.x if bounds else {})
        self.z = _variables("z", problem.z_keys, ["unit", "county", "course", "institution"],
                            bounds.z if bounds else {})
        self.slack: dict[str, pulp.LpVariable] = {}
        self.constraints: dict[str, dict[str, pulp.LpConstraint]] = {}
        self.terms: dict[str, pulp.LpAffineExpression] = {}
        self.x_price, self.x_km = _arc_data(problem, problem.x_keys.rename(columns={"school": "institution"}))
        self.z_price, self.z_km = _arc_data(problem, problem.z_keys)
        self.build()

    def build(self) -> None:
        """Check → variables (in __init__) → constraints → objective."""
        self.define_quota_constraints()
        self.define_target_constraints()
        self.define_plan_constraints()
        self.define_certificate_constraints()
        self.define_capacity_constraints()
        self.define_band_constraints()
        self.define_mix_constraints()
        self.define_lock_constraints()
        self.define_objective()

    # -- constraint families -------------------------------------------------------------------------
    def _add(self, family: str, name: str, pairs: list[tuple[pulp.LpVariable, float]], sense: int,
             rhs: float) -> None:
        if self.elastic and family in self.HARD_FAMILIES:
            if sense in (pulp.LpConstraintGE, pulp.LpConstraintEQ):
                pairs = [*pairs, (self._violation(f"under_{name}"), 1.0)]
            if sense in (pulp.LpConstraintLE, pulp.LpConstraintEQ):
                pairs = [*pairs, (self._violation(f"over_{name}"), -1.0)]
        expr = pulp.LpAffineExpression(pairs)
        constraint = pulp.LpConstraint(expr, sense, name, rhs)
        self.lp.addConstraint(constraint, name)
        self.constraints.setdefault(family, {})[name] = constraint

    def _violation(self, name: str) -> pulp.LpVariable:
        var = pulp.LpVariable(name, lowBound=0)
        self.violation[name] = var
        return var

    def _slack(self, name: str) -> pulp.LpVariable:
        var = pulp.LpVariable(name, lowBound=0)
        self.slack[name] = var
        return var

    def define_quota_constraints(self) -> None:
        """(1) Σ_{c,k} x[s,c,k] = q_s (or ≥ q_s, or within q_s(1 ± band))."""
        p = self.problem.params
        groups = self.problem.x_keys.groupby("school").indices
        for s in self.problem.schools[self.problem.schools["active"]].itertuples():
            pairs = [(self.x[i], 1.0) for i in groups.get(s.code, [])]
            if p.quota_mode == "eq":
                self._add("quota", f"quota_{s.code}", pairs, pulp.LpConstraintEQ, s.quota)
            else:
                low = s.quota if p.quota_mode == "ge" else s.quota * (1 - p.quota_band)
                self._add("quota", f"quota_{s.code}", pairs, pulp.LpConstraintGE, low)
                if p.quota_mode == "band":
                    self._add("quota", f"quota_hi_{s.code}", pairs, pulp.LpConstraintLE, s.quota * (1 + p.quota_band))

    def define_target_constraints(self) -> None:
        """(2) Σ_{s,c∈C(p),k} x = T_p (Annex 1 column 5)."""
        pref_of = self.problem.counties.set_index("adcode")["prefecture_adcode"]
        prefecture = self.problem.x_keys["county"].map(pref_of)
        groups = prefecture.groupby(prefecture).indices
        for t in self.problem.targets.itertuples():
            pairs = [(self.x[i], 1.0) for i in groups.get(t.prefecture, [])]
            self._add("target", f"target_p{t.prefecture}", pairs, pulp.LpConstraintEQ, t.target)

    def define_plan_constraints(self) -> None:
        """(3) Σ_{c∈C(p),k,i} z[u,c,k,i] = a_{u,p} (Annex 4)."""
        groups = self.problem.z_keys.groupby(["unit", "prefecture"]).indices
        for r in self.problem.unit_plans.itertuples():
            pairs = [(self.z[i], 1.0) for i in groups.get((r.unit, r.prefecture), [])]
            self._add("plan", f"plan_{r.unit}_p{r.prefecture}", pairs, pulp.LpConstraintEQ, r.trainees)

    def define_certificate_constraints(self) -> None:
        """(4) Σ certificate-class z[u,…] ≥ ρ_u · Σ_p a_{u,p} (R1)."""
        cert = set(self.problem.courses.loc[self.problem.courses["certificate_class"], "code"])
        keys = self.problem.z_keys
        groups = keys[keys["course"].isin(cert)].groupby("unit").indices
        positions = np.flatnonzero(keys["course"].isin(cert).to_numpy())
        totals = self.problem.unit_plans.groupby("unit")["trainees"].sum()
        for unit, total in totals.items():
            pairs = [(self.z[positions[i]], 1.0) for i in groups.get(unit, [])]
            rho = self.problem.params.cert_share_of(unit)
            self._add("cert", f"cert_{unit}", pairs, pulp.LpConstraintGE, rho * float(total))

    def define_capacity_constraints(self) -> None:
        """(5) own quota plus every unit's trainees at (i, k) ≤ cap[i, k] (R5–R7)."""
        xg = self.problem.x_keys.groupby(["school", "course"]).indices
        zg = self.problem.z_keys.groupby(["institution", "course"]).indices
        for o in self.problem.offers.itertuples():
            pairs = [(self.x[i], 1.0) for i in xg.get((o.institution, o.course), [])]
            pairs += [(self.z[i], 1.0) for i in zg.get((o.institution, o.course), [])]
            if pairs:
                self._add("capacity", f"cap_{o.institution}_{o.course}", pairs, pulp.LpConstraintLE, o.capacity)

    def define_band_constraints(self) -> None:
        """(6) county share of its prefecture's tech-school trainees within (1 ± δ) × indicator share."""
        delta = self.problem.params.band_delta
        target = self.problem.targets.set_index("prefecture")["target"]
        groups = self.problem.x_keys.groupby("county").indices
        for c in self.problem.counties.itertuples():
            t = float(target.get(c.prefecture_adcode, 0))
            pairs = [(self.x[i], 1.0) for i in groups.get(c.adcode, [])]
            # whole-person bounds, so a rounded allocation can meet the band without slack
            low, high = math.floor((1 - delta) * c.share * t), math.ceil((1 + delta) * c.share * t)
            if low > 0:
                self._add("band", f"band_lo_c{c.adcode}", [*pairs, (self._slack(f"bandlo_c{c.adcode}"), 1.0)],
                          pulp.LpConstraintGE, low)
            self._add("band", f"band_hi_c{c.adcode}", [*pairs, (self._slack(f"bandhi_c{c.adcode}"), -1.0)],
                      pulp.LpConstraintLE, high)

    def define_mix_constraints(self) -> None:
        """(7) each profession group's share of T_p within f_{p,g} ± τ."""
        tau = self.problem.params.mix_tolerance
        pref_of = self.problem.counties.set_index("adcode")["prefecture_adcode"]
        group_of = self.problem.courses.set_index("code")["group"]
        keys = pd.DataFrame({"p": self.problem.x_keys["county"].map(pref_of),
                             "g": self.problem.x_keys["course"].map(group_of)})
        groups = keys.groupby(["p", "g"]).indices
        focus = {(r.prefecture, r.group): r.share for r in self.problem.focus.itertuples()}
        for t in self.problem.targets.itertuples():
            present = {g for (p, g) in groups if p == t.prefecture} | {g for (p, g) in focus if p == t.prefecture}
            for g in sorted(present):
                pairs = [(self.x[i], 1.0) for i in groups.get((t.prefecture, g), [])]
                share = focus.get((t.prefecture, g), 0.0)
                low, high = math.floor((share - tau) * t.target), math.ceil((share + tau) * t.target)
                if low > 0:
                    self._add("mix", f"mix_lo_p{t.prefecture}_{g}",
                              [*pairs, (self._slack(f"mixlo_p{t.prefecture}_{g}"), 1.0)], pulp.LpConstraintGE, low)
                if pairs:
                    self._add("mix", f"mix_hi_p{t.prefecture}_{g}",
                              [*pairs, (self._slack(f"mixhi_p{t.prefecture}_{g}"), -1.0)], pulp.LpConstraintLE, high)

    def define_lock_constraints(self) -> None:
        """(8) scenario locks: at least / at most N of school s's quota in a prefecture or county."""
        locks = self.problem.params.locks
        if not locks:
            return
        pref_of = self.problem.counties.set_index("adcode")["prefecture_adcode"]
        keys = self.problem.x_keys
        prefecture = keys["county"].map(pref_of)
        for n, lock in enumerate(locks):
            mask = (keys["school"] == lock.school) & ((keys["county"] == lock.area) | (prefecture == lock.area))
            pairs = [(self.x[i], 1.0) for i in np.flatnonzero(mask.to_numpy())]
            if lock.at_least is not None:
                self._add("lock", f"lock{n}_min_{lock.school}_a{lock.area}", pairs, pulp.LpConstraintGE, lock.at_least)
            if lock.at_most is not None:
                self._add("lock", f"lock{n}_max_{lock.school}_a{lock.area}", pairs, pulp.LpConstraintLE, lock.at_most)

    def define_objective(self) -> None:
        """Weighted sum of cost, travel, band and mix terms; each term kept for reporting."""
        p = self.problem.params
        xs, zs = self.x, self.z
        self.terms["cost"] = pulp.LpAffineExpression(
            [(v, float(c)) for v, c in zip(xs, self.x_price, strict=True)]
            + [(v, float(c)) for v, c in zip(zs, self.z_price, strict=True)])
        self.terms["travel"] = pulp.LpAffineExpression(
            [(v, float(km) * p.travel_cost_per_km) for v, km in zip(xs, self.x_km, strict=True) if km > 0]
            + [(v, float(km) * p.travel_cost_per_km) for v, km in zip(zs, self.z_km, strict=True) if km > 0])
        self.terms["band"] = pulp.LpAffineExpression(
            [(v, p.band_penalty) for n, v in self.slack.items() if n.startswith("band")])
        self.terms["mix"] = pulp.LpAffineExpression(
            [(v, p.mix_penalty) for n, v in self.slack.items() if n.startswith("mix")])
        if self.elastic:  # diagnosis: only the amount of violation matters
            self.lp.setObjective(pulp.LpAffineExpression([(v, 1.0) for v in self.violation.values()]))
            return
        weights = p.weights.model_dump()
        objective = pulp.LpAffineExpression()
        for name, term in self.terms.items():
            if weights[name]:
                objective.addInPlace(term * weights[name])
        self.lp.setObjective(objective)


def _variables(prefix: str, keys: pd.DataFrame, columns: list[str],
               bounds: dict[int, tuple[float, float, bool]]) -> list[pulp.LpVariable]:
    """One variable per allowed key row; names from codes only."""
    tags = {"county": "c", "prefecture": "p"}
    parts = [tags.get(c, "") + keys[c].astype(str) for c in columns]
    names = parts[0].str.cat(parts[1:], sep="_") if len(parts) > 1 else parts[0]
    out = []
    for i, name in enumerate(names):
        if i in bounds:
            low, high, integer = bounds[i]
            out.append(pulp.LpVariable(f"{prefix}_{name}", lowBound=low, upBound=high,
                                       cat=pulp.LpInteger if integer else pulp.LpContinuous))
        else:
            out.append(pulp.LpVariable(f"{prefix}_{name}", lowBound=0))
    return out


def _arc_data(problem: AllocationProblem, keys: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Price per trainee and km from the institution's home county to the training county, per key row."""
    offers = problem.offers.set_index(["institution", "course"])
    price = offers["price"].reindex(pd.MultiIndex.from_frame(keys[["institution", "course"]])).to_numpy(float)
    home = offers["home_county"].reindex(pd.MultiIndex.from_frame(keys[["institution", "course"]])).to_numpy()
    dist = problem.distance
    rows = dist.index.get_indexer(home)
    cols = dist.columns.get_indexer(keys["county"])
    km = dist.to_numpy()[rows, cols]
    return price, km
