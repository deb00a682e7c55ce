"""Eligibility is qualification: may a school lawfully and physically deliver a lot?

A school qualifies for a lot when, on the lot's date, it
- offers the lot's major and every course of it (R3: 以技工院校开设的专业为资质),
- has the teaching equipment to run at least one class of each course (R5–R7: 开班须核实教学设备),
- is not debarred (R14: 三年内取消资格),
- has teachers registered on the provincial platform (R15: 师资须进入平台, else no subsidy),
- has an entrepreneurship-trainer certified teacher when the lot is entrepreneurship training (R16),
- is not excluded by the scenario.
Capacity left after other awards is NOT a qualification: it is a constraint of the award stage (awards.py).
R13 (考培分离) never excludes: an evaluator school is flagged and must send its trainees elsewhere.
Location never enters (R4: 技工院校均可在全省范围承担培训任务).

Everything is computed as school × course matrices once, then lot × school by matrix products: no loop
over entries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from optimizer import rules
from optimizer.messages import msg
from optimizer.model.problem import AllocationProblem, debarred_on


@dataclass
class Qualification:
    """School × course facts (rows follow ``schools``, columns ``courses``)."""

    schools: pd.DataFrame  # code, name, platform_teachers, siyb_trainers, excluded
    courses: pd.DataFrame  # code, name, group, certificate_type, level, class_size, days_per_class
    groups: list[str]
    offers: np.ndarray  # bool: the school teaches the course
    can_run: np.ndarray  # bool: its equipment can run at least one class a year
    majors: np.ndarray  # bool, school × group: the school offers the major (R3)
    sets: np.ndarray  # equipment sets (R7)
    runs_per_set: np.ndarray  # classes one set runs in a year: ⌊days available / days per class⌋ (R6)
    capacity_classes: np.ndarray  # classes a year the school can run of the course (R5–R7, after scenario changes)
    price: np.ndarray  # assumed price per trainee (NaN where not offered)
    evaluator: np.ndarray  # bool: filed evaluator for the course (R13)
    debarments: pd.DataFrame

    def course_index(self) -> dict[str, int]:
        return {c: i for i, c in enumerate(self.courses["code"])}

    def debarred(self, day: dt.date) -> np.ndarray:
        """R14 on ``day``, per school."""
        return self.schools["code"].isin(debarred_on(self.debarments, day)).to_numpy()


def qualification(problem: AllocationProblem) -> Qualification:
    """The school × course matrices of a problem (technical schools of Annex 2 only)."""
    inst = problem.institutions
    schools = inst[inst["is_school"]].sort_values("code").reset_index(drop=True)
    schools = schools.assign(excluded=schools["code"].isin(set(problem.params.excluded)))
    courses = problem.courses.sort_values("code").reset_index(drop=True)
    courses = courses.assign(name=courses["code"].map(problem.names),
                             class_size=courses["max_class_size"].astype(int),
                             days_per_class=courses["class_hours"].map(rules.days_per_class))
    groups = sorted(set(courses["group"]))
    s_at = {c: i for i, c in enumerate(schools["code"])}
    k_at = {c: i for i, c in enumerate(courses["code"])}
    g_at = {g: i for i, g in enumerate(groups)}
    shape = (len(schools), len(courses))
    offers, evaluator = np.zeros(shape, bool), np.zeros(shape, bool)
    sets, days = np.zeros(shape, int), np.zeros(shape, int)
    price = np.full(shape, np.nan)
    majors = np.zeros((len(schools), len(groups)), bool)
    own = problem.offers[problem.offers["institution"].isin(s_at)]
    si = own["institution"].map(s_at).to_numpy()
    ki = own["course"].map(k_at).to_numpy()
    offers[si, ki] = True
    evaluator[si, ki] = own["evaluator"].astype(bool).to_numpy()
    sets[si, ki] = own["equipment_sets"].astype(int).to_numpy()
    days[si, ki] = own["days_available"].astype(int).to_numpy()
    price[si, ki] = own["price"].astype(float).to_numpy()
    majors[si, own["major"].map(g_at).to_numpy()] = True
    runs = days // courses["days_per_class"].to_numpy()[None, :]
    # classes a year after any capacity change of the scenario (seats = sets × runs × class size, R5–R7); not the
    # offers' "capacity", which since issue 13 is the share of the seats the allocation may fill (class_fill)
    classes = np.zeros(shape, int)
    classes[si, ki] = own["seats"].astype(int).to_numpy() // courses["class_size"].to_numpy()[ki]
    can_run = offers & (classes >= 1)
    return Qualification(schools, courses, groups, offers, can_run, majors, sets, runs, classes, price, evaluator,
                         problem.debarments)


def lot_matrix(q: Qualification, lots: pd.DataFrame) -> np.ndarray:
    """Lot × course incidence (int)."""
    k_at = q.course_index()
    m = np.zeros((len(lots), len(q.courses)), int)
    for i, courses in enumerate(lots["courses"]):
        for c in str(courses).split(","):
            if c:
                m[i, k_at[c]] = 1
    return m


@dataclass
class Eligibility:
    """Lot × school results: every rule's outcome and the overall verdict."""

    no_major: np.ndarray
    missing: np.ndarray  # number of lot courses the school does not teach
    cannot_run: np.ndarray  # number of lot courses it teaches but cannot run a class of
    debarred: np.ndarray
    no_teachers: np.ndarray
    no_siyb: np.ndarray
    excluded: np.ndarray

    @property
    def eligible(self) -> np.ndarray:
        return ~(self.no_major | (self.missing > 0) | (self.cannot_run > 0) | self.debarred | self.no_teachers
                 | self.no_siyb | self.excluded)


