"""Synthetic multi-province instances in the project's own input format (a data folder), for benchmarks.

``write_synthetic(folder, provinces=31, seed=0)`` writes every table the loader reads. Shaped like the
country: 31 provinces, ~9 prefectures and ~92 counties each (~2,800 counties), ~80 schools each (~2,500),
100 courses, three provincial-project units per province. Capacities are sized 1.3–1.6x the load so every
instance is feasible; nothing here is real data.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

from optimizer import rules

PROVINCE_CODES = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
                  53, 54, 61, 62, 63, 64, 65]
GROUPS = [f"g{i:02d}" for i in range(1, 21)]
N_COURSES = 100


def _w(path: Path, header: list[str], rows: list[list[object]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)


def write_synthetic(folder: Path, provinces: int = 31, seed: int = 0, schools_per_province: int = 80,
                    prefectures_per_province: int = 9, counties_per_prefecture: int = 10) -> Path:
    """Write a feasible synthetic data folder; returns it."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    basis = "assumed: synthetic benchmark instance"
    courses = []
    for k in range(1, N_COURSES + 1):
        group = GROUPS[(k - 1) % len(GROUPS)]
        cert = k % 3 != 0
        level = ["五级", "四级", "三级"][k % 3] if cert else ""
        ctype = "职业技能等级证书" if cert else "培训合格证书"
        hours = 120 + 40 * (k % 3) if cert else 40
        courses.append([f"k{k:03d}", f"职业{k:03d}", group, ctype, level, hours, 60, str(cert).lower(),
                        str(cert and level == "三级").lower(), basis])
    _w(folder / "courses.csv", ["code", "profession", "group", "certificate_type", "level", "class_hours",
                                "max_class_size", "certificate_class", "advanced", "basis"], courses)
    _w(folder / "profession_groups.csv", ["code", "name", "basis"], [[g, f"专业{g}", basis] for g in GROUPS])
    prefectures, counties, inst, offers, annex1, annex2, units, scope, focus = [], [], [], [], [], [], [], [], []
    plans: dict[tuple[str, str], int] = {}
    seq = 0
    for pv in PROVINCE_CODES[:provinces]:
        pref_codes = []
        for pi in range(1, prefectures_per_province + 1):
            pc = f"{pv}{pi:02d}00"
            pref_codes.append(pc)
            name = f"省{pv}州{pi:02d}"
            prefectures.append([pc, name, name, "", basis])
            lon0, lat0 = 90 + (pv % 30), 22 + pi
            for ci in range(1, counties_per_prefecture + 1):
                cc = f"{pv}{pi:02d}{ci:02d}"
                counties.append([cc, f"县{cc}", name, pc, "县", round(lon0 + rng.random(), 6),
                                 round(lat0 + rng.random(), 6), rng.randint(50_000, 900_000), "", ""])
        total_quota = 0
        for si in range(1, schools_per_province + 1):
            seq += 1
            code = f"s{pv}{si:03d}"
            pref = rng.choice(pref_codes)
            county = f"{pref[:4]}{rng.randint(1, counties_per_prefecture):02d}"
            quota = rng.choice([1000, 2000, 3000, 5000])
            total_quota += quota
            inst.append([code, f"技工学校{code}", "技工学校", "", f"省{pv}州{pref[2:4]}", county, 20, 2, basis])
            annex2.append([str(seq), f"技工学校{code}", f"{quota / 10000:.4f}", ""])
            mine = rng.sample(range(N_COURSES), 8)
            for j, k in enumerate(mine):
                c = courses[k]
                days_per_class = -(-int(c[5]) // rules.MAX_CLASS_HOURS_PER_DAY)
                share = quota * 1.45 / 8 * (1.3 if j < 4 else 1.0)
                sets = max(1, round(share / (200 // days_per_class * 60)))
                offers.append([code, c[0], c[2], sets, 200, rng.randint(800, 2400), "false", basis])
        # targets: the province's quotas spread over its prefectures (column 5 = technical schools)
        weights = [rng.random() + 0.2 for _ in pref_codes]
        shares = [int(total_quota * w / sum(weights)) for w in weights]
        shares[0] += total_quota - sum(shares)
        for pc, t in zip(pref_codes, shares, strict=True):
            name = f"省{pv}州{pc[2:4]}"
            annex1.append([name, *(f"{v / 10000:.4f}" for v in (t * 3, t * 1.5, t / 2, t, t, 0, 0, 0, 0))])
            for g in GROUPS:
                focus.append([name, g, f"{1 / len(GROUPS):.3f}" if g != GROUPS[-1] else
                              f"{1 - round(1 / len(GROUPS), 3) * (len(GROUPS) - 1):.3f}", basis])
        for ui in range(1, 4):
            unit = f"u{pv}{ui}"
            units.append([unit, f"项目单位{unit}", f"项目单位{unit}", basis])
            groups = rng.sample(GROUPS, 6)
            scope += [[unit, g, basis] for g in groups]
            for pc in rng.sample(pref_codes, 4):
                plans[(unit, pc)] = rng.choice([200, 400, 600])
    total_a1 = [sum(float(r[i]) for r in annex1) for i in range(1, 10)]
    _w(folder / "prefectures.csv", ["adcode", "name", "full_name", "aliases", "basis"], prefectures)
    _w(folder / "counties.csv", ["adcode", "county", "prefecture", "prefecture_adcode", "kind", "lon", "lat",
                                 "population_2020", "centroid_lon", "centroid_lat"], counties)
    _w(folder / "annex1_targets.csv", ["row", *(f"col{i}" for i in range(1, 10))],
       [["全省", *(f"{v:.4f}" for v in total_a1)], *annex1])
    _w(folder / "annex2_school_quotas.csv", ["seq", "school", "quota_wan", "note"],
       [*annex2, ["合计", "", f"{sum(float(r[2]) for r in annex2):.4f}", ""]])
    _w(folder / "annex3_platforms.csv", ["seq", "printed", "operator", "platform", "url", "contact", "phone"],
       [["一", "平台", "", "平台", "http://example.invalid", "联系人", "0"]])
    unit_codes = [u[0] for u in units]
    header = ["州市", *(f"项目单位{u}" for u in unit_codes), "全省合计"]
    body = [["州市汇总", *(sum(v for (uu, _), v in plans.items() if uu == u) for u in unit_codes),
             sum(plans.values())]]
    for p in prefectures:
        cells = [plans.get((u, p[0]), 0) for u in unit_codes]
        body.append([p[1], *cells, sum(cells)])
    _w(folder / "annex4_project_trainees.csv", header, body)
    _w(folder / "annex5_entrepreneurship.csv", ["seq", "prefecture", "total", "siyb", "college_siyb", "online",
                                                "college_online", "livestream"],
       [*[[i + 1, p[1], 0, 0, 0, 0, 0, 0] for i, p in enumerate(prefectures)], ["合计", "", 0, 0, 0, 0, 0, 0]])
    _w(folder / "notice.csv", ["key", "value", "section", "quote"],
       [["number", "synthetic", "-", "-"], ["title", "synthetic instance", "-", "-"], ["date", "2022-02-11", "-", "-"],
        ["year", "2022", "-", "-"], ["breakdown_due", "2022-03-01", "-", "-"],
        ["tracking_report_1", "2022-06-30", "-", "-"], ["tracking_report_2", "2022-10-30", "-", "-"],
        ["subsidy_approval_working_days", "30", "-", "-"]])
    _w(folder / "notice_figures.csv", ["figure", "value", "unit", "section", "compares_with", "quote"],
       [["tech_school", f"{total_a1[4]:.4f}", "万人次", "synthetic", "annex1:5", "synthetic"]])
    # a training centre per unit, in its province, so units are served even where schools are full
    for u in units:
        code = f"i{u[0][1:]}"
        pv = u[0][1:3]
        pref = next(p[0] for p in prefectures if p[0].startswith(pv))
        inst.append([code, f"培训中心{code}", "企业培训中心", u[0], f"省{pv}州{pref[2:4]}", f"{pref[:4]}01", 10, 0,
                     basis])
        need = sum(v for (uu, _), v in plans.items() if uu == u[0])
        mine = [c for c in courses if c[2] in {s[1] for s in scope if s[0] == u[0]}][:6]
        for c in mine:
            days_per_class = -(-int(c[5]) // rules.MAX_CLASS_HOURS_PER_DAY)
            sets = max(1, round(need * 0.5 / (220 // days_per_class * 60)))
            offers.append([code, c[0], c[2], sets, 220, rng.randint(600, 1800), "false", basis])
    _w(folder / "institutions.csv", ["code", "name", "kind", "unit", "prefecture", "county_adcode",
                                     "platform_teachers", "siyb_trainers", "basis"], inst)
    _w(folder / "offers.csv", ["institution", "course", "major", "equipment_sets", "days_available",
                               "price_per_trainee", "evaluator", "basis"], offers)
    _w(folder / "units.csv", ["code", "name", "name_in_text", "basis"], units)
    _w(folder / "unit_scope.csv", ["unit", "group", "basis"], scope)
    _w(folder / "unit_counties.csv", ["unit", "prefecture", "county_adcode", "basis"], [])
    _w(folder / "profession_focus.csv", ["prefecture", "group", "share", "basis"], focus)
    _w(folder / "debarments.csv", ["institution", "decision_date", "years", "reason", "basis"], [])
    return folder
