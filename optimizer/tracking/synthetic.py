"""Plausible actual training records from a solved plan, reproducibly (a seed), for demos and tests.

Each allocation row is cut into classes of at most the course's class size (R5). Each (institution, course)
runs its classes in a sequence through the year and has started, by the as-of date, the share of them the
elapsed working days call for — more for a few schools that are *ahead* (which also train some classes
beyond their plan, in another county), and never fewer than the
capacity left after the as-of date forces (so a re-plan stays feasible); the classes of a few *behind*
counties come last in every sequence, so those counties lag. A few classes of filed training institutions
are *outside the plan* (programme ``other``). Finished classes certify most trainees; unit classes, most
school classes and the outside ones claim a subsidy a few days after they end, approved after 5–45 working
days (some later than the 30 of 三(九), some still pending).
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd

from optimizer import rules
from optimizer.data.loader import PlanData
from optimizer.model.problem import AllocationProblem
from optimizer.model.results import Solution
from optimizer.tracking.progress import working_days_of_year, year_elapsed
from optimizer.tracking.replan import remaining_capacity
from optimizer.workdays import add_working_days

HEADER = ["class_id", "institution_code", "course_code", "adcode", "programme", "unit_code", "start_date",
          "end_date", "trainees", "certified", "subsidy_yuan", "claim_date", "approval_date"]


def _classes(total: int, size: int) -> list[int]:
    """``total`` trainees as ⌈total / size⌉ classes of nearly equal size."""
    n = math.ceil(total / size)
    base, extra = divmod(total, n)
    return [base + (1 if i < extra else 0) for i in range(n)]


def planned_classes(problem: AllocationProblem, solution: Solution) -> pd.DataFrame:
    """Every class of the plan: programme, institution, course, county, unit, trainees."""
    size = problem.courses.set_index("code")["max_class_size"]
    rows = []
    for r in solution.school_allocation.itertuples():
        for t in _classes(int(r.trainees), int(size[r.course_code])):
            rows.append(("school", r.school_code, r.course_code, r.adcode, "", t))
    for r in solution.project_allocation.itertuples():
        for t in _classes(int(r.trainees), int(size[r.course_code])):
            rows.append(("unit", r.institution_code, r.course_code, r.adcode, r.unit_code, t))
    return pd.DataFrame(rows, columns=["programme", "institution", "course", "adcode", "unit", "trainees"])


def generate_actuals(plan: PlanData, problem: AllocationProblem, solution: Solution, as_of: dt.date,
                     seed: int = 18, behind_share: float = 0.15, ahead: int = 3, outside: int = 12,
                     names_share: float = 0.1) -> pd.DataFrame:
    """Records in the platform's columns (text, as a CSV holds them), sorted by class id."""
    rng = np.random.default_rng(seed)
    classes = planned_classes(problem, solution)
    counties = sorted(classes["adcode"].unique())
    behind = set(rng.choice(counties, size=max(1, round(behind_share * len(counties))), replace=False))
    spare = problem.offers.assign(load=problem.offers.set_index(["institution", "course"]).index.map(
        _load(solution)).fillna(0).to_numpy())
    schools = set(problem.schools["code"])
    roomy = sorted(set(spare.loc[(spare["load"] < 0.8 * spare["capacity"]) & spare["institution"].isin(schools),
                                 "institution"]))
    fast = set(rng.choice(roomy, size=min(ahead, len(roomy)), replace=False)) if roomy else set()
    left = remaining_capacity(problem.offers, as_of)
    left.index = pd.MultiIndex.from_frame(problem.offers[["institution", "course"]])
    elapsed = year_elapsed(as_of)
    started = []
    for (inst, course), group in classes.groupby(["institution", "course"], sort=True):
        order = group.assign(_late=group["adcode"].isin(behind), _r=rng.random(len(group)))
        order = order.sort_values(["_late", "_r"])
        planned = int(order["trainees"].sum())
        pace = min(1.0, elapsed * (1.6 if inst in fast else 1.0))
        need = max(math.ceil(pace * planned), planned - int(left.get((inst, course), 0)))
        cum = order["trainees"].cumsum()
        started.append(order[cum - order["trainees"] < need])
    chosen = pd.concat(started, ignore_index=True).drop(columns=["_late", "_r"])
    chosen = pd.concat([chosen, _beyond(problem, solution, sorted(fast), rng), _outside(plan, problem, rng, outside)],
                       ignore_index=True)
    return _dated(chosen, plan, problem, as_of, rng, names_share)


