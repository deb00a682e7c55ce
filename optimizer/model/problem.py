"""The allocation problem as plain tables: derived once from ``PlanData`` and ``ModelParams``.

Everything the model, the pre-solve checks, the diagnosis and the verifier need is here, keyed by
stable codes and sorted, so that the same inputs in any row order give the same model.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from optimizer import rules
from optimizer.data.loader import PlanData
from optimizer.data.params import ModelParams

EARTH_RADIUS_KM = 6371.0088  # mean Earth radius (IUGG), for haversine distances


def capacity(equipment_sets: int, days_available: int, class_hours: int, max_class_size: int) -> int:
    """R5–R7: trainees a year = sets × ⌊days / ⌈hours / 8⌉⌋ × class size."""
    return int(equipment_sets) * (int(days_available) // rules.days_per_class(class_hours)) * int(max_class_size)


def class_slots(equipment_sets: int, days_available: int, class_hours: int) -> int:
    """R6, R7: classes a year of one (institution, course) = sets × ⌊days / ⌈hours / 8⌉⌋."""
    return int(equipment_sets) * (int(days_available) // rules.days_per_class(class_hours))


def quality_floors(targets: pd.DataFrame, params: ModelParams) -> pd.DataFrame:
    """Annex 1 columns 2 and 3 as floors on the schools' trainees placed in each prefecture, and the cap on
    培训合格证书 trainees (三(三)). Default share of a column: the schools' share of the prefecture's training,
    column 5 / column 1. Floors are whole persons (rounded up), the cap rounded down."""
    share = (targets["target"] / targets["col1"].where(targets["col1"] > 0, 1)).clip(upper=1.0)
    adv = share if params.advanced_floor is None else pd.Series(params.advanced_floor, index=targets.index)
    cert = share if params.certificate_floor is None else pd.Series(params.certificate_floor, index=targets.index)
    eps = 1e-9
    return targets.assign(
        advanced_share=adv.astype(float), certificate_share=cert.astype(float),
        advanced_need=[min(int(t), math.ceil(a * c - eps)) for a, c, t in zip(adv, targets["col3"], targets["target"],
                                                                               strict=True)],
        certificate_need=[min(int(t), math.ceil(a * c - eps)) for a, c, t in
                          zip(cert, targets["col2"], targets["target"], strict=True)],
        qualification_cap=[math.floor(params.qualification_cap * t + eps) for t in targets["target"]])


def haversine_km(lon1: np.ndarray, lat1: np.ndarray, lon2: np.ndarray, lat2: np.ndarray) -> np.ndarray:
    """Great-circle distance in km (vectorised)."""
    lon1, lat1, lon2, lat2 = map(np.radians, (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(a))


def debarred_on(debarments: pd.DataFrame, day: dt.date) -> set[str]:
    """R14: institutions whose exclusion (decision date + years) covers ``day``."""
    out = set()
    for r in debarments.itertuples():
        start = r.decision_date
        try:
            end = start.replace(year=start.year + int(r.years))
        except ValueError:  # 29 February + years lands on a non-leap year
            end = start.replace(year=start.year + int(r.years), day=28)
        if start <= day < end:
            out.add(r.institution)
    return out


@dataclass
class AllocationProblem:
    """Sets, parameters and allowed pairs of the allocation model, as tables."""

    params: ModelParams
    schools: pd.DataFrame  # code, name, quota, home_county, prefecture_adcode, active
    targets: pd.DataFrame  # prefecture, name, target (Annex 1 column 5, persons)
    counties: pd.DataFrame  # adcode, county, prefecture_adcode, lon, lat, indicator, share
    unit_plans: pd.DataFrame  # unit, name, prefecture, trainees (Annex 4 cells > 0)
    offers: pd.DataFrame  # institution, course, group, certificate_class, capacity, price, class_size, home_county…
    institutions: pd.DataFrame  # code, name, kind, home_county, is_school, active, subsidised
    courses: pd.DataFrame
    focus: pd.DataFrame  # prefecture, group, share
    unit_scope: pd.DataFrame  # unit, group
    unit_counties: dict[tuple[str, str], list[str]]
    distance: pd.DataFrame  # index home county, columns county adcode, km
    y_keys: pd.DataFrame  # school, county, prefecture: where a school trains (travel, band, locks)
    w_keys: pd.DataFrame  # school, prefecture, course: what it trains in each prefecture (price, capacity, mix)
    v_keys: pd.DataFrame  # unit, prefecture, course, institution: what a unit's trainees take, and where
    q_keys: pd.DataFrame  # unit, prefecture, institution, county: where an institution trains a unit's trainees
    names: dict[str, str]  # code → Chinese name, for result tables
    debarments: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["institution", "decision_date", "years"]))  # R14 decisions, for dates other than as_of
    # False for a re-plan: its tables are re-assembled around the done classes, so it needs whole persons only
    whole_classes: bool = True

    @property
    def total_quota(self) -> int:
        return int(self.schools.loc[self.schools["active"], "quota"].sum())


def effective_params(plan: PlanData, params: ModelParams | None) -> ModelParams:
    """The settings as the model uses them: R14 on the notice's own date unless a scenario says otherwise."""
    params = params or ModelParams()
    if params.as_of is None and plan.notice is not None:
        params = params.model_copy(update={"as_of": plan.notice.date})
    return params


