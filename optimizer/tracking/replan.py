"""Re-plan the rest of the year: the same model, with what is done (and in training) kept.

From the actual records as of a date:
- a class that maps onto the model's variables (a school's trainees in a county and course; a unit's trainees
  at an institution, course and county of its Annex 4 cell) becomes a lower bound on those variables
  (``floor`` column of the key tables, ``lp.apply_floors``), so the re-plan keeps every class done or running;
- a class of a school or unit that the model has no variable for (outside the plan) still counts toward its
  Annex total: the school's quota, the prefecture's column 5 and the Annex 4 cell shrink by its trainees (and
  the unit's certificate share is re-stated over the rest), so that done + re-planned meets every Annex total
  exactly;
- capacity is what the records used at each (institution, course) plus the capacity of the days left: the
  offer's training days scaled by the share of the year's working days after the as-of date (official
  calendar), rounded down to whole classes (R5–R7) — at most the year's capacity, at least what is done. A
  class in training counts as started; its remaining days are not taken off the capacity left.
The result tables keep each done class in its own (school, county, course) or (unit, county, course,
institution) row; what is left is spread like every solve (north-west corner, codes in order).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from optimizer.model.lp import ANCHOR_COLUMN, FLOOR_COLUMN
from optimizer.model.problem import AllocationProblem, capacity
from optimizer.model.results import Solution, expand_flows
from optimizer.tracking.progress import working_days_of_year

Y, W, V, Q = ["school", "county"], ["school", "prefecture", "course"], \
    ["unit", "prefecture", "course", "institution"], ["unit", "prefecture", "institution", "county"]


def share_after(as_of: dt.date, year: int | None = None) -> float:
    """Share of the plan ``year``'s working days after ``as_of`` (default: ``as_of``'s year); none after the
    year's end (a re-plan as of 2023-01-20 gave the 2022 plan 2023's days to train in)."""
    days = working_days_of_year(year or as_of.year)
    return sum(1 for d in days if d > as_of) / len(days)


def remaining_capacity(offers: pd.DataFrame, as_of: dt.date, year: int | None = None) -> pd.Series:
    """Trainees each offer can still take after ``as_of``: ⌊days × share after⌋ training days (R5–R7)."""
    after = share_after(as_of, year)
    return pd.Series([capacity(s, math.floor(d * after), h, z) for s, d, h, z in zip(
        offers["equipment_sets"], offers["days_available"], offers["class_hours"], offers["class_size"],
        strict=True)], index=offers.index, dtype=int)


@dataclass
class Classified:
    """The records split by what the model can hold."""

    school_in: pd.DataFrame  # school, prefecture, county, course, trainees (model variables exist)
    unit_in: pd.DataFrame  # unit, prefecture, county, course, institution, trainees
    school_out: pd.DataFrame  # school, prefecture, trainees (no variable: counts toward the totals only)
    unit_out: pd.DataFrame  # unit, prefecture, trainees, cert (inside an Annex 4 cell, no variable)
    other: pd.DataFrame  # everything else (programme other, unit classes outside any Annex 4 cell)


def classify(records: pd.DataFrame, problem: AllocationProblem) -> Classified:
    """Which records become lower bounds and which only shrink the totals."""
    r = records.rename(columns={"adcode": "county"})
    cert = set(problem.courses.loc[problem.courses["certificate_class"], "code"])
    r = r.assign(cert=r["course"].isin(cert))
    school = r[r["programme"] == "school"].rename(columns={"institution": "school"})
    school_ok = _has(school, problem.y_keys, Y) & _has(school, problem.w_keys, W)
    unit = r[r["programme"] == "unit"].assign(unit=lambda f: f["unit"])
    unit_ok = _has(unit, problem.v_keys, V) & _has(unit, problem.q_keys, Q)
    cells = set(zip(problem.unit_plans["unit"], problem.unit_plans["prefecture"], strict=True))
    in_cell = pd.Series([(u, p) in cells for u, p in zip(unit["unit"], unit["prefecture"], strict=True)],
                        index=unit.index, dtype=bool)
    other = pd.concat([r[r["programme"] == "other"], unit[~unit_ok & ~in_cell]], ignore_index=True)
    return Classified(school[school_ok], unit[unit_ok], school[~school_ok], unit[~unit_ok & in_cell], other)


def _has(frame: pd.DataFrame, keys: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Does each row of ``frame`` have a model variable with these key columns?"""
    if frame.empty:
        return pd.Series(False, index=frame.index, dtype=bool)
    known = set(map(tuple, keys[columns].to_numpy()))
    return pd.Series([tuple(v) in known for v in frame[columns].to_numpy()], index=frame.index, dtype=bool)


