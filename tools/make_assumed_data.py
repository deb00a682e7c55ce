"""Write the assumed input tables of ``data/`` (institutions, offers, units, focus, debarments).

The notice gives no school locations, majors, capacities or prices, and no unit business scopes.
This script writes our assumptions down once, reproducibly, as editable CSV files: every row
carries a ``basis`` saying ``assumed: <reason>``. Bureaus replace the CSVs with their own data;
nothing at run time reads this script. Run from the repository root:

    python tools/make_assumed_data.py

Sizing rule (assumed, from the issue's brief): each school's capacity is about 1.2–1.6x its
Annex 2 quota plus the unit trainees it is expected to take, tighter for some professions, so
that the plan is feasible but a planner sees where it binds.
"""

from __future__ import annotations

import csv
import math
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"

# What public sources say about each table's numbers (issue 20; shared/docs/calibration.md, copied into
# data/SOURCES.md): appended to every row's basis, so each row cites its source or says none was found.
CITE = {
    "offers": "; capacity: none found (calibration.md: no per-school capacities or majors in Yunnan, Annex 2's quota "
              "is the best evidence); price inside calibration.md: Yunnan 2018 subsidy catalogue 300–1,600 元, 2021 "
              "average ≈ 2,333 元, award prices 2,000–4,000 元 per trainee",
    "institutions": "; teachers: none found (calibration.md has no staff or SIYB-trainer figures for Yunnan schools)",
    "unit_scope": "; none found: the units' business licences were not consulted (calibration.md has none)",
    "unit_counties": "; none found: no published county plan of a Yunnan unit (calibration.md: county-level plans)",
    "profession_focus": "; none found: calibration.md has no demand shares by trade for Yunnan's prefectures",
}