def plannable_places(offers: pd.DataFrame, params: ModelParams) -> None:
    """Each offer's seats after the scenario's capacity changes (from its R5–R7 capacity in the ``capacity``
    column), and the places the plan may fill: at most class_fill of the seats, so that whole classes fit the
    class slots (R5–R7). In place."""
    offers["seats"] = apply_capacity_changes(offers, params.capacity_changes)
    offers["capacity"] = (offers["seats"] * params.class_fill + 1e-9).astype(int)


def with_settings(problem: AllocationProblem, plan: PlanData, params: ModelParams) -> AllocationProblem:
    """``problem`` under other settings of those a re-solve may change (model/resolve.py RESOLVABLE: certificate
    shares, weights, penalties, capacity changes, travel cost, time limit) — what ``build_problem(plan, params)``
    gives, without deriving the key tables again (the workspace's and sweep workers' re-solves). Of the tables,
    only the offers' seats and places depend on those settings."""
    offers = problem.offers.copy()
    offers["capacity"] = [capacity(*v) for v in zip(offers["equipment_sets"], offers["days_available"],
                                                     offers["class_hours"], offers["class_size"], strict=True)]
    plannable_places(offers, params)
    derived = replace(problem, params=effective_params(plan, params), offers=offers)
    # values made from the structure alone are shared (model/classes.py STRUCTURAL): the same key tables
    derived.__dict__["_structural"] = problem.__dict__.setdefault("_structural", {})
    return derived


