"""The allocation LP, built with PuLP from the problem's tables.

Formulation (docs/model.md has the full text). The issue's variables x[s,c,k] and z[u,c,k,i] are stated in
two factors each, because price depends only on (institution, course) and travel only on (institution,
county): any split of a school's prefecture total over counties and courses is a transport problem with
equal totals, so the factored LP has the same optimum with a quarter of the variables::

    Variables y[s,c] ≥ 0      school s's own trainees in county c (c in s's province: R4)
              w[s,p,k] ≥ 0    … of them in prefecture p in course k (k ∈ offers(s): R3)
              v[u,p,k,i] ≥ 0  unit u's trainees of its Annex 4 cell in p, in course k at institution i
                              (k ∈ scope(u) ∩ offers(i): R2, R3, R11; i not debarred: R14; platform teachers: R15)
              q[u,p,i,c] ≥ 0  … of them trained by i in county c (c ∈ C(p) ∩ counties(u,p): R10)
              b⁻[c], b⁺[c], m⁻[p,g], m⁺[p,g] ≥ 0  band and mix slack
    (0) link       Σ_{c∈C(p)} y[s,c] = Σ_k w[s,p,k];   Σ_c q[u,p,i,c] = Σ_k v[u,p,k,i]
    (1) quota      Σ_c y[s,c] = q_s                        (R9; or ≥, or within ±band)
    (2) target     Σ_{s, c∈C(p)} y[s,c] = T_p              (Annex 1 column 5)
    (3) plan       Σ_{k,i} v[u,p,k,i] = a_{u,p}            (Annex 4, R10)
    (4) cert       Σ_{k certificate-class} v[u,·,k,·] ≥ ρ_u Σ_p a_{u,p}   (R1)
    (5) capacity   Σ_p w[i,p,k] + Σ_{u,p} v[u,p,k,i] ≤ cap[i,k]       (R5–R7)
    (6) balance    Σ_s y[s,c] − d1⁺ − d2⁺ − b⁺ + d1⁻ + d2⁻ + b⁻ = n_c = round(w_c T_p), d1 ≤ ⌈θ w_c T_p⌉ (cost κ1),
                   d2 up to the band ⌊(1−δ) w_c T_p⌋ … ⌈(1+δ) w_c T_p⌉ (cost κ2), b beyond the band (π_b)
    (7) mix        ⌊(f_{p,g} − τ) T_p⌋ − m⁻ ≤ Σ_{s,k∈g} w[s,p,k] ≤ ⌈(f_{p,g} + τ) T_p⌉ + m⁺
    (8) locks      L ≤ Σ_{c∈area} y[s,c] ≤ U   (scenario: school s must / must not serve an area)
    (9) quality    Σ_{s,k advanced} w[s,p,k] ≥ A_p;  Σ_{s,k certificate-class} w[s,p,k] ≥ C_p  (Annex 1 cols 3, 2);
                   Σ_{s,k 培训合格证书} w[s,p,k] ≤ ⌊cap · T_p⌋  (三(三))
    min  ω_cost Σ price·(w + v) + ω_travel κ Σ km·(y + q) + ω_band π_b Σ(b⁻+b⁺) + ω_mix π_m Σ(m⁻+m⁺)
         + ω_balance Σ (κ1 (d1⁺+d1⁻) + κ2 (d2⁺+d2⁻))

Solver names are ASCII, built from codes only (``y_s01_c530102``): CBC through an LP file reads Chinese
names as all-zero "Optimal" solutions. They are labels, never read back: every row, slack and (in the
elastic model) violation variable is recorded with its codes in a table (``row_table``, ``slack_table``,
``violation_table``), and every module that needs a row or a slack by what it stands for looks it up there
by key (issue 12, item 5). tests/test_keyed_tables.py solves with every solver name replaced by an opaque id.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pulp

from optimizer import rules
from optimizer.model.problem import AllocationProblem

QUALIFICATION_TYPE = rules.QUALIFICATION_CERTIFICATE_TYPE  # 三(三)

try:  # PuLP 3.3 warns on every variable about its v4 API; the warning costs seconds at scale
    from pulp import v4_migration

    v4_migration.set_v4_migration_warnings(False)
except ImportError:  # pragma: no cover - other PuLP versions
    pass

FLOW_FAMILIES = ("y", "w", "v", "q")
ROW_KEYS = ("school", "unit", "institution", "course", "adcode", "prefecture", "group", "lock", "area")
# which objective term each slack family belongs to, and the ModelParams field that prices one unit of it
SLACK_KINDS = {"bandhi": ("band", "band_penalty"), "bandlo": ("band", "band_penalty"),
               "mixlo": ("mix", "mix_penalty"), "mixhi": ("mix", "mix_penalty"),
               "dev1p": ("balance", "balance_cost_inner"), "dev1m": ("balance", "balance_cost_inner"),
               "dev2p": ("balance", "balance_cost_outer"), "dev2m": ("balance", "balance_cost_outer")}
KEY_COLUMNS = {"y": ["school", "county"], "w": ["school", "prefecture", "course"],
               "v": ["unit", "prefecture", "course", "institution"],
               "q": ["unit", "prefecture", "institution", "county"]}


@dataclass
class Bounds:
    """Optional per-variable bounds (rounding pass): family → position → (low, high, integer)."""

    by_family: dict[str, dict[int, tuple[float, float | None, bool]]] = field(default_factory=dict)


class AllocationModel:
    """One PuLP model of an ``AllocationProblem``; see the module docstring for the formulation."""

    HARD_FAMILIES = ("quota", "target", "plan", "cert", "capacity", "lock", "advanced", "certfloor", "qualcap")

    def __init__(self, problem: AllocationProblem, bounds: Bounds | None = None, elastic: bool = False):
        """``elastic``: give every hard row a penalised slack and minimise total violation (diagnosis)."""
        self.problem = problem
        self.elastic = elastic
        self._violations: list[tuple] = []  # (family, kind, direction, label, keys, variable)
        self.lp = pulp.LpProblem("yunnan_allocation", pulp.LpMinimize)
        keys = self.keys = {"y": problem.y_keys, "w": problem.w_keys, "v": problem.v_keys, "q": problem.q_keys}
        b = bounds.by_family if bounds else {}
        self.vars = {f: _variables(f, keys[f], KEY_COLUMNS[f], b.get(f, {})) for f in FLOW_FAMILIES}
        apply_floors(self.vars, keys)  # issue 18 re-plan: what is done stays (no-op without a floor column)
        self._slacks: list[tuple] = []  # (term, kind, label, keys, variable, penalty field)
        self._rows: list[tuple] = []  # (family, kind, label, keys, constraint)
        self._tables: dict[str, pd.DataFrame] = {}
        self.terms: dict[str, pulp.LpAffineExpression] = {}
        offers = problem.offers.set_index(["institution", "course"])["price"]
        self.price = {"w": offers.reindex(pd.MultiIndex.from_arrays([keys["w"]["school"], keys["w"]["course"]]))
                      .to_numpy(float),
                      "v": offers.reindex(pd.MultiIndex.from_arrays([keys["v"]["institution"], keys["v"]["course"]]))
                      .to_numpy(float)}
        home = problem.institutions.set_index("code")["home_county"]
        self.km = {"y": _km(problem, keys["y"]["school"].map(home), keys["y"]["county"]),
                   "q": _km(problem, keys["q"]["institution"].map(home), keys["q"]["county"])}
        self.build()

    @property
    def flow(self) -> list[pulp.LpVariable]:
        return [v for f in FLOW_FAMILIES for v in self.vars[f]]

    def build(self) -> None:
        """Variables (in __init__) → constraints → objective."""
        self.define_link_constraints()
        self.define_quota_constraints()
        self.define_target_constraints()
        self.define_plan_constraints()
        self.define_certificate_constraints()
        self.define_capacity_constraints()
        self.define_band_constraints()
        self.define_mix_constraints()
        self.define_lock_constraints()
        self.define_quality_constraints()
        self.define_change_terms()
        self.define_objective()

    # -- helpers -----------------------------------------------------------------------------------------
    def _add(self, family: str, kind: str, keys: dict[str, object], pairs: list[tuple[pulp.LpVariable, float]],
             sense: int, rhs: float, label: str | None = None) -> None:
        """Add one row of ``family`` (``kind`` tells its side: quota / quota_hi, mix_lo / mix_hi …), recorded with
        its codes ``keys``; its solver name is a label (by default the kind and the codes), never read back."""
        label = label or kind + "".join(f"_{_TAGS.get(k, '')}{v}" for k, v in keys.items())
        if self.elastic and family in self.HARD_FAMILIES:
            if sense in (pulp.LpConstraintGE, pulp.LpConstraintEQ):
                pairs = [*pairs, (self._violation(family, kind, "under", label, keys), 1.0)]
            if sense in (pulp.LpConstraintLE, pulp.LpConstraintEQ):
                pairs = [*pairs, (self._violation(family, kind, "over", label, keys), -1.0)]
        constraint = pulp.LpConstraint(pulp.LpAffineExpression(pairs), sense, label, rhs)
        self.lp.addConstraint(constraint, label)
        self._rows.append((family, kind, label, keys, constraint))
        self._tables.pop("rows", None)

    def _violation(self, family: str, kind: str, direction: str, label: str, keys: dict) -> pulp.LpVariable:
        var = pulp.LpVariable(f"{direction}_{label}", lowBound=0)
        self._violations.append((family, kind, direction, label, keys, var))
        return var

    def _slack(self, kind: str, keys: dict[str, object], up: float | None = None) -> pulp.LpVariable:
        """A penalised slack of ``kind`` (see SLACK_KINDS), recorded with its codes."""
        label = kind + "".join(f"_{_TAGS.get(k, '')}{v}" for k, v in keys.items())
        var = pulp.LpVariable(label, lowBound=0, upBound=up)
        term, penalty = SLACK_KINDS[kind]
        self._slacks.append((term, kind, label, keys, var, penalty))
        return var

    # -- keyed tables ------------------------------------------------------------------------------------
    @property
    def row_table(self) -> pd.DataFrame:
        """Every row: family, kind, the codes (columns of ROW_KEYS, "" where a row has none), label, constraint."""
        if "rows" not in self._tables:
            self._tables["rows"] = _keyed(self._rows, ["family", "kind", "label"], "constraint")
        return self._tables["rows"]

    @property
    def slack_table(self) -> pd.DataFrame:
        """Every penalised slack: term (band, mix, balance), kind, codes, label, variable, penalty (yuan/unit)."""
        if "slacks" not in self._tables:
            p = self.problem.params
            table = _keyed([(t, k, lab, keys, var) for t, k, lab, keys, var, _ in self._slacks],
                           ["term", "kind", "label"], "variable")
            table["penalty"] = [float(getattr(p, field)) for *_, field in self._slacks]
            self._tables["slacks"] = table
        return self._tables["slacks"]

    @property
    def violation_table(self) -> pd.DataFrame:
        """Elastic model only: every violation variable with its row's family, kind, codes and direction."""
        if "violations" not in self._tables:
            self._tables["violations"] = _keyed([(f, k, d, lab, keys, var) for f, k, d, lab, keys, var
                                                 in self._violations], ["family", "kind", "direction", "label"],
                                                "variable")
        return self._tables["violations"]

    def rows_of(self, family: str) -> list[pulp.LpConstraint]:
        """The constraints of one family, in the order they were added."""
        return [c for f, *_, c in self._rows if f == family]

    def row_lookup(self, family: str, *columns: str) -> dict:
        """{codes → constraint} of one family, keyed by one column's code or a tuple of several."""
        out = {}
        for f, _, _, keys, c in self._rows:
            if f == family:
                out[keys[columns[0]] if len(columns) == 1 else tuple(keys[k] for k in columns)] = c
        return out

    @property
    def slack_variables(self) -> list[pulp.LpVariable]:
        return [var for *_, var, _ in self._slacks]

    def _groups(self, family: str, by: str | list[str]) -> dict:
        """Row positions of ``family``'s variables per key (a value for one column, a tuple for several)."""
        return self.keys[family].groupby(by).indices

    def _pairs(self, family: str, positions, coef: float = 1.0) -> list[tuple[pulp.LpVariable, float]]:
        vs = self.vars[family]
        return [(vs[i], coef) for i in positions]

    # -- constraint families -----------------------------------------------------------------------------
    def define_link_constraints(self) -> None:
        """(0) a school's county and course totals agree per prefecture; likewise per unit cell and institution."""
        yg = self._groups("y", ["school", "prefecture"])
        for (s, p), idx in self._groups("w", ["school", "prefecture"]).items():
            self._add("link", "link", {"school": s, "prefecture": p},
                      self._pairs("y", yg.get((s, p), [])) + self._pairs("w", idx, -1.0), pulp.LpConstraintEQ, 0)
        qg = self._groups("q", ["unit", "prefecture", "institution"])
        for (u, p, i), idx in self._groups("v", ["unit", "prefecture", "institution"]).items():
            self._add("link", "link", {"unit": u, "prefecture": p, "institution": i},
                      self._pairs("q", qg.get((u, p, i), [])) + self._pairs("v", idx, -1.0), pulp.LpConstraintEQ, 0)

    def define_quota_constraints(self) -> None:
        """(1) Σ_c y[s,c] = q_s (or ≥ q_s, or within q_s(1 ± band))."""
        p = self.problem.params
        groups = self._groups("y", "school")
        for s in self.problem.schools[self.problem.schools["active"]].itertuples():
            pairs = self._pairs("y", groups.get(s.code, []))
            if p.quota_mode == "eq":
                self._add("quota", "quota", {"school": s.code}, pairs, pulp.LpConstraintEQ, s.quota)
            else:
                low = s.quota if p.quota_mode == "ge" else s.quota * (1 - p.quota_band)
                self._add("quota", "quota", {"school": s.code}, pairs, pulp.LpConstraintGE, low)
                if p.quota_mode == "band":
                    self._add("quota", "quota_hi", {"school": s.code}, pairs, pulp.LpConstraintLE,
                              s.quota * (1 + p.quota_band))

    def define_target_constraints(self) -> None:
        """(2) Σ_{s,c∈C(p)} y = T_p (Annex 1 column 5)."""
        groups = self._groups("y", "prefecture")
        for t in self.problem.targets.itertuples():
            pairs = self._pairs("y", groups.get(t.prefecture, []))
            self._add("target", "target", {"prefecture": t.prefecture}, pairs, pulp.LpConstraintEQ, t.target)

    def define_plan_constraints(self) -> None:
        """(3) Σ_{k,i} v[u,p,k,i] = a_{u,p} (Annex 4)."""
        groups = self._groups("v", ["unit", "prefecture"])
        for r in self.problem.unit_plans.itertuples():
            pairs = self._pairs("v", groups.get((r.unit, r.prefecture), []))
            self._add("plan", "plan", {"unit": r.unit, "prefecture": r.prefecture}, pairs, pulp.LpConstraintEQ,
                      r.trainees)

    def define_certificate_constraints(self) -> None:
        """(4) Σ certificate-class v[u,…] ≥ ρ_u · Σ_p a_{u,p} (R1)."""
        cert = set(self.problem.courses.loc[self.problem.courses["certificate_class"], "code"])
        keys = self.keys["v"]
        mask = keys["course"].isin(cert).to_numpy()
        totals = self.problem.unit_plans.groupby("unit")["trainees"].sum()
        for unit, total in totals.items():
            positions = np.flatnonzero(mask & (keys["unit"] == unit).to_numpy())
            rho = self.problem.params.cert_share_of(unit)
            self._add("cert", "cert", {"unit": unit}, self._pairs("v", positions), pulp.LpConstraintGE,
                      rho * float(total))

    def define_capacity_constraints(self) -> None:
        """(5) own quota plus every unit's trainees at (i, k) ≤ cap[i, k] (R5–R7)."""
        wg = self._groups("w", ["school", "course"])
        vg = self._groups("v", ["institution", "course"])
        for o in self.problem.offers.itertuples():
            pairs = self._pairs("w", wg.get((o.institution, o.course), []))
            pairs += self._pairs("v", vg.get((o.institution, o.course), []))
            if pairs:
                self._add("capacity", "cap", {"institution": o.institution, "course": o.course}, pairs,
                          pulp.LpConstraintLE, o.capacity)

    def define_band_constraints(self) -> None:
        """(6) a county's tech-school trainees around its indicator share: a piecewise-linear cost of the deviation,
        cheap within ±θ, dearer up to the band (1 ± δ), penalised beyond it."""
        groups = self._groups("y", "county")
        for c in balance_table(self.problem).itertuples():
            pairs = self._pairs("y", groups.get(c.adcode, []))
            key = {"adcode": c.adcode}
            pairs += [(self._slack("dev1p", key, c.inner_up), -1.0),
                      (self._slack("dev2p", key, c.outer_up), -1.0),
                      (self._slack("bandhi", key), -1.0),
                      (self._slack("dev1m", key, c.inner_down), 1.0),
                      (self._slack("dev2m", key, c.outer_down), 1.0)]
            if c.low > 0:
                pairs.append((self._slack("bandlo", key), 1.0))
            self._add("band", "band", key, pairs, pulp.LpConstraintEQ, c.center)

    def define_mix_constraints(self) -> None:
        """(7) each profession group's share of T_p within f_{p,g} ± τ."""
        tau = self.problem.params.mix_tolerance
        group_of = self.problem.courses.set_index("code")["group"]
        keys = self.keys["w"]
        groups = pd.DataFrame({"p": keys["prefecture"], "g": keys["course"].map(group_of)}).groupby(["p", "g"]).indices
        focus = {(r.prefecture, r.group): r.share for r in self.problem.focus.itertuples()}
        for t in self.problem.targets.itertuples():
            present = {g for (p, g) in groups if p == t.prefecture} | {g for (p, g) in focus if p == t.prefecture}
            for g in sorted(present):
                pairs = self._pairs("w", groups.get((t.prefecture, g), []))
                share = focus.get((t.prefecture, g), 0.0)
                low, high = math.floor((share - tau) * t.target), math.ceil((share + tau) * t.target)
                key = {"prefecture": t.prefecture, "group": g}
                if low > 0:
                    self._add("mix", "mix_lo", key, [*pairs, (self._slack("mixlo", key), 1.0)],
                              pulp.LpConstraintGE, low)
                if pairs:
                    self._add("mix", "mix_hi", key, [*pairs, (self._slack("mixhi", key), -1.0)],
                              pulp.LpConstraintLE, high)

    def define_lock_constraints(self) -> None:
        """(8) scenario locks: at least / at most N of school s's quota in a prefecture or county."""
        keys = self.keys["y"]
        for n, lock in enumerate(self.problem.params.locks):
            mask = (keys["school"] == lock.school) & ((keys["county"] == lock.area) | (keys["prefecture"] == lock.area))
            pairs = self._pairs("y", np.flatnonzero(mask.to_numpy()))
            key = {"lock": n, "school": lock.school, "area": lock.area}
            if lock.at_least is not None:
                self._add("lock", "lock_min", key, pairs, pulp.LpConstraintGE, lock.at_least,
                          f"lock{n}_min_{lock.school}_a{lock.area}")
            if lock.at_most is not None:
                self._add("lock", "lock_max", key, pairs, pulp.LpConstraintLE, lock.at_most,
                          f"lock{n}_max_{lock.school}_a{lock.area}")

    def define_quality_constraints(self) -> None:
        """(9) Annex 1 columns 3 and 2: the schools' advanced and certificate-class trainees placed in each
        prefecture reach their floors; 培训合格证书 trainees stay under the cap (三(三))."""
        courses = self.problem.courses.set_index("code")
        keys = self.keys["w"]
        kinds = {"advanced": courses["advanced"].astype(bool), "certfloor": courses["certificate_class"].astype(bool),
                 "qualcap": courses["certificate_type"] == QUALIFICATION_TYPE}
        for family, flag in kinds.items():
            mask = keys["course"].map(flag).fillna(False).to_numpy(bool)
            groups = keys[mask].groupby("prefecture").indices
            rows = keys.index[mask]
            for t in self.problem.targets.itertuples():
                pairs = self._pairs("w", rows[groups[t.prefecture]] if t.prefecture in groups else [])
                key = {"prefecture": t.prefecture}
                if family == "advanced" and t.advanced_need > 0:
                    self._add(family, "adv", key, pairs, pulp.LpConstraintGE, t.advanced_need)
                elif family == "certfloor" and t.certificate_need > 0:
                    self._add(family, "certfl", key, pairs, pulp.LpConstraintGE, t.certificate_need)
                elif family == "qualcap" and pairs:
                    self._add(family, "qual", key, pairs, pulp.LpConstraintLE, t.qualification_cap)

    def define_change_terms(self) -> None:
        """Re-plan (issue 18): every county flow (y, q) that carries the original plan's value (ANCHOR_COLUMN) gets
        |x − planned| = up + down, priced at replan_change_cost a trainee: the re-plan changes a county's or an
        institution's total only where the records, the capacity left or a county band force it (without it the
        LP's other optima moved trainees in over a hundred counties for a dozen each). No anchor: no term."""
        cost = float(self.problem.params.replan_change_cost)
        pairs: list[tuple[pulp.LpVariable, float]] = []
        for f in ("y", "q"):
            frame = self.keys[f]
            if ANCHOR_COLUMN not in frame.columns:
                continue
            for i, (var, planned) in enumerate(zip(self.vars[f], frame[ANCHOR_COLUMN].to_numpy(float), strict=True)):
                up, down = pulp.LpVariable(f"chgup_{f}{i}", lowBound=0), pulp.LpVariable(f"chgdn_{f}{i}", lowBound=0)
                row = pulp.LpAffineExpression([(var, 1.0), (up, -1.0), (down, 1.0)])
                self.lp.addConstraint(pulp.LpConstraint(row, pulp.LpConstraintEQ, f"chg_{f}{i}", float(planned)))
                pairs += [(up, cost), (down, cost)]
        if pairs:
            self.terms["change"] = pulp.LpAffineExpression(pairs)

    def define_objective(self) -> None:
        """Weighted sum of cost, travel, band and mix terms; each term kept for reporting."""
        p = self.problem.params
        kappa = p.travel_cost_per_km
        self.terms["cost"] = pulp.LpAffineExpression(
            [(v, float(c)) for f in ("w", "v") for v, c in zip(self.vars[f], self.price[f], strict=True)])
        self.terms["travel"] = pulp.LpAffineExpression(
            [(v, float(km) * kappa) for f in ("y", "q") for v, km in zip(self.vars[f], self.km[f], strict=True)
             if km > 0])
        for term in ("band", "mix", "balance"):  # slacks priced by their kind (slack_table), in creation order
            self.terms[term] = pulp.LpAffineExpression(
                [(var, float(getattr(p, field))) for t, _, _, _, var, field in self._slacks if t == term])
        if self.elastic:  # diagnosis: only the amount of violation matters
            self.lp.setObjective(pulp.LpAffineExpression([(v[-1], 1.0) for v in self._violations]))
            return
        weights = p.weights.model_dump()
        objective = pulp.LpAffineExpression()
        for name, term in self.terms.items():
            weight = weights.get(name, 1.0)  # the re-plan's change term has no weight setting
            if weight:
                objective.addInPlace(term * weight)
        self.lp.setObjective(objective)