# code, name as printed in Annex 2, prefecture, county adcode, type, groups (majors), capacity
# factor over the quota (assumed), registered teachers, SIYB trainers, reason for the location.
SCHOOLS = [
    ("s01", "云南技师学院", "昆明市", "530114", "技师学院",
     "manufacturing electronics transport tourism elderly_care ecommerce construction entrepreneurship", 1.45, 160, 12,
     "provincial school in 昆明; campus county assumed 呈贡区"),
    ("s02", "云南工业技师学院", "昆明市", "530181", "技师学院",
     "manufacturing chemical electronics energy metallurgy", 1.35, 120, 6,
     "provincial industrial school in 昆明; campus county assumed 安宁市 (industrial zone)"),
    ("s03", "楚雄技师学院", "楚雄州", "532301", "技师学院",
     "manufacturing tourism elderly_care agriculture ecommerce construction entrepreneurship", 1.4, 90, 8,
     "named after 楚雄; prefecture seat 楚雄市"),
    ("s04", "玉溪技师学院", "玉溪市", "530402", "技师学院",
     "manufacturing tourism agriculture elderly_care ecommerce", 1.5, 60, 5, "named after 玉溪; seat 红塔区"),
    ("s05", "大理技师学院", "大理州", "532901", "技师学院",
     "tourism manufacturing elderly_care ecommerce agriculture entrepreneurship", 1.5, 60, 6,
     "named after 大理; seat 大理市"),
    ("s06", "保山技师学院", "保山市", "530502", "技师学院",
     "agriculture manufacturing tourism ecommerce", 1.45, 55, 4, "named after 保山; seat 隆阳区"),
    ("s07", "红河技师学院", "红河州", "532503", "技师学院",
     "manufacturing metallurgy tourism agriculture ecommerce entrepreneurship", 1.4, 80, 6,
     "named after 红河; prefecture seat 蒙自市"),
    ("s08", "云南交通技师学院", "昆明市", "530112", "技师学院",
     "transport manufacturing construction", 1.35, 90, 3, "provincial transport school in 昆明; county assumed 西山区"),
    ("s09", "云南省电子信息高级技工学校", "昆明市", "530103", "高级技工学校",
     "electronics ecommerce life_services entrepreneurship", 1.4, 85, 8,
     "provincial school in 昆明; county assumed 盘龙区"),
    ("s10", "云南冶金高级技工学校", "昆明市", "530181", "高级技工学校",
     "metallurgy manufacturing chemical", 1.3, 80, 2, "metallurgy school near the steel works of 安宁市 (assumed)"),
    ("s11", "云南省林业高级技工学校", "昆明市", "530114", "高级技工学校",
     "forestry agriculture tea tourism", 1.4, 80, 4, "provincial forestry school in 昆明; county assumed 呈贡区"),
    ("s12", "云南锡业集团高级技工学校", "红河州", "532501", "高级技工学校",
     "metallurgy manufacturing chemical", 1.3, 55, 2, "tin group's school in 个旧市 (锡都)"),
    ("s13", "云南铜业高级技工学校", "昆明市", "530112", "高级技工学校",
     "metallurgy manufacturing chemical", 1.3, 60, 2, "copper group's school in 昆明; county assumed 西山区"),
    ("s14", "昆明高级技工学校", "昆明市", "530102", "高级技工学校",
     "manufacturing tourism life_services elderly_care", 1.5, 40, 3, "city school of 昆明; county assumed 五华区"),
    ("s15", "曲靖技师学院", "曲靖市", "530302", "技师学院",
     "manufacturing energy transport construction tourism entrepreneurship", 1.4, 60, 5,
     "named after 曲靖; seat 麒麟区"),
    ("s16", "临沧技师学院", "临沧市", "530902", "技师学院",
     "tea agriculture tourism ecommerce elderly_care", 1.35, 60, 4, "named after 临沧; seat 临翔区"),
    ("s17", "文山州高级技工学校", "文山州", "532601", "高级技工学校",
     "agriculture pharmacy tourism manufacturing elderly_care", 1.4, 55, 4, "named after 文山; seat 文山市"),
    ("s18", "云南建投技工学校", "昆明市", "530112", "技工学校",
     "construction manufacturing transport", 1.3, 100, 2, "construction group's school in 昆明; county assumed 西山区"),
    ("s19", "云南监狱管理局技工学校", "昆明市", "530114", "技工学校",
     "life_services agriculture", 1.5, 10, 0, "prison administration's school in 昆明; county assumed 呈贡区"),
    ("s20", "云南庆来技工学校", "昆明市", "530111", "技工学校",
     "transport life_services", 1.5, 15, 1, "private school in 昆明; county assumed 官渡区"),
    ("s21", "昆明交通技工学校", "昆明市", "530111", "技工学校",
     "transport construction", 1.3, 50, 1, "city transport school; county assumed 官渡区"),
    ("s22", "昆明化工技工学校", "昆明市", "530112", "技工学校",
     "chemical manufacturing", 1.5, 10, 0, "city chemical school; county assumed 西山区"),
    ("s23", "昆明市林业技工学校", "昆明市", "530181", "技工学校",
     "forestry agriculture", 1.5, 15, 0, "city forestry school; county assumed 安宁市"),
    ("s24", "昆明电机技工学校", "昆明市", "530103", "技工学校",
     "manufacturing electronics", 1.5, 10, 0, "city electrical school; county assumed 盘龙区"),
    ("s25", "陆良县技工学校", "曲靖市", "530322", "技工学校",
     "manufacturing agriculture life_services", 1.5, 10, 1, "named after 陆良县"),
    ("s26", "普洱技工学校", "普洱市", "530802", "技工学校",
     "tea agriculture tourism ecommerce", 1.3, 40, 3, "named after 普洱; seat 思茅区"),
    ("s27", "昭通市技工学校", "昭通市", "530602", "技工学校",
     "agriculture construction life_services", 1.5, 10, 1, "named after 昭通; seat 昭阳区"),
    ("s28", "怒江州技工学校", "怒江州", "533301", "技工学校",
     "agriculture tourism construction", 1.5, 10, 1, "named after 怒江; seat 泸水市"),
    ("s29", "德宏州技工学校", "德宏州", "533103", "技工学校",
     "agriculture tourism ecommerce", 1.5, 10, 1, "named after 德宏; seat 芒市"),
    ("s30", "云南新华技工学校", "昆明市", "530111", "技工学校",
     "life_services tourism electronics", 1.4, 35, 2, "private school in 昆明; county assumed 官渡区"),
    ("s31", "云南新西南技工学校", "昆明市", "530112", "技工学校",
     "tourism life_services", 1.5, 10, 0, "private school in 昆明; county assumed 西山区"),
    ("s32", "云南耀兴卓越技工学校", "昆明市", "530111", "技工学校",
     "ecommerce life_services elderly_care", 1.5, 15, 1, "private school in 昆明; county assumed 官渡区"),
    ("s33", "昆明华航技校", "昆明市", "530111", "技工学校",
     "electronics life_services", 1.5, 10, 0, "private school in 昆明; county assumed 官渡区"),
]