def _beyond(problem: AllocationProblem, solution: Solution, schools: list[str], rng: np.random.Generator
            ) -> pd.DataFrame:
    """Schools ahead also train beyond their plan: classes of their largest course in another county of the same
    prefecture (half that course's trainees, at most 300), so a re-plan must move the rest of their quota."""
    size = problem.courses.set_index("code")["max_class_size"]
    county_pref = problem.counties.set_index("adcode")["prefecture_adcode"]
    rows = []
    for school in schools:
        plan = solution.school_allocation[solution.school_allocation["school_code"] == school]
        if plan.empty:
            continue
        top = plan.loc[plan["trainees"].idxmax()]
        pref = county_pref[top["adcode"]]
        others = sorted(c for c, p in county_pref.items() if p == pref and c != top["adcode"])
        if not others:
            continue
        county = str(rng.choice(others))
        for t in _classes(min(int(top["trainees"]) // 2, 300), int(size[top["course_code"]])):
            rows.append(("school", school, top["course_code"], county, "", t))
    return pd.DataFrame(rows, columns=["programme", "institution", "course", "adcode", "unit", "trainees"])


def _load(solution: Solution) -> dict:
    x = solution.school_allocation.groupby(["school_code", "course_code"])["trainees"].sum()
    z = solution.project_allocation.groupby(["institution_code", "course_code"])["trainees"].sum()
    return pd.concat([x, z]).groupby(level=[0, 1]).sum().to_dict()


def _outside(plan: PlanData, problem: AllocationProblem, rng: np.random.Generator, n: int) -> pd.DataFrame:
    """``n`` classes of filed (non-school) institutions in their home prefecture: outside the plan."""
    inst = problem.institutions
    filed = inst[~inst["is_school"] & inst["active"]]
    offers = problem.offers[problem.offers["institution"].isin(filed["code"])]
    if offers.empty or n == 0:
        return pd.DataFrame(columns=["programme", "institution", "course", "adcode", "unit", "trainees"])
    pick = offers.iloc[rng.choice(len(offers), size=n, replace=True)]
    rows = []
    for o in pick.itertuples():
        home = inst.set_index("code").loc[o.institution, "prefecture_adcode"]
        local = plan.counties.loc[plan.counties["prefecture_adcode"] == home, "adcode"].tolist()
        rows.append(("other", o.institution, o.course, str(rng.choice(local)), "",
                     int(rng.integers(15, int(o.class_size) + 1))))
    return pd.DataFrame(rows, columns=["programme", "institution", "course", "adcode", "unit", "trainees"])


def _dated(chosen: pd.DataFrame, plan: PlanData, problem: AllocationProblem, as_of: dt.date,
           rng: np.random.Generator, names_share: float) -> pd.DataFrame:
    """Start dates spread over the working days from 1 March to the as-of date; ends after ⌈hours / 8⌉ days."""
    courses = problem.courses.set_index("code")
    price = problem.offers.set_index(["institution", "course"])["price"]
    start = plan.notice.breakdown_due  # training starts once the county breakdown is in (R17: 1 March)
    days = [d for d in working_days_of_year(as_of.year) if start <= d <= as_of]
    names = dict(zip(plan.institutions["code"], plan.institutions["name"], strict=True))
    rows = []
    for n, r in enumerate(chosen.itertuples()):
        start = days[int(rng.integers(0, len(days)))]
        end = add_working_days(start, rules.days_per_class(int(courses.loc[r.course, "class_hours"])) - 1)
        finished = end <= as_of
        cert_rate = 0.9 if courses.loc[r.course, "certificate_class"] else 0.97
        certified = int(rng.binomial(r.trainees, cert_rate)) if finished else 0
        subsidised = finished and (r.programme != "school" or rng.random() < 0.7)
        claim = end + dt.timedelta(days=int(rng.integers(1, 8))) if subsidised else None
        if claim is not None and claim > as_of:
            claim, subsidised = None, False
        approval = add_working_days(claim, int(rng.integers(5, 46))) if claim else None
        if approval is not None and approval > as_of:
            approval = None
        subsidy = round(r.trainees * float(price.get((r.institution, r.course), 1000.0)), 2) if subsidised else 0
        institution = names[r.institution] if rng.random() < names_share else r.institution
        rows.append({"class_id": "", "institution_code": institution, "course_code": r.course,
                     "adcode": r.adcode, "programme": r.programme, "unit_code": r.unit, "start_date": start,
                     "end_date": end, "trainees": int(r.trainees), "certified": certified,
                     "subsidy_yuan": subsidy, "claim_date": claim, "approval_date": approval, "_n": n})
    out = pd.DataFrame(rows).sort_values(["start_date", "_n"]).reset_index(drop=True)
    out["class_id"] = [f"YN{as_of.year}-{i:06d}" for i in range(1, len(out) + 1)]
    for c in ("start_date", "end_date", "claim_date", "approval_date"):
        out[c] = out[c].map(lambda d: d.isoformat() if isinstance(d, dt.date) else "")
    out["subsidy_yuan"] = out["subsidy_yuan"].map(lambda v: f"{v:.2f}" if v else "0")
    return out[HEADER]