_TAGS = {"adcode": "c", "prefecture": "p"}  # label prefixes of codes (labels only)


def _keyed(records: list[tuple], leading: list[str], last: str) -> pd.DataFrame:
    """A table of ``records`` (leading fields…, keys dict, last object): one column per ROW_KEYS code."""
    n = len(leading)
    frame = pd.DataFrame([r[:n] for r in records], columns=leading)
    for column in ROW_KEYS:
        frame[column] = [r[n].get(column, "") for r in records]
    frame[last] = [r[n + 1] for r in records]
    return frame


def balance_table(problem: AllocationProblem) -> pd.DataFrame:
    """Per county: the centre n_c = round(w_c T_p), the band limits and the widths of the cost segments (6)."""
    p = problem.params
    target = problem.targets.set_index("prefecture")["target"]
    rows = []
    for c in problem.counties.itertuples():
        if c.prefecture_adcode not in target.index:
            continue
        ideal = c.share * float(target[c.prefecture_adcode])
        low, high = math.floor((1 - p.band_delta) * ideal), math.ceil((1 + p.band_delta) * ideal)
        center = min(max(round(ideal), low), high)
        inner = math.ceil(p.balance_inner * ideal - 1e-9)
        inner_up, inner_down = min(inner, high - center), min(inner, center - low)
        rows.append((c.adcode, c.prefecture_adcode, ideal, center, low, high, inner_up, high - center - inner_up,
                     inner_down, center - low - inner_down))
    return pd.DataFrame(rows, columns=["adcode", "prefecture", "ideal", "center", "low", "high", "inner_up",
                                       "outer_up", "inner_down", "outer_down"])