# Annex 2 quotas in persons, only to size capacity (the loader reads the real figures from Annex 2).
QUOTA = {
    "s01": 20000, "s02": 15000, "s03": 10000, "s04": 5000, "s05": 5000, "s06": 5000, "s07": 9000,
    "s08": 10000, "s09": 10000, "s10": 10000, "s11": 10000, "s12": 7000, "s13": 8000, "s14": 5000,
    "s15": 6000, "s16": 8000, "s17": 8000, "s18": 15000, "s19": 1000, "s20": 2000, "s21": 9000,
    "s22": 1000, "s23": 2000, "s24": 1000, "s25": 1000, "s26": 5000, "s27": 1000, "s28": 1000,
    "s29": 1000, "s30": 5000, "s31": 1000, "s32": 2000, "s33": 1000,
}

# Extra places (persons) a school is expected to take from provincial-project units (R11), assumed.
UNIT_PARTNER_LOAD = {
    "s01": 3000, "s02": 1500, "s08": 1500, "s10": 1500, "s11": 1500, "s16": 3000, "s17": 1000,
    "s18": 3000, "s26": 2500, "s05": 1000, "s03": 1000, "s07": 1000, "s15": 1000, "s14": 1500,
    "s32": 1500, "s09": 1000,
}

# Non-school institutions: a unit's own training centre or another filed institution (R11).
INSTITUTIONS = [
    ("i01", "云南建投集团职工培训中心", "企业培训中心", "u01", "昆明市", "530112",
     "construction manufacturing transport",
     9000, 60, 0, "assumed: 建投 runs an in-house staff training centre in 昆明"),
    ("i02", "昆钢职工培训中心", "企业培训中心", "u02", "昆明市", "530181", "metallurgy manufacturing energy",
     4500, 40, 0, "assumed: 昆钢's staff training centre at the 安宁 steel works"),
    ("i03", "云南交投集团培训中心", "企业培训中心", "u03", "昆明市", "530111", "transport construction tourism",
     2500, 30, 0, "assumed: 交投 runs a staff training centre in 昆明"),
    ("i04", "一心堂职业培训学校", "企业培训中心", "u05", "昆明市", "530102", "pharmacy elderly_care ecommerce",
     9000, 50, 2, "assumed: 一心堂 trains its pharmacy staff in-house in 昆明"),
    ("i05", "临沧市茶业职业技能培训学校", "培训机构", "", "临沧市", "530921", "tea agriculture ecommerce",
     6500, 25, 1, "assumed: a filed private tea school in 凤庆县 (滇红 tea county)"),
    ("i06", "普洱市茶产业职业培训中心", "培训机构", "", "普洱市", "530802", "tea agriculture ecommerce",
     4000, 20, 1, "assumed: a filed tea training centre in 思茅区"),
    ("i07", "西双版纳州职业技能培训中心", "培训机构", "", "西双版纳州", "532801",
     "tea tourism agriculture elderly_care",
     3500, 20, 1, "assumed: a filed training centre in 景洪市"),
    ("i08", "云南省职工技能培训中心", "培训机构", "", "昆明市", "530103",
     "manufacturing construction elderly_care tourism life_services ecommerce",
     9000, 50, 2, "assumed: a filed staff-training centre in 昆明 serving trade-union / chamber members"),
    ("i09", "大理州职业技能培训学校", "培训机构", "", "大理州", "532901",
     "tourism elderly_care agriculture tea ecommerce", 3000, 0, 0,
     "assumed: a filed school with no teachers registered on the provincial platform yet (R15 test case)"),
]

# Units of Annex 4: code, name as printed in Annex 4's header, name as printed in the notice's text
# (三(一)), allowed groups (business scope, R2), reason.
UNITS = [
    ("u01", "云南省建设投资控股集团有限公司", "云南省建设投资控股集团有限公司", "construction manufacturing transport",
     "assumed: a construction investment group's licence covers building、road works and their trades"),
    ("u02", "昆明钢铁控股有限公司", "昆明钢铁控股有限公司", "metallurgy manufacturing energy",
     "assumed: a steel group's licence covers smelting、rolling、maintenance and power"),
    ("u03", "云南省交通投资建设集团有限公司", "云南省交通投资建设集团有限公司", "transport construction tourism",
     "assumed: road builder and operator of expressway service areas"),
    ("u04", "云南省能源投资集团有限公司", "云南省能源投资集团有限公司", "energy chemical manufacturing",
     "assumed: power、gas and chemical businesses"),
    ("u05", "一心堂药业集团有限公司", "一心堂药业集团股份有限公司", "pharmacy elderly_care ecommerce",
     "assumed: pharmacy retail chain with health services and online sales"),
    ("u06", "云南省总工会", "云南省总商会",
     "manufacturing construction elderly_care tourism life_services ecommerce agriculture",
     "assumed: a province-wide body of member enterprises across trades"),
    ("u07", "云南省茶叶流通协会", "云南省茶叶流通协会", "tea ecommerce",
     "assumed: tea trade association: tea processing、tasting and online selling"),
]

