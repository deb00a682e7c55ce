"""An independent checker: every constraint recomputed from the result tables alone.

It never looks at PuLP objects. Capacities are recomputed from the offer's raw inputs here (a second,
deliberately separate implementation of R5–R7), certificate-class status from the certificate type.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from optimizer import rules
from optimizer.model.problem import AllocationProblem
from optimizer.model.results import Solution

TOLERANCE = 1e-9
CODE_FOUND = ("county exists", "unit's counties (R10)")  # checks whose found value is an adcode


@dataclass(frozen=True)
class Violation:
    check: str
    where: str
    expected: str
    found: str
    names: Mapping[str, str] | None = field(default=None, compare=False, repr=False)  # code → name, for people

    def __str__(self) -> str:
        """The line a person reads, in the current language (the check's English name stays its code): names for
        codes, a table's row as a spreadsheet counts it, numbers with separators."""
        from optimizer.messages import msg

        # a county code found is a code (its name if known), not a count: it read 实为 999,999
        found = (self.names or {}).get(self.found, self.found) if self.check in CODE_FOUND else \
            _value(self.found, "verify.in_classes_found", r"(\d+) in (\d+)")
        return msg("verify.line", check=_shown(f"verify.check.{self.check}", self.check),
                   where=_where(self.where, self.names or {}),
                   expected=_value(self.expected, "verify.in_classes", r"(\d+) in (\d+) classes"), found=found)

    def to_dict(self) -> dict[str, str]:
        return {"rule": self.check, "where": self.where, "expected": self.expected, "found": self.found}


def _shown(key: str, text: str) -> str:
    """The catalogue's text for ``key`` if it has one, else ``text`` as it is (numbers, codes)."""
    from optimizer.messages import CATALOGUE, msg

    return msg(key) if key in CATALOGUE else text


def _where(where: str, names: Mapping[str, str]) -> str:
    """A row of a result table ("school_allocation row 3": its 0-based position, shown as the file's row with the
    header as row 1) or codes ("s01 k1", a lock's "s01 in 530102") by their names, in the current language."""
    from optimizer.messages import msg

    if m := re.fullmatch(r"([a-z_]+) row (\d+)", where):
        return msg("verify.row", table=f"{m[1]}.csv", n=int(m[2]) + 2)
    if m := re.fullmatch(r"(\S+) in (\S+)", where):
        return msg("verify.in", school=names.get(m[1], m[1]), area=names.get(m[2], m[2]))
    return " ".join(names.get(code, code) for code in where.split(" "))


def _value(value: str, key: str, pattern: str) -> str:
    """An expected or found value: a fixed phrase or "n in m classes" in the current language, a range or a bound
    with separators (an exact figure once, not "20000..20000"), else as it is."""
    from optimizer.messages import msg

    if m := re.fullmatch(pattern, value):
        return msg(key, n=m[1], m=m[2])
    if m := re.fullmatch(r"(-?\d+(?:\.\d+)?)\.\.(-?\d+(?:\.\d+)?)", value):
        return _number(m[1]) if float(m[1]) == float(m[2]) else f"{_number(m[1])}–{_number(m[2])}"
    if m := re.fullmatch(r"([<>]=) (-?\d+(?:\.\d+)?)", value):
        return f"{'≥' if m[1] == '>=' else '≤'} {_number(m[2])}"
    if re.fullmatch(r"-?\d+", value):
        return _number(value)
    return _shown(f"verify.word.{value}", value)


def _number(text: str) -> str:
    """A whole number with thousands separators; a fraction as it is (a share: 0.6000)."""
    return f"{int(text):,}" if re.fullmatch(r"-?\d+", text) else text


def verify(problem: AllocationProblem, solution: Solution) -> list[Violation]:
    """Every violated constraint of the solution; an empty list means the allocation is valid."""
    out: list[Violation] = []
    x, z = solution.school_allocation, solution.project_allocation
    courses = problem.courses.set_index("code")
    counties = problem.counties.set_index("adcode")
    out += _whole_people_and_classes(x, "school_allocation", courses)
    out += _whole_people_and_classes(z, "project_allocation", courses)
    out += _geography(x, z, counties, problem)
    out += _school_quotas(x, problem)
    out += _prefecture_targets(x, counties, problem)
    out += _unit_plans(z, problem)
    out += _certificate_share(z, courses, problem)
    out += _allowed_pairs(x, z, problem)
    out += _capacity(x, z, problem)
    out += _locks(x, counties, problem)
    out += _partners_and_siyb(x, z, problem)
    if not solution.classes.empty:
        out += _classes(solution.classes, x, z, courses, problem)
    return [replace(v, names=problem.names) for v in out]


def _partners_and_siyb(x: pd.DataFrame, z: pd.DataFrame, problem: AllocationProblem) -> list[Violation]:
    """R11: a unit's trainees only at its own centre or a filed institution; R16: entrepreneurship courses only
    where teachers hold the entrepreneurship-trainer certificate."""
    out = []
    inst = problem.institutions.set_index("code")
    ctype = problem.courses.set_index("code")["certificate_type"]
    filed = z["institution_code"].map(inst["filed"]).fillna(False).astype(bool)
    own = z["institution_code"].map(inst["unit"]) == z["unit_code"]
    for r in z[~(filed | own)].itertuples():
        out.append(Violation("filed partner (R11)", f"{r.unit_code} {r.institution_code}",
                             "own centre or filed institution", "another unit's centre"))
    for frame, col in ((x, "school_code"), (z, "institution_code")):
        siyb = frame[frame["course_code"].map(ctype) == rules.ENTREPRENEURSHIP_TYPE]
        for r in siyb[~(siyb[col].map(inst["siyb_trainers"]) > 0)].itertuples():
            out.append(Violation("entrepreneurship trainers (R16)", f"{getattr(r, col)} {r.course_code}",
                                 "> 0 SIYB trainers", "0"))
    return out


def _classes(classes: pd.DataFrame, x: pd.DataFrame, z: pd.DataFrame, courses: pd.DataFrame,
             problem: AllocationProblem) -> list[Violation]:
    """Every class within [min_class_size, class size] (R5); per (institution, course) no more classes than
    sets × ⌊days / ⌈hours / 8⌉⌋ (R6, R7), recomputed from the offer's raw inputs; the classes add up to the
    allocation tables."""
    out = []
    size = np.minimum(classes["course_code"].map(courses["certificate_type"]).map(rules.max_class_size).to_numpy(),
                      classes["course_code"].map(courses["max_class_size"]).to_numpy())
    low = np.minimum(problem.params.min_class_size, size)
    # a school quota or Annex 4 cell smaller than the minimum is one smaller class
    quota = classes["institution_code"].map(problem.schools.set_index("code")["quota"])
    pref = classes["adcode"].map(problem.counties.set_index("adcode")["prefecture_adcode"])
    cells = problem.unit_plans.set_index(["unit", "prefecture"])["trainees"]
    cell = cells.reindex(pd.MultiIndex.from_arrays([classes["unit_code"], pref])).to_numpy(float)
    whole = np.where(classes["programme"].to_numpy() == "school", quota.to_numpy(float), cell)
    low = np.minimum(low, np.nan_to_num(whole, nan=float(problem.params.min_class_size))).astype(int)
    for i in np.flatnonzero((classes["trainees"].to_numpy() < low) | (classes["trainees"].to_numpy() > size)):
        out.append(Violation("class size (R5, min_class_size)", classes["class_id"].iat[i],
                             f"{low[i]}..{size[i]}", str(classes["trainees"].iat[i])))
    o = problem.offers.set_index(["institution", "course"])
    dpc = -(-o["class_hours"].astype(int) // rules.MAX_CLASS_HOURS_PER_DAY)
    slots = o["equipment_sets"].astype(int) * (o["days_available"].astype(int) // dpc)
    if problem.params.capacity_changes:  # a scenario's capacity, in whole classes
        slots = o["seats"] // o["class_size"]
    used = classes.groupby(["institution_code", "course_code"]).size()
    cap = slots.reindex(used.index, fill_value=0)
    for (i, k), n in used[used > cap].items():
        out.append(Violation("class slots (R6, R7)", f"{i} {k}", f"<= {int(cap[(i, k)])}", str(int(n))))
    own = classes[classes["programme"] == "school"].groupby(["institution_code", "adcode", "course_code"])
    unit = classes[classes["programme"] == "unit"].groupby(["unit_code", "adcode", "course_code", "institution_code"])
    for table, frame, grouped, key in (
            ("school_allocation", x, own, ["school_code", "adcode", "course_code"]),
            ("project_allocation", z, unit, ["unit_code", "adcode", "course_code", "institution_code"])):
        mine = frame.set_index(key)[["trainees", "classes"]]
        theirs = pd.DataFrame({"trainees_c": grouped["trainees"].sum(), "classes_c": grouped.size()})
        theirs.index.names = key
        joined = mine.join(theirs, how="outer").fillna(0)
        bad = joined[(joined["trainees"] != joined["trainees_c"]) | (joined["classes"] != joined["classes_c"])]
        for k_, r in bad.iterrows():
            out.append(Violation("classes add up (classes.csv)", f"{table} {k_}",
                                 f"{int(r['trainees_c'])} in {int(r['classes_c'])} classes",
                                 f"{int(r['trainees'])} in {int(r['classes'])}"))
    return out


def _locks(x: pd.DataFrame, counties: pd.DataFrame, problem: AllocationProblem) -> list[Violation]:
    out = []
    pref = x["adcode"].map(counties["prefecture_adcode"])
    for lock in problem.params.locks:
        mine = x[(x["school_code"] == lock.school) & ((x["adcode"] == lock.area) | (pref == lock.area))]
        n = int(mine["trainees"].sum())
        if lock.at_least is not None and n < lock.at_least:
            out.append(Violation("scenario lock", f"{lock.school} in {lock.area}", f">= {lock.at_least}", str(n)))
        if lock.at_most is not None and n > lock.at_most:
            out.append(Violation("scenario lock", f"{lock.school} in {lock.area}", f"<= {lock.at_most}", str(n)))
    return out


def _whole_people_and_classes(frame: pd.DataFrame, table: str, courses: pd.DataFrame) -> list[Violation]:
    out = []
    trainees = frame["trainees"]
    bad = (trainees <= 0) | (trainees != trainees.round())
    for i in np.flatnonzero(bad.to_numpy()):
        out.append(Violation("whole persons", f"{table} row {i}", "positive whole number", str(trainees.iloc[i])))
    rule = frame["course_code"].map(courses["certificate_type"]).map(rules.max_class_size)
    size = np.minimum(rule.to_numpy(), frame["course_code"].map(courses["max_class_size"]).to_numpy())
    expected = -(-trainees.to_numpy() // size)  # at least this many classes (R5)
    for i in np.flatnonzero((frame["classes"].to_numpy() < expected) & ~bad.to_numpy()):
        out.append(Violation("classes (R5)", f"{table} row {i}", f">= {expected[i]}", str(frame["classes"].iloc[i])))
    return out


def _geography(x: pd.DataFrame, z: pd.DataFrame, counties: pd.DataFrame, problem: AllocationProblem):
    out = []
    names = problem.names
    for table, frame in (("school_allocation", x), ("project_allocation", z)):
        known = frame["adcode"].isin(counties.index).to_numpy()
        for i in np.flatnonzero(~known):
            out.append(Violation("county exists", f"{table} row {i}", "a county", frame["adcode"].iloc[i]))
        expected = frame["adcode"].map(counties["prefecture_adcode"]).map(names)
        wrong = known & (expected != frame["prefecture"]).to_numpy()
        for i in np.flatnonzero(wrong):
            out.append(Violation("county in prefecture", f"{table} row {i}", expected.iloc[i],
                                 frame["prefecture"].iloc[i]))
    return out


def _school_quotas(x: pd.DataFrame, problem: AllocationProblem) -> list[Violation]:
    p = problem.params
    got = x.groupby("school_code")["trainees"].sum()
    out = []
    for s in problem.schools.itertuples():
        found = int(got.get(s.code, 0))
        quota = s.quota if s.active else 0
        low = quota if p.quota_mode != "band" else quota * (1 - p.quota_band)
        high = quota if p.quota_mode == "eq" else (quota * (1 + p.quota_band) if p.quota_mode == "band" else math.inf)
        if not (low - TOLERANCE <= found <= high + TOLERANCE):
            out.append(Violation("school quota (Annex 2)", s.code, f"{low:g}..{high:g}", str(found)))
    return out


def _prefecture_targets(x: pd.DataFrame, counties: pd.DataFrame, problem: AllocationProblem) -> list[Violation]:
    got = x.groupby(x["adcode"].map(counties["prefecture_adcode"]))["trainees"].sum()
    return [Violation("prefecture tech-school target (Annex 1 col 5)", t.prefecture, str(t.target),
                      str(int(got.get(t.prefecture, 0))))
            for t in problem.targets.itertuples() if int(got.get(t.prefecture, 0)) != t.target]


def _unit_plans(z: pd.DataFrame, problem: AllocationProblem) -> list[Violation]:
    got = z.groupby(["unit_code", "prefecture"])["trainees"].sum()
    out = []
    seen = set()
    for r in problem.unit_plans.itertuples():
        key = (r.unit, problem.names[r.prefecture])
        seen.add(key)
        if int(got.get(key, 0)) != r.trainees:
            out.append(Violation("unit plan (Annex 4)", f"{r.unit} {key[1]}", str(r.trainees),
                                 str(int(got.get(key, 0)))))
    for key, value in got.items():
        if key not in seen:
            out.append(Violation("unit plan (Annex 4)", f"{key[0]} {key[1]}", "0", str(int(value))))
    return out


def _certificate_share(z: pd.DataFrame, courses: pd.DataFrame, problem: AllocationProblem) -> list[Violation]:
    out = []
    cert = z["course_code"].map(courses["certificate_type"]).map(rules.is_certificate_class).astype(bool)
    total = z.groupby("unit_code")["trainees"].sum()
    certified = z["trainees"].where(cert, 0).groupby(z["unit_code"]).sum()
    for unit, all_ in total.items():
        share = certified[unit] / all_ if all_ else 1.0
        need = problem.params.cert_share_of(unit)
        if share < need - TOLERANCE:
            out.append(Violation("certificate share (R1)", unit, f">= {need:.4f}", f"{share:.4f}"))
    return out


def _allowed_pairs(x: pd.DataFrame, z: pd.DataFrame, problem: AllocationProblem) -> list[Violation]:
    """R2, R3, R10, R11, R14, R15 row by row. Each condition is evaluated on whole columns first; only the rows
    that break one are visited (in table order, so the report reads as before)."""
    out = []
    offers = problem.offers
    offered = pd.MultiIndex.from_arrays([offers["institution"], offers["course"]])
    inst = problem.institutions.set_index("code")
    groups = problem.courses.set_index("code")["group"]
    scope = pd.MultiIndex.from_arrays([problem.unit_scope["unit"], problem.unit_scope["group"]])
    prefectures = set(problem.targets["prefecture"])
    pref_code = {v: k for k, v in problem.names.items() if k in prefectures}

    x_offered = pd.MultiIndex.from_arrays([x["school_code"], x["course_code"]]).isin(offered)
    x_active = x["school_code"].map(inst["active"]).fillna(False).astype(bool).to_numpy()
    for i in np.flatnonzero(~x_offered | ~x_active):
        r = x.iloc[i]
        if not x_offered[i]:
            out.append(Violation("school teaches its own majors (R3)", f"{r.school_code} {r.course_code}",
                                 "offered course", "not offered"))
        if not x_active[i]:
            out.append(Violation("debarred or excluded (R14)", r.school_code, "no trainees", str(r.trainees)))

    z_group = z["course_code"].map(groups)
    z_offered = pd.MultiIndex.from_arrays([z["institution_code"], z["course_code"]]).isin(offered)
    z_scope = pd.MultiIndex.from_arrays([z["unit_code"], z_group]).isin(scope)
    z_active = z["institution_code"].map(inst["active"]).fillna(False).astype(bool).to_numpy()
    z_teachers = (z["institution_code"].map(inst["platform_teachers"]).fillna(0) > 0).to_numpy()
    allowed_of = [problem.unit_counties.get((u, pref_code.get(p)))
                  for u, p in zip(z["unit_code"], z["prefecture"], strict=True)]
    z_counties = np.array([not allowed or a in allowed for allowed, a in zip(allowed_of, z["adcode"], strict=True)],
                          dtype=bool)
    for i in np.flatnonzero(~(z_offered & z_scope & z_active & z_teachers & z_counties)):
        r = z.iloc[i]
        if not z_offered[i]:
            out.append(Violation("institution offers the course (R3, R11)", f"{r.institution_code} {r.course_code}",
                                 "offered course", "not offered"))
        if not z_scope[i]:
            out.append(Violation("unit business scope (R2)", f"{r.unit_code} {r.course_code}",
                                 "course in scope", z_group.iloc[i]))
        if not z_active[i]:
            out.append(Violation("debarred or excluded (R14)", r.institution_code, "no trainees", str(r.trainees)))
        if not z_teachers[i]:
            out.append(Violation("platform-registered teachers (R15)", r.institution_code, "> 0 teachers", "0"))
        if not z_counties[i]:
            allowed = allowed_of[i]
            out.append(Violation("unit's counties (R10)", f"{r.unit_code} {r.adcode}", ", ".join(allowed), r.adcode))
    return out


def _capacity(x: pd.DataFrame, z: pd.DataFrame, problem: AllocationProblem) -> list[Violation]:
    used = pd.concat([
        x.groupby(["school_code", "course_code"])["trainees"].sum().rename_axis(["i", "k"]),
        z.groupby(["institution_code", "course_code"])["trainees"].sum().rename_axis(["i", "k"]),
    ]).groupby(level=[0, 1]).sum()
    o = problem.offers.set_index(["institution", "course"])
    o = o.reindex(used.index)
    known = o["class_hours"].notna().to_numpy()  # unknown pairs are reported by _allowed_pairs
    days_per_class = -(-o["class_hours"].fillna(1).astype(int) // rules.MAX_CLASS_HOURS_PER_DAY)
    cap = (o["equipment_sets"].fillna(0).astype(int) * (o["days_available"].fillna(0).astype(int) // days_per_class)
           * o["class_size"].fillna(0).astype(int))
    cap = _scenario_capacity(cap, problem)
    over = known & (used.to_numpy() > cap.to_numpy())
    return [Violation("capacity (R5–R7)", f"{i} {k}", f"<= {int(c)}", str(int(n)))
            for (i, k), n, c in zip(used.index[over], used.to_numpy()[over], cap.to_numpy()[over], strict=True)]




def _scenario_capacity(cap: pd.Series, problem: AllocationProblem) -> pd.Series:
    """The scenario's capacity changes, applied to the recomputed capacities one by one in the order given
    (a percent scales and rounds down to whole places, a value replaces): the places the run really had."""
    groups = problem.courses.set_index("code")["group"]
    out = cap.astype("int64").copy()
    inst = out.index.get_level_values(0)
    course = out.index.get_level_values(1)
    for change in problem.params.capacity_changes:
        hit = np.asarray(inst == change.institution)
        if change.course:
            hit &= np.asarray(course == change.course)
        if change.group:
            hit &= np.asarray(course.map(groups) == change.group)
        if change.value is not None:
            out[hit] = int(change.value)
        else:
            out[hit] = [math.floor(v * (100 + change.percent) / 100) for v in out[hit]]
    return out
