"""Tiny data folders, written as real CSV files, for instances whose optimum is worked out by hand.

Two prefectures (昆明市 A, 曲靖市 B), three counties (五华区 in A; 麒麟区, 沾益区 in B), any number of schools,
units and institutions. Capacity of an offer = sets × ⌊days / ⌈hours/8⌉⌋ × class size.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

A, B = "530100", "530300"
A1, B1, B2 = "530102", "530302", "530303"
NAMES = {A: "昆明市", B: "曲靖市", A1: "五华区", B1: "麒麟区", B2: "沾益区"}
PREF_OF = {A1: A, B1: B, B2: B}


@dataclass
class Offer:
    institution: str
    course: str
    price: float
    sets: int = 1
    days: int = 300
    evaluator: bool = False


@dataclass
class Tiny:
    """A whole instance; defaults give a feasible plan."""

    quotas: dict[str, int] = field(default_factory=lambda: {"s01": 100, "s02": 50})  # school → persons
    homes: dict[str, str] = field(default_factory=lambda: {"s01": A1, "s02": B1})  # institution → county
    targets: dict[str, int] = field(default_factory=lambda: {A: 90, B: 60})  # Annex 1 column 5, persons
    plans: dict[tuple[str, str], int] = field(default_factory=lambda: {("u01", B): 100})  # Annex 4
    scope: dict[str, list[str]] = field(default_factory=lambda: {"u01": ["g1"]})
    centres: dict[str, str] = field(default_factory=lambda: {"i01": A1})  # non-school institution → county
    teachers: dict[str, int] = field(default_factory=dict)  # institution → platform teachers (default 5)
    offers: list[Offer] = field(default_factory=list)
    population: dict[str, int] = field(default_factory=lambda: {A1: 100, B1: 60, B2: 40})
    coords: dict[str, tuple[float, float]] = field(
        default_factory=lambda: {A1: (102.0, 25.0), B1: (103.0, 25.0), B2: (103.0, 26.0)})
    unit_counties: list[tuple[str, str, str]] = field(default_factory=list)  # unit, prefecture, county
    debarments: list[tuple[str, str, int]] = field(default_factory=list)  # institution, date, years


# Courses: k1 certificate-class (120 h → 15 days a class), k2 special ability (64 h → 8 days),
# k3 certificate-class in group g2, k4 other in g2.
COURSES = [
    ("k1", "电工", "g1", "职业技能等级证书", "四级", 120, 60, "true", "false"),
    ("k2", "电工安全", "g1", "专项职业能力证书", "", 64, 60, "false", "false"),
    ("k3", "茶艺师", "g2", "职业技能等级证书", "五级", 120, 60, "true", "false"),
    ("k4", "茶园管理", "g2", "培训合格证书", "", 40, 60, "false", "false"),
]


NOTICE_ROWS = [["number", "测试〔2022〕1号", "t", "t"], ["title", "测试通知", "t", "t"],
               ["date", "2022-02-11", "t", "t"],
               ["year", "2022", "t", "t"], ["breakdown_due", "2022-03-01", "t", "t"],
               ["tracking_report_1", "2022-06-30", "t", "t"], ["tracking_report_2", "2022-10-30", "t", "t"],
               ["subsidy_approval_working_days", "30", "t", "t"]]


def write(folder: Path, t: Tiny) -> Path:
    folder.mkdir(parents=True, exist_ok=True)

    def table(name: str, header: list[str], rows: list[list[object]]) -> None:
        with open(folder / f"{name}.csv", "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(header)
            w.writerows(rows)

    basis = "assumed: test instance"
    table("prefectures", ["adcode", "name", "full_name", "aliases", "basis"],
          [[A, NAMES[A], NAMES[A], "", basis], [B, NAMES[B], NAMES[B], "", basis]])
    table("counties", ["adcode", "county", "prefecture", "prefecture_adcode", "kind", "lon", "lat",
                       "population_2020", "centroid_lon", "centroid_lat"],
          [[c, NAMES[c], NAMES[PREF_OF[c]], PREF_OF[c], "市辖区", *t.coords[c], t.population[c], "", ""]
           for c in (A1, B1, B2)])
    cols = [f"col{i}" for i in range(1, 10)]
    rows = []
    for p in (A, B):
        wan = t.targets.get(p, 0) / 10000
        rows.append([NAMES[p], *[f"{wan:.4f}"] * 5, 0, 0, 0, 0])
    total = sum(t.targets.values()) / 10000
    table("annex1_targets", ["row", *cols], [["全省", *[f"{total:.4f}"] * 5, 0, 0, 0, 0], *rows])
    names = {s: f"测试学校{s}" for s in t.quotas}
    table("annex2_school_quotas", ["seq", "school", "quota_wan", "note"],
          [[i + 1, names[s], f"{q / 10000:.4f}", ""] for i, (s, q) in enumerate(sorted(t.quotas.items()))]
          + [["合计", "", f"{sum(t.quotas.values()) / 10000:.4f}", ""]])
    table("annex3_platforms", ["seq", "printed", "operator", "platform", "url", "contact", "phone"],
          [["一", "平台", "", "平台", "http://example.invalid", "联系人", "0"]])
    units = sorted({u for u, _ in t.plans} | set(t.scope))
    unit_names = {u: f"测试单位{u}" for u in units}
    header = ["州市", *[unit_names[u] for u in units], "全省合计"]
    body = [["州市汇总", *[sum(v for (uu, _), v in t.plans.items() if uu == u) for u in units],
             sum(t.plans.values())]]
    for p in (A, B):
        cells = [t.plans.get((u, p), 0) for u in units]
        body.append([NAMES[p], *cells, sum(cells)])
    table("annex4_project_trainees", header, body)
    table("annex5_entrepreneurship", ["seq", "prefecture", "total", "siyb", "college_siyb", "online",
                                      "college_online", "livestream"],
          [[1, NAMES[A], 0, 0, 0, 0, 0, 0], [2, NAMES[B], 0, 0, 0, 0, 0, 0], ["合计", "", 0, 0, 0, 0, 0, 0]])
    table("notice_figures", ["figure", "value", "unit", "section", "compares_with", "quote"],
          [["tech_school", f"{total:.4f}", "万人次", "一(二)", "annex1:5", "test"]])
    table("notice", ["key", "value", "section", "quote"], NOTICE_ROWS)
    table("profession_groups", ["code", "name", "basis"], [["g1", "电工类", basis], ["g2", "茶类", basis]])
    table("courses", ["code", "profession", "group", "certificate_type", "level", "class_hours", "max_class_size",
                      "certificate_class", "advanced", "basis"], [[*c, basis] for c in COURSES])
    inst_rows = []
    for code in sorted(t.quotas):
        home = t.homes[code]
        inst_rows.append([code, names[code], "技工学校", "", NAMES[PREF_OF[home]], home, t.teachers.get(code, 5), 0,
                          basis])
    for code, home in sorted(t.centres.items()):
        inst_rows.append([code, f"测试机构{code}", "培训机构", "", NAMES[PREF_OF[home]], home, t.teachers.get(code, 5),
                          0, basis])
    table("institutions", ["code", "name", "kind", "unit", "prefecture", "county_adcode", "platform_teachers",
                           "siyb_trainers", "basis"], inst_rows)
    group = {c[0]: c[2] for c in COURSES}
    table("offers", ["institution", "course", "major", "equipment_sets", "days_available", "price_per_trainee",
                     "evaluator", "basis"],
          [[o.institution, o.course, group[o.course], o.sets, o.days, o.price, str(o.evaluator).lower(), basis]
           for o in t.offers])
    table("units", ["code", "name", "name_in_text", "basis"], [[u, unit_names[u], unit_names[u], basis] for u in units])
    table("unit_scope", ["unit", "group", "basis"], [[u, g, basis] for u in units for g in t.scope.get(u, [])])
    table("unit_counties", ["unit", "prefecture", "county_adcode", "basis"],
          [[u, NAMES[p], c, basis] for u, p, c in t.unit_counties])
    table("profession_focus", ["prefecture", "group", "share", "basis"],
          [[NAMES[p], g, "0.5", basis] for p in (A, B) for g in ("g1", "g2")])
    table("debarments", ["institution", "decision_date", "years", "reason", "basis"],
          [[i, d, y, "test", basis] for i, d, y in t.debarments])
    return folder