def _variables(prefix: str, keys: pd.DataFrame, columns: list[str],
               bounds: dict[int, tuple[float, float | None, bool]]) -> list[pulp.LpVariable]:
    """One variable per allowed key row; names from codes only."""
    tags = {"county": "c", "prefecture": "p"}
    if keys.empty:
        return []
    # names joined on plain Python strings (pandas' string columns are slow to iterate element by element)
    parts = [[tags.get(c, "") + str(v) for v in keys[c].to_numpy(dtype=object)] for c in columns]
    names = ["_".join(t) for t in zip(*parts, strict=True)]
    out = []
    for i, name in enumerate(names):
        if i in bounds:
            low, high, integer = bounds[i]
            out.append(pulp.LpVariable(f"{prefix}_{name}", lowBound=low, upBound=high,
                                       cat=pulp.LpInteger if integer else pulp.LpContinuous))
        else:
            out.append(pulp.LpVariable(f"{prefix}_{name}", lowBound=0))
    return out


def _km(problem: AllocationProblem, homes: pd.Series, counties: pd.Series) -> np.ndarray:
    """Distance from each row's institution home county to its training county."""
    dist = problem.distance
    if len(homes) == 0:
        return np.zeros(0)
    return dist.to_numpy()[dist.index.get_indexer(homes), dist.columns.get_indexer(counties)]


# -- issue 18 (re-plan): lower bounds carried by the key tables ------------------------------------------------
FLOOR_COLUMN = "floor"
ANCHOR_COLUMN = "planned"  # re-plan: the original plan's value of a county flow (y, q); define_change_terms


def apply_floors(variables: dict[str, list[pulp.LpVariable]], keys: dict[str, pd.DataFrame]) -> None:
    """A key table's optional ``floor`` column is a whole-person lower bound on its variables: the trainees of
    classes done or in training when a plan is re-made (optimizer/tracking/replan.py). Kept in the key tables
    so that decomposition and diagnosis, which filter those tables, carry the bounds along."""
    for family, frame in keys.items():
        if FLOOR_COLUMN not in frame.columns:
            continue
        for var, low in zip(variables[family], frame[FLOOR_COLUMN].to_numpy(), strict=True):
            if low > 0:
                var.lowBound = max(float(low), var.lowBound or 0.0)