def build_problem(plan: PlanData, params: ModelParams | None = None) -> AllocationProblem:
    """Derive the model's tables; no checks here beyond what the loader guaranteed."""
    params = effective_params(plan, params)
    blocked = debarred_on(plan.debarments, params.as_of) | set(params.excluded)

    inst = plan.institutions.rename(columns={"county_adcode": "home_county"}).sort_values("code")
    inst = inst.assign(active=~inst["code"].isin(blocked), subsidised=inst["platform_teachers"] > 0)
    inst = inst[["code", "name", "kind", "unit", "prefecture_adcode", "home_county", "is_school", "active",
                 "subsidised", "platform_teachers", "siyb_trainers", "filed"]].reset_index(drop=True)

    schools = plan.annex2.merge(inst, left_on="institution", right_on="code", how="left")
    schools = schools[["code", "name", "quota", "home_county", "prefecture_adcode", "active"]]
    schools = schools.sort_values("code").reset_index(drop=True)

    a1 = plan.annex1_persons()
    targets = a1[~a1["is_total"]][["prefecture", "col5", "col1", "col2", "col3"]].rename(columns={"col5": "target"})
    targets = targets.assign(name=[plan.prefecture_name(p) for p in targets["prefecture"]])
    targets = targets.sort_values("prefecture").reset_index(drop=True)[["prefecture", "name", "target", "col1",
                                                                        "col2", "col3"]]
    targets = quality_floors(targets, params)

    counties = plan.counties[["adcode", "county", "prefecture_adcode", "lon", "lat"]].copy()
    counties["indicator"] = plan.counties[params.indicator].astype(float)
    counties["population"] = plan.counties["population_2020"].astype(int)
    counties = counties.sort_values("adcode").reset_index(drop=True)
    totals = counties.groupby("prefecture_adcode")["indicator"].transform("sum")
    counties["share"] = np.where(totals > 0, counties["indicator"] / totals.where(totals > 0, 1), 0.0)

    courses = plan.courses.sort_values("code").reset_index(drop=True)
    offers = plan.offers.merge(courses[["code", "group", "certificate_class", "certificate_type", "advanced",
                                        "class_hours", "max_class_size"]],
                               left_on="course", right_on="code", how="left").drop(columns="code")
    offers["capacity"] = [capacity(*v) for v in zip(offers["equipment_sets"], offers["days_available"],
                                                     offers["class_hours"], offers["max_class_size"], strict=True)]
    offers["slots"] = [class_slots(a, d, h) for a, d, h in zip(offers["equipment_sets"], offers["days_available"],
                                                                 offers["class_hours"], strict=True)]
    offers = offers.merge(inst[["code", "home_county", "is_school", "active", "subsidised", "siyb_trainers", "filed",
                                "unit"]].rename(columns={"unit": "owner"}),
                          left_on="institution", right_on="code", how="left").drop(columns="code")
    # R16: entrepreneurship courses only where teachers hold the entrepreneurship-trainer certificate
    offers["siyb_ok"] = (offers["certificate_type"] != rules.ENTREPRENEURSHIP_TYPE) | (offers["siyb_trainers"] > 0)
    offers = offers.rename(columns={"price_per_trainee": "price", "max_class_size": "class_size"})
    offers = offers.sort_values(["institution", "course"]).reset_index(drop=True)
    plannable_places(offers, params)

    plans = plan.annex4[plan.annex4["trainees"] > 0][["unit", "prefecture", "trainees"]]
    plans = plans.sort_values(["unit", "prefecture"]).reset_index(drop=True)
    unit_names = dict(zip(plan.units["code"], plan.units["name"], strict=True))
    plans.insert(1, "name", plans["unit"].map(unit_names))

    focus = plan.focus[["prefecture_adcode", "group", "share"]].rename(columns={"prefecture_adcode": "prefecture"})
    focus = focus.sort_values(["prefecture", "group"]).reset_index(drop=True)
    scope = plan.unit_scope[["unit", "group"]].sort_values(["unit", "group"]).reset_index(drop=True)
    unit_counties: dict[tuple[str, str], list[str]] = {}
    for r in plan.unit_counties.sort_values(["unit", "prefecture_adcode", "county_adcode"]).itertuples():
        unit_counties.setdefault((r.unit, r.prefecture_adcode), []).append(r.county_adcode)

    homes = sorted(set(inst["home_county"]))
    seat = counties.set_index("adcode")
    h = seat.loc[homes]
    dist = haversine_km(h["lon"].to_numpy()[:, None], h["lat"].to_numpy()[:, None],
                        seat["lon"].to_numpy()[None, :], seat["lat"].to_numpy()[None, :])
    distance = pd.DataFrame(dist, index=homes, columns=seat.index)

    y_keys, w_keys = _school_pairs(schools, offers, counties)
    v_keys, q_keys = _unit_pairs(plans, offers, scope, counties, unit_counties)
    names = {**dict(zip(inst["code"], inst["name"], strict=True)), **unit_names,
             **dict(zip(courses["code"], courses["profession"] + "（" + courses["certificate_type"]
                        + courses["level"].fillna("").map(lambda s: f"·{s}" if s else "") + "）", strict=True)),
             **dict(zip(counties["adcode"], counties["county"], strict=True)),
             **dict(zip(targets["prefecture"], targets["name"], strict=True)),
             **dict(zip(plan.groups["code"], plan.groups["name"], strict=True))}
    return AllocationProblem(params, schools, targets, counties, plans, offers, inst, courses, focus, scope,
                             unit_counties, distance, y_keys, w_keys, v_keys, q_keys, names, plan.debarments.copy())


def province_of(adcode: str) -> str:
    """The province of a division code (its first two digits): schools serve their own province (R4)."""
    return str(adcode)[:2]