# Counties where a unit operates in a prefecture (R10). A (unit, prefecture) not listed means
# every county of the prefecture. All assumed from where the businesses are.
UNIT_COUNTIES = [
    ("u02", "昆明市", ["530181"], "steel works at 安宁市"),
    ("u02", "红河州", ["532501", "532502"], "mining and smelting at 个旧市、开远市"),
    ("u04", "普洱市", ["530802"], "power assets near 思茅区"),
    ("u04", "文山州", ["532601", "532627"], "power assets at 文山市、广南县"),
    ("u07", "临沧市", ["530902", "530921", "530922", "530925"], "tea counties 临翔区、凤庆县、云县、双江县"),
    ("u07", "普洱市", ["530802", "530821", "530827"], "tea counties 思茅区、宁洱县、孟连县"),
    ("u07", "西双版纳州", ["532801", "532822"], "tea counties 景洪市、勐海县"),
    ("u07", "保山市", ["530502", "530524"], "tea counties 隆阳区、昌宁县"),
    ("u07", "大理州", ["532926", "532927"], "tea counties 南涧县、巍山县"),
    ("u07", "红河州", ["532529", "532530"], "tea counties 红河县、金平县"),
    ("u07", "德宏州", ["533102", "533103"], "tea counties 瑞丽市、芒市"),
    ("u07", "文山州", ["532623"], "tea county 西畴县"),
    ("u07", "昆明市", ["530102", "530111"], "tea market in 五华区、官渡区"),
]

GROUPS = [
    "construction", "metallurgy", "manufacturing", "transport", "energy", "chemical", "pharmacy", "tea",
    "elderly_care", "tourism", "agriculture", "ecommerce", "forestry", "electronics", "life_services",
]

# Profession focus: extra weight by prefecture, on top of an even base (assumed from each economy).
FOCUS_TILT = {
    "昆明市": {"manufacturing": 3, "construction": 2, "electronics": 2, "tourism": 2, "elderly_care": 2,
             "life_services": 2, "transport": 1, "pharmacy": 1, "metallurgy": 1},
    "曲靖市": {"manufacturing": 3, "energy": 2, "construction": 2, "agriculture": 2, "transport": 1},
    "玉溪市": {"manufacturing": 2, "agriculture": 2, "tourism": 2, "elderly_care": 1},
    "保山市": {"agriculture": 3, "tourism": 2, "ecommerce": 1, "manufacturing": 1},
    "昭通市": {"agriculture": 3, "construction": 2, "life_services": 2, "elderly_care": 1},
    "丽江市": {"tourism": 4, "elderly_care": 1, "forestry": 1},
    "普洱市": {"tea": 4, "agriculture": 2, "forestry": 1, "tourism": 1},
    "临沧市": {"tea": 4, "agriculture": 2, "ecommerce": 1},
    "楚雄州": {"manufacturing": 2, "agriculture": 2, "tourism": 1, "elderly_care": 1},
    "红河州": {"metallurgy": 3, "agriculture": 2, "manufacturing": 1, "tourism": 1},
    "文山州": {"pharmacy": 2, "agriculture": 3, "manufacturing": 1},
    "西双版纳州": {"tourism": 3, "tea": 2, "agriculture": 2},
    "大理州": {"tourism": 4, "elderly_care": 2, "agriculture": 1},
    "德宏州": {"agriculture": 2, "tourism": 2, "ecommerce": 2},
    "怒江州": {"agriculture": 3, "tourism": 2, "forestry": 2},
    "迪庆州": {"tourism": 3, "forestry": 2, "agriculture": 1},
}