def _anchored(keys: pd.DataFrame, original: Solution | None, table: str, columns: dict[str, str]) -> pd.DataFrame:
    """``keys`` with the original plan's trainees on each (ANCHOR_COLUMN; 0 where it had none), or as they are
    without an original plan."""
    if original is None:
        return keys
    frame = getattr(original, table)[[*columns, "trainees"]].rename(columns=columns)
    sums = frame.groupby(list(columns.values()))["trainees"].sum()
    index = pd.MultiIndex.from_frame(keys[list(columns.values())])
    return keys.assign(**{ANCHOR_COLUMN: sums.reindex(index, fill_value=0).to_numpy(float)})


def _floor(keys: pd.DataFrame, records: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``keys`` with a ``floor`` column: the trainees of the records on each key."""
    sums = records.groupby(columns)["trainees"].sum() if not records.empty else pd.Series(dtype=int)
    index = pd.MultiIndex.from_frame(keys[columns])
    floor = sums.reindex(index, fill_value=0).to_numpy() if len(sums) else np.zeros(len(keys), dtype=int)
    return keys.assign(**{FLOOR_COLUMN: floor.astype(int)})


def replan_problem(problem: AllocationProblem, records: pd.DataFrame, as_of: dt.date,
                   original: Solution | None = None, year: int | None = None) -> tuple[AllocationProblem, Classified]:
    """The original problem with floors, shrunk totals and the capacity left after ``as_of``; with the original
    plan's tables, its county flows as anchors (lp.ANCHOR_COLUMN): the re-plan changes as few totals as it can."""
    c = classify(records, problem)
    schools = problem.schools.copy()
    out_school = c.school_out.groupby("school")["trainees"].sum()
    schools["quota"] = schools["quota"] - schools["code"].map(out_school).fillna(0).astype(int)
    targets = problem.targets.copy()
    out_pref = c.school_out.groupby("prefecture")["trainees"].sum()
    targets["target"] = targets["target"] - targets["prefecture"].map(out_pref).fillna(0).astype(int)
    plans = problem.unit_plans.copy()
    out_cell = c.unit_out.groupby(["unit", "prefecture"])["trainees"].sum()
    plans["trainees"] = plans["trainees"] - pd.Series(
        [int(out_cell.get((u, p), 0)) for u, p in zip(plans["unit"], plans["prefecture"], strict=True)],
        index=plans.index)
    params = _restated_cert_shares(problem, c.unit_out)

    offers = problem.offers.copy()
    used = pd.concat([c.school_in.rename(columns={"school": "institution"})[["institution", "course", "trainees"]],
                      c.unit_in[["institution", "course", "trainees"]]]).groupby(["institution", "course"])[
        "trainees"].sum()
    index = pd.MultiIndex.from_frame(offers[["institution", "course"]])
    done = used.reindex(index, fill_value=0).to_numpy().astype(int)
    # never more than the year's capacity (R5–R7), never less than what the records already hold
    offers["capacity"] = np.maximum(done, np.minimum(offers["capacity"].to_numpy(),
                                                     done + remaining_capacity(offers, as_of, year).to_numpy()))
    new = dataclasses.replace(
        problem, params=params, schools=schools, targets=targets, unit_plans=plans, offers=offers,
        y_keys=_anchored(_floor(problem.y_keys, c.school_in, Y), original, "school_allocation",
                         {"school_code": "school", "adcode": "county"}),
        w_keys=_floor(problem.w_keys, c.school_in, W), v_keys=_floor(problem.v_keys, c.unit_in, V),
        q_keys=_anchored(_floor(problem.q_keys, c.unit_in, Q), original, "project_allocation",
                         {"unit_code": "unit", "institution_code": "institution", "adcode": "county"}),
        whole_classes=False)  # its tables are re-assembled around the done classes (finish_replan): whole persons
    return new, c


def _restated_cert_shares(problem: AllocationProblem, unit_out: pd.DataFrame):
    """R1 over the whole plan when some of a unit's cell is done outside the model: ρ' for the rest so that
    done + rest still reaches ρ of the unit's Annex 4 total."""
    params = problem.params
    if unit_out.empty:
        return params
    totals = problem.unit_plans.groupby("unit")["trainees"].sum()
    shares = dict(params.cert_share_by_unit)
    for unit, frame in unit_out.groupby("unit"):
        total, out = int(totals[unit]), int(frame["trainees"].sum())
        cert_out = int(frame.loc[frame["cert"], "trainees"].sum())
        rest = total - out
        need = params.cert_share_of(unit) * total - cert_out
        shares[unit] = min(1.0, max(0.0, need / rest)) if rest > 0 else 0.0
    return params.model_copy(update={"cert_share_by_unit": shares})


@dataclass
class Replan:
    """A re-plan's solution (whole-year tables, done included), its changes and its checks."""

    problem: AllocationProblem
    solution: Solution
    classified: Classified
    changes: pd.DataFrame = field(default_factory=pd.DataFrame)
    mismatches: list[str] = field(default_factory=list)  # Annex totals not met (empty when all hold)
    dropped: list[str] = field(default_factory=list)  # done classes not kept (empty when all are)


def finish_replan(problem: AllocationProblem, original: Solution, new: AllocationProblem, classified: Classified,
                  solution: Solution) -> Replan:
    """After the solve (``pipeline.run_replan`` joins the stages): tables with every done class in its own row,
    the changes against the original plan and the checks of the Annex totals and the done classes."""
    result = Replan(new, solution, classified)
    if not solution.ok:
        return result
    # the tables are re-assembled around the done classes (below), so the solve's own class list no longer matches
    # them: a re-plan writes no classes.csv (placing the rest of the year's classes beside the done ones is open)
    solution.classes = solution.classes.iloc[0:0]
    solution.school_allocation = _recompose_schools(new, solution.school_allocation, classified.school_in)
    solution.project_allocation = _recompose_units(new, solution.project_allocation, classified.unit_in)
    result.changes = changes(problem, original, solution)
    result.mismatches = annex_mismatches(problem, solution, classified)
    result.dropped = dropped_classes(solution, classified)
    return result


def _recompose_schools(problem: AllocationProblem, table: pd.DataFrame, done: pd.DataFrame) -> pd.DataFrame:
    """School rows = done classes (school, county, course) + the rest spread by the north-west corner."""
    pref = problem.counties.set_index("adcode")["prefecture_adcode"]
    t = table.assign(prefecture_code=table["adcode"].map(pref))
    y = t.groupby(["school_code", "prefecture_code", "adcode"], as_index=False)["trainees"].sum()
    y.columns = ["school", "prefecture", "county", "trainees"]
    w = t.groupby(["school_code", "prefecture_code", "course_code"], as_index=False)["trainees"].sum()
    w.columns = ["school", "prefecture", "course", "trainees"]
    y = _minus(y, done, ["school", "prefecture", "county"])
    w = _minus(w, done, ["school", "prefecture", "course"])
    rest = expand_flows(y, w, ["school", "prefecture"])
    done_rows = done.groupby(["school", "prefecture", "county", "course"], as_index=False)["trainees"].sum()
    rows = pd.concat([rest, done_rows], ignore_index=True).groupby(
        ["school", "county", "course"], as_index=False)["trainees"].sum()
    return _describe(problem, rows, "school")


def _recompose_units(problem: AllocationProblem, table: pd.DataFrame, done: pd.DataFrame) -> pd.DataFrame:
    """Unit rows = done classes (unit, county, course, institution) + the rest by the north-west corner."""
    pref = problem.counties.set_index("adcode")["prefecture_adcode"]
    t = table.assign(prefecture_code=table["adcode"].map(pref))
    q = t.groupby(["unit_code", "prefecture_code", "institution_code", "adcode"], as_index=False)["trainees"].sum()
    q.columns = ["unit", "prefecture", "institution", "county", "trainees"]
    v = t.groupby(["unit_code", "prefecture_code", "institution_code", "course_code"], as_index=False)[
        "trainees"].sum()
    v.columns = ["unit", "prefecture", "institution", "course", "trainees"]
    q = _minus(q, done, ["unit", "prefecture", "institution", "county"])
    v = _minus(v, done, ["unit", "prefecture", "institution", "course"])
    rest = expand_flows(q, v, ["unit", "prefecture", "institution"])
    done_rows = done.groupby(["unit", "prefecture", "institution", "county", "course"], as_index=False)[
        "trainees"].sum()
    rows = pd.concat([rest, done_rows], ignore_index=True).groupby(
        ["unit", "county", "course", "institution"], as_index=False)["trainees"].sum()
    return _describe(problem, rows, "unit")


def _minus(frame: pd.DataFrame, done: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """``frame``'s trainees less the done trainees on the same key (never below zero: floors guarantee it)."""
    if done.empty:
        return frame
    d = done.groupby(key)["trainees"].sum()
    less = d.reindex(pd.MultiIndex.from_frame(frame[key]), fill_value=0).to_numpy()
    out = frame.assign(trainees=frame["trainees"].to_numpy() - less)
    if (out["trainees"] < 0).any():
        raise AssertionError("a re-planned total fell below what is done: the floors did not hold")
    return out


def _describe(problem: AllocationProblem, rows: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The columns of solve's tables for whole-person rows (school|unit, county, course[, institution])."""
    names = problem.names
    courses = problem.courses.set_index("code")
    county_pref = problem.counties.set_index("adcode")["prefecture_adcode"]
    inst = problem.institutions.set_index("code")
    who = "school" if kind == "school" else "institution"
    price = problem.offers.set_index(["institution", "course"])["price"]
    rows = rows[rows["trainees"] > 0].reset_index(drop=True)
    km = problem.distance.to_numpy()[problem.distance.index.get_indexer(rows[who].map(inst["home_county"])),
                                     problem.distance.columns.get_indexer(rows["county"])] if len(rows) else []
    rows = rows.assign(price=price.reindex(pd.MultiIndex.from_arrays([rows[who], rows["course"]])).to_numpy(float),
                       km=km)
    size = rows["course"].map(courses["max_class_size"])
    common = {
        "course": rows["course"].map(courses["profession"]), "course_code": rows["course"],
        "certificate_type": rows["course"].map(courses["certificate_type"]),
        "level": rows["course"].map(courses["level"]).fillna(""),
    }
    tail = {
        "trainees": rows["trainees"].astype(int),
        "classes": [math.ceil(t / s) for t, s in zip(rows["trainees"], size, strict=True)],
        "cost": (rows["trainees"] * rows["price"]).round(2), "travel_km": rows["km"].round(1),
        "trainee_km": (rows["trainees"] * rows["km"]).round(1),
    }
    if kind == "school":
        out = pd.DataFrame({
            "school": rows["school"].map(names), "school_code": rows["school"],
            "school_prefecture": rows["school"].map(inst["prefecture_adcode"]).map(names),
            "prefecture": rows["county"].map(county_pref).map(names), "county": rows["county"].map(names),
            "adcode": rows["county"], **common, **tail})
        return out.sort_values(["school_code", "adcode", "course_code"]).reset_index(drop=True)
    out = pd.DataFrame({
        "unit": rows["unit"].map(names), "unit_code": rows["unit"],
        "prefecture": rows["county"].map(county_pref).map(names), "county": rows["county"].map(names),
        "adcode": rows["county"], **common,
        "certificate_class": rows["course"].map(courses["certificate_class"]).astype(bool),
        "institution": rows["institution"].map(names), "institution_code": rows["institution"], **tail})
    return out.sort_values(["unit_code", "adcode", "course_code", "institution_code"]).reset_index(drop=True)


CHANGE_COLUMNS = ["level", "programme", "code", "name", "prefecture", "original", "replanned", "change"]


def changes(problem: AllocationProblem, original: Solution, new: Solution) -> pd.DataFrame:
    """What moves against the original plan, per county and per institution, largest first."""
    names = problem.names
    county_pref = problem.counties.set_index("adcode")["prefecture_adcode"]
    inst_pref = problem.institutions.set_index("code")["prefecture_adcode"]
    parts = []
    for programme, table, who in (("school", "school_allocation", "school_code"),
                                  ("unit", "project_allocation", "institution_code")):
        a, b = getattr(original, table), getattr(new, table)
        for level, key, pref in (("county", "adcode", county_pref), ("institution", who, inst_pref)):
            both = pd.concat([a.groupby(key)["trainees"].sum().rename("original"),
                              b.groupby(key)["trainees"].sum().rename("replanned")], axis=1).fillna(0).astype(int)
            both = both.rename_axis("code").reset_index()
            parts.append(both.assign(level=level, programme=programme, name=both["code"].map(names),
                                     prefecture=both["code"].map(pref).map(names)))
    out = pd.concat(parts, ignore_index=True)
    out["change"] = out["replanned"] - out["original"]
    out = out[out["change"] != 0]
    out = out.assign(_a=out["change"].abs()).sort_values(["_a", "level", "programme", "code"],
                                                         ascending=[False, True, True, True])
    return out[CHANGE_COLUMNS].reset_index(drop=True)


def annex_mismatches(original: AllocationProblem, solution: Solution, c: Classified) -> list[str]:
    """Done outside the model + re-planned, against Annex 2 quotas, Annex 1 column 5 and Annex 4 cells."""
    from optimizer.messages import msg

    names, out = original.names, []
    x, z = solution.school_allocation, solution.project_allocation
    county_pref = original.counties.set_index("adcode")["prefecture_adcode"]

    def check(what: str, expected: int, found: int) -> None:
        if expected != found:
            out.append(msg("track.annex_mismatch", what=what, expected=f"{expected:,}", found=f"{found:,}"))

    school_out = c.school_out.groupby("school")["trainees"].sum()
    by_school = x.groupby("school_code")["trainees"].sum()
    if original.params.quota_mode == "eq":
        for s in original.schools[original.schools["active"]].itertuples():
            check(names[s.code], int(s.quota), int(by_school.get(s.code, 0) + school_out.get(s.code, 0)))
    pref_out = c.school_out.groupby("prefecture")["trainees"].sum()
    by_pref = x.groupby(x["adcode"].map(county_pref))["trainees"].sum()
    for t in original.targets.itertuples():
        check(f"{t.name} 附件1第5栏", int(t.target), int(by_pref.get(t.prefecture, 0) + pref_out.get(t.prefecture, 0)))
    cell_out = c.unit_out.groupby(["unit", "prefecture"])["trainees"].sum()
    by_cell = z.groupby(["unit_code", z["adcode"].map(county_pref)])["trainees"].sum()
    for r in original.unit_plans.itertuples():
        check(f"{r.name} {names[r.prefecture]}", int(r.trainees),
              int(by_cell.get((r.unit, r.prefecture), 0) + cell_out.get((r.unit, r.prefecture), 0)))
    return out


def dropped_classes(solution: Solution, c: Classified) -> list[str]:
    """Keys whose done trainees the re-plan does not keep (must be empty), as lines in the user's language."""
    from optimizer.messages import msg

    out = []
    x = solution.school_allocation.groupby(["school_code", "adcode", "course_code"])["trainees"].sum()
    for key, t in c.school_in.groupby(["school", "county", "course"])["trainees"].sum().items():
        if x.get(key, 0) < t:
            out.append(msg("replan.dropped.school", key=" ".join(map(str, key)), done=t, replanned=x.get(key, 0)))
    z = solution.project_allocation.groupby(["unit_code", "adcode", "course_code", "institution_code"])[
        "trainees"].sum()
    for key, t in c.unit_in.groupby(["unit", "county", "course", "institution"])["trainees"].sum().items():
        if z.get(key, 0) < t:
            out.append(msg("replan.dropped.unit", key=" ".join(map(str, key)), done=t, replanned=z.get(key, 0)))
    return out


def verify_replan(problem: AllocationProblem, solution: Solution) -> list[str]:
    """``verify`` for a re-plan: every check but capacity, which it re-derives from the offers' raw figures (a
    whole year's); capacity is checked here against done + what the days left hold."""
    from optimizer.model.verify import Violation, verify

    out = [str(v) for v in verify(problem, solution) if not v.check.startswith("capacity")]
    x, z = solution.school_allocation, solution.project_allocation
    used = pd.concat([x.groupby(["school_code", "course_code"])["trainees"].sum(),
                      z.groupby(["institution_code", "course_code"])["trainees"].sum()]).groupby(level=[0, 1]).sum()
    cap = problem.offers.set_index(["institution", "course"])["capacity"]
    for (i, k), n in used.items():
        if n > cap.get((i, k), 0):
            out.append(str(Violation("capacity (R5–R7)", f"{i} {k}", f"<= {int(cap.get((i, k), 0))}", str(int(n)))))
    return out