def _school_pairs(schools: pd.DataFrame, offers: pd.DataFrame, counties: pd.DataFrame):
    """y[s, c]: any county of the school's province (R4); w[s, p, k]: k among s's own offers (R3), any prefecture
    of its province. Active schools only."""
    active = schools[schools["active"]][["code", "home_county"]].rename(columns={"code": "school"})
    active = active.assign(_prov=active["home_county"].map(province_of))
    c = counties[["adcode", "prefecture_adcode"]].rename(
        columns={"adcode": "county", "prefecture_adcode": "prefecture"})
    c = c.assign(_prov=c["county"].map(province_of))
    y = active.merge(c, on="_prov")[["school", "county", "prefecture"]]
    y = y.sort_values(["school", "county"]).reset_index(drop=True)
    own = offers[offers["is_school"] & offers["active"] & offers["siyb_ok"]][["institution", "course"]].rename(
        columns={"institution": "school"})
    sp = y[["school", "prefecture"]].drop_duplicates()
    w = sp.merge(own, on="school")[["school", "prefecture", "course"]]
    return y, w.sort_values(["school", "prefecture", "course"]).reset_index(drop=True)


def _unit_pairs(plans: pd.DataFrame, offers: pd.DataFrame, scope: pd.DataFrame, counties: pd.DataFrame,
                unit_counties: dict[tuple[str, str], list[str]]):
    """v[u, p, k, i]: k in u's scope (R2) and in i's offers (R3); i the unit's own centre or filed (R11), active
    (R14) with platform-registered teachers (R15), entrepreneurship only with SIYB trainers (R16).
    q[u, p, i, c]: c in the Annex 4 prefecture and among u's counties there (R10)."""
    usable = offers[offers["active"] & offers["subsidised"] & offers["siyb_ok"]]
    usable = usable[["institution", "course", "group", "home_county", "filed", "owner"]]
    usable = usable.assign(_prov=usable["home_county"].map(province_of))
    by_unit = scope.merge(usable, on="group")
    by_unit = by_unit[by_unit["filed"].astype(bool) | (by_unit["owner"] == by_unit["unit"])]
    by_unit = by_unit[["unit", "course", "institution", "_prov"]]
    cells = plans[["unit", "prefecture"]].assign(_prov=plans["prefecture"].map(province_of))
    # a provincial project partners with the province's own institutions (R11), any of them (R4)
    v = cells.merge(by_unit, on=["unit", "_prov"])[["unit", "prefecture", "course", "institution"]]
    listed = pd.DataFrame([(u, p, c) for (u, p), cs in unit_counties.items() for c in cs],
                          columns=["unit", "prefecture", "county"])
    everywhere = cells.merge(listed[["unit", "prefecture"]].drop_duplicates(), how="left", indicator=True)
    everywhere = everywhere[everywhere["_merge"] == "left_only"][["unit", "prefecture"]]
    all_counties = counties[["adcode", "prefecture_adcode"]].rename(
        columns={"adcode": "county", "prefecture_adcode": "prefecture"})
    allowed = pd.concat([listed.merge(cells[["unit", "prefecture"]]), everywhere.merge(all_counties, on="prefecture")],
                        ignore_index=True)
    inst = v[["unit", "prefecture", "institution"]].drop_duplicates()
    q = inst.merge(allowed, on=["unit", "prefecture"])[["unit", "prefecture", "institution", "county"]]
    v_cols, q_cols = ["unit", "prefecture", "course", "institution"], ["unit", "prefecture", "institution", "county"]
    return (v[v_cols].sort_values(v_cols).reset_index(drop=True), q[q_cols].sort_values(q_cols).reset_index(drop=True))


def classes_needed(trainees: int, class_size: int) -> int:
    """Classes for ``trainees`` at most ``class_size`` each (R5)."""
    return math.ceil(trainees / class_size) if trainees > 0 else 0


def apply_capacity_changes(offers: pd.DataFrame, changes) -> pd.Series:
    """Capacity after a scenario's changes, in order: percent scales (rounded down), value replaces."""
    cap = offers["capacity"].astype(int).copy()
    for ch in changes:
        mask = offers["institution"] == ch.institution
        if ch.course:
            mask &= offers["course"] == ch.course
        if ch.group:
            mask &= offers["group"] == ch.group
        if ch.value is not None:
            cap[mask] = int(ch.value)
        else:
            cap[mask] = (cap[mask] * (100 + ch.percent) // 100).astype(int)
    return cap