def lot_eligibility(q: Qualification, lots: pd.DataFrame, m: np.ndarray | None = None) -> Eligibility:
    """Every rule for every (lot, school) by matrix products."""
    m = lot_matrix(q, lots) if m is None else m
    n_lots, n_schools = len(lots), len(q.schools)
    g_at = {g: i for i, g in enumerate(q.groups)}
    gi = np.array([g_at[g] for g in lots["group"]], int)
    no_major = ~q.majors[:, gi].T if n_lots else np.zeros((0, n_schools), bool)
    missing = m @ (~q.offers).astype(int).T
    cannot_run = m @ (q.offers & ~q.can_run).astype(int).T
    debarred = np.zeros((n_lots, n_schools), bool)
    for day in pd.unique(lots["date"]):
        debarred[(lots["date"] == day).to_numpy()] = q.debarred(day)
    entre = (q.courses["certificate_type"] == rules.ENTREPRENEURSHIP_TYPE).to_numpy()
    lot_entre = (m[:, entre].sum(axis=1) > 0) if n_lots else np.zeros(0, bool)
    no_teachers = np.broadcast_to((q.schools["platform_teachers"] <= 0).to_numpy(), (n_lots, n_schools))
    no_siyb = lot_entre[:, None] & (q.schools["siyb_trainers"] <= 0).to_numpy()[None, :]
    excluded = np.broadcast_to(q.schools["excluded"].to_numpy(), (n_lots, n_schools))
    return Eligibility(no_major, missing, cannot_run, debarred, no_teachers, no_siyb, excluded)


def course_qualified(q: Qualification, day: dt.date, entrepreneurship_needs_siyb: bool = True) -> np.ndarray:
    """School × course: would the school qualify for a lot of this course alone on ``day``?"""
    person = ((q.schools["platform_teachers"] > 0) & ~q.schools["excluded"]).to_numpy() & ~q.debarred(day)
    ok = q.can_run & person[:, None]
    course_group = q.courses["group"].map({g: i for i, g in enumerate(q.groups)}).to_numpy()
    ok &= q.majors[:, course_group]
    if entrepreneurship_needs_siyb:
        entre = (q.courses["certificate_type"] == rules.ENTREPRENEURSHIP_TYPE).to_numpy()
        ok[:, entre] &= (q.schools["siyb_trainers"] > 0).to_numpy()[:, None]
    return ok


def reasons(q: Qualification, e: Eligibility, lots: pd.DataFrame, m: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lot × school (codes, sentences) of why a school fails a lot; empty strings where it qualifies."""
    n_lots, n_schools = e.no_major.shape
    codes = np.full((n_lots, n_schools), "", dtype=object)
    texts = np.full((n_lots, n_schools), "", dtype=object)
    names = q.courses["name"].tolist()
    groups = lots["group_name"].tolist()
    dates = [pd.Timestamp(d).date().isoformat() for d in lots["date"]]
    fixed = {"R15": msg("proc.reason.R15"), "R16": msg("proc.reason.R16"), "scenario": msg("proc.reason.excluded")}
    lot_courses = [np.flatnonzero(row) for row in m]
    for i, j in zip(*np.nonzero(~e.eligible), strict=True):
        c, t = [], []
        if e.no_major[i, j]:
            c.append("R3")
            t.append(msg("proc.reason.R3_major", group=groups[i]))
        elif e.missing[i, j]:
            c.append("R3")
            t.append(msg("proc.reason.R3_course", courses="、".join(names[k] for k in lot_courses[i]
                                                                     if not q.offers[j, k])))
        if e.cannot_run[i, j]:
            c.append("R5-R7")
            t.append(msg("proc.reason.R7", courses="、".join(names[k] for k in lot_courses[i]
                                                              if q.offers[j, k] and not q.can_run[j, k])))
        if e.debarred[i, j]:
            c.append("R14")
            t.append(msg("proc.reason.R14", date=dates[i]))
        for code, hit in (("R15", e.no_teachers[i, j]), ("R16", e.no_siyb[i, j]), ("scenario", e.excluded[i, j])):
            if hit:
                c.append(code)
                t.append(fixed[code])
        codes[i, j], texts[i, j] = ",".join(c), " | ".join(t)
    return codes, texts


def r13_flags(q: Qualification, m: np.ndarray) -> np.ndarray:
    """Lot × school: the first lot course for which the school is an evaluator while others exist (R13), or -1."""
    holders = q.evaluator.sum(axis=0)
    flagged = q.evaluator & (holders > 1)[None, :]  # the only evaluator in the province may 考培结合
    out = np.full((m.shape[0], len(q.schools)), -1)
    for k in range(m.shape[1]):
        hit = (m[:, k] > 0)[:, None] & flagged[:, k][None, :] & (out < 0)
        out[hit] = k
    return out