# R11 (三(一)): units partner with filed technical schools or training institutions; a company's own centre
# trains its own staff (三(三): 企业职工培训中心可组织本企业职工…), so it is not filed for other units.
FILED_BASIS = {
    "技师学院": "filed: notice 三(一) names technical schools as partners of provincial projects",
    "高级技工学校": "filed: notice 三(一) names technical schools as partners of provincial projects",
    "技工学校": "filed: notice 三(一) names technical schools as partners of provincial projects",
    "培训机构": "filed: assumed 备案 with the prefecture's HRSS bureau (a filed training institution, 三(一))",
    "企业培训中心": "not filed: assumed; a company centre trains its own unit's staff (notice 三(三))",
}

# Seats are sized in whole classes (R5–R7): a plan fills about 80% of the seats its class slots hold (classes
# below 60, one part-filled class per course and county), so sets are sized for the load / 0.8 (issue 13).
CLASS_FILL = 0.8
# Schools that train 高级工 (三级) courses: Annex 1 column 3 needs about a sixth of the schools' trainees at
# 三级 and above (column 3 × column 5 / column 1, summed), so these schools give their 高级工 courses 35% of
# their places (assumed; 2021's plan had 4万 高级工 of 20万 certificate-class, calibration.md).
ADVANCED_SCHOOLS = {"技师学院", "高级技工学校"}

DAYS_AVAILABLE = {"技师学院": 200, "高级技工学校": 180, "技工学校": 160, "企业培训中心": 220, "培训机构": 240}
BASE_PRICE = {"五级": 1200, "四级": 1600, "三级": 2000, "专项职业能力证书": 900, "培训合格证书": 500, "创业培训": 1000}
PRICE_FACTOR = {"技师学院": 1.10, "高级技工学校": 1.05, "技工学校": 1.0, "企业培训中心": 0.95, "培训机构": 0.9}
# Groups where capacity is deliberately tight (assumed): few workshops in the province.
TIGHT_GROUPS = {"tea": 0.75, "metallurgy": 0.85, "energy": 0.8}


def read_courses() -> list[dict[str, str]]:
    with open(DATA / "courses.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def per_set_capacity(course: dict[str, str], days: int) -> int:
    days_per_class = math.ceil(int(course["class_hours"]) / 8)
    return (days // days_per_class) * int(course["max_class_size"])


def price(course: dict[str, str], kind: str, code: str) -> int:
    key = course["level"] or course["certificate_type"]
    wobble = 1 + ((int(code[1:]) * 7 + int(course["code"][1:]) * 3) % 11 - 5) / 100  # ±5%, deterministic
    return int(round(BASE_PRICE[key] * PRICE_FACTOR[kind] * wobble / 10) * 10)


def pick_courses(chosen: list[dict[str, str]], n: int) -> list[dict[str, str]]:
    """Take ``n`` courses round-robin over the groups, so every major keeps some courses."""
    by_group: dict[str, list[dict[str, str]]] = {}
    for c in chosen:
        by_group.setdefault(c["group"], []).append(c)
    for group, courses in by_group.items():  # alternate certificate-class and other courses in each group
        cert = [c for c in courses if c["certificate_class"] == "true"]
        other = [c for c in courses if c["certificate_class"] != "true"]
        mixed = [c for pair in zip(cert, other, strict=False) for c in pair]
        by_group[group] = mixed + cert[len(other):] + other[len(cert):]
    picked: list[dict[str, str]] = []
    depth = 0
    while len(picked) < n and any(depth < len(v) for v in by_group.values()):
        for courses in by_group.values():
            if depth < len(courses) and len(picked) < n:
                picked.append(courses[depth])
        depth += 1
    return sorted(picked, key=lambda c: c["code"])


def offers_for(code: str, kind: str, groups: list[str], target: float, courses, siyb: int):
    """Spread ``target`` places over the institution's courses; certificate-class courses get 70%.

    Large courses get whole equipment sets at the type's available days; a small course gets one
    set and only the days it needs (the workshop also serves full-time students).
    """
    chosen = [c for c in courses if c["group"] in groups]
    if siyb == 0:
        chosen = [c for c in chosen if c["group"] != "entrepreneurship"]
    n = max(4, min(len(chosen), round(target / 1200)))
    picked = pick_courses(chosen, n)
    if kind in ADVANCED_SCHOOLS:  # 技师学院 and 高级技工学校 teach their majors' 高级工 courses (Annex 1 column 3)
        picked = sorted({c["code"]: c for c in picked + [c for c in chosen if c["advanced"] == "true"]}.values(),
                        key=lambda c: c["code"])
    chosen = picked
    advanced = [c for c in chosen if c["advanced"] == "true"]
    cert = [c for c in chosen if c["certificate_class"] == "true" and c["advanced"] != "true"]
    other = [c for c in chosen if c["certificate_class"] != "true"]
    shares = ((0.35, advanced), (0.4, cert), (0.25, other)) if advanced else ((0.7, cert), (0.3, other))
    rows = []
    present = sum(share for share, subset in shares if subset)
    for share, subset in shares:
        if not subset:
            continue
        share = share / present
        for c in subset:
            places = target * share / len(subset) * TIGHT_GROUPS.get(c["group"], 1.0)
            days = DAYS_AVAILABLE[kind]
            per_set = per_set_capacity(c, days)
            if places >= per_set:
                sets = round(places / per_set)
            else:
                dpc = math.ceil(int(c["class_hours"]) / 8)
                sets, days = 1, dpc * max(1, math.ceil(places / int(c["max_class_size"])))
            evaluator = "true" if kind == "技师学院" and c["certificate_class"] == "true" else "false"
            rows.append([code, c["code"], c["group"], sets, days, price(c, kind, code), evaluator,
                         "assumed: sized so 80% of the seats (class_fill) are ~1.2–1.6x the expected load; days and "
                         "price by school type" + CITE["offers"]])
    return rows


def main() -> None:
    courses = read_courses()
    inst_rows, offer_rows = [], []
    for code, name, pref, county, kind, groups, factor, teachers, siyb, reason in SCHOOLS:
        inst_rows.append([code, name, kind, "", pref, county, teachers, siyb, "true",
                          f"assumed: {reason}; {FILED_BASIS[kind]}" + CITE["institutions"]])
        target = factor * (QUOTA[code] + UNIT_PARTNER_LOAD.get(code, 0)) / CLASS_FILL
        offer_rows += offers_for(code, kind, groups.split(), target, courses, siyb)
    for code, name, kind, unit, pref, county, groups, target, teachers, siyb, reason in INSTITUTIONS:
        filed = "false" if kind == "企业培训中心" else "true"
        inst_rows.append([code, name, kind, unit, pref, county, teachers, siyb, filed,
                          f"{reason}; {FILED_BASIS[kind]}" + CITE["institutions"]])
        offer_rows += offers_for(code, kind, groups.split(), target / CLASS_FILL, courses, siyb)

    with open(DATA / "institutions.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "kind", "unit", "prefecture", "county_adcode", "platform_teachers",
                    "siyb_trainers", "filed", "basis"])
        w.writerows(inst_rows)
    with open(DATA / "offers.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["institution", "course", "major", "equipment_sets", "days_available", "price_per_trainee",
                    "evaluator", "basis"])
        w.writerows(offer_rows)
    with open(DATA / "units.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["code", "name", "name_in_text", "basis"])
        for code, name, text_name, _groups, _reason in UNITS:
            w.writerow([code, name, text_name, "notice: Annex 4 header and 三(一), each as printed"])
    with open(DATA / "unit_scope.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["unit", "group", "basis"])
        for code, _name, _text, groups, reason in UNITS:
            for g in groups.split():
                w.writerow([code, g, reason + CITE["unit_scope"]])
    with open(DATA / "unit_counties.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["unit", "prefecture", "county_adcode", "basis"])
        for unit, pref, counties, reason in UNIT_COUNTIES:
            for c in counties:
                w.writerow([unit, pref, c, f"assumed: {reason}" + CITE["unit_counties"]])
    with open(DATA / "profession_focus.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["prefecture", "group", "share", "basis"])
        for pref, tilt in FOCUS_TILT.items():
            weights = {g: 1 + tilt.get(g, 0) for g in GROUPS}
            total = sum(weights.values())
            shares = {g: round(weights[g] / total, 3) for g in GROUPS}
            biggest = max(shares, key=shares.get)
            shares[biggest] = round(shares[biggest] + 1 - sum(shares.values()), 3)
            for g in GROUPS:
                w.writerow([pref, g, f"{shares[g]:.3f}",
                            "assumed: even base plus weight for the prefecture's leading industries"
                            " and the notice's focus areas (一(一))" + CITE["profession_focus"]])
    with open(DATA / "debarments.csv", "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["institution", "decision_date", "years", "reason", "basis"])


if __name__ == "__main__":
    main()
