"""`yunnan-plan solve` on the shipped data: the written tables meet every total of the notice."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from optimizer.cli import main
from optimizer.data.loader import load_plan

# Annex 1 column 5 (万人次 → 人次), typed from the notice
TECH_SCHOOL_TARGETS = {
    "昆明市": 50000, "曲靖市": 26000, "玉溪市": 12000, "保山市": 9000, "昭通市": 15000, "丽江市": 3000,
    "普洱市": 10000, "临沧市": 14000, "楚雄州": 8000, "红河州": 16000, "文山州": 10000, "西双版纳州": 3000,
    "大理州": 14000, "德宏州": 6000, "怒江州": 2000, "迪庆州": 2000,
}


@pytest.fixture(scope="module")
def solved(solve_folder):
    code, out = solve_folder
    read = {name: pd.read_csv(out / f"{name}.csv", encoding="utf-8-sig", dtype={"adcode": str})
            for name in ("school_allocation", "project_allocation", "institution_load")}
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    return code, read, summary, out


def test_solve_succeeds_and_is_verified(solved):
    code, _, summary, _ = solved
    assert code == 0
    assert summary["status"] == "optimal" and summary["verified"] is True


def test_every_school_meets_its_annex2_quota(solved):
    _, t, _, _ = solved
    got = t["school_allocation"].groupby("school")["trainees"].sum()
    plan = load_plan()
    expected = dict(zip(plan.annex2["school"], plan.annex2["quota"], strict=True))
    assert got.to_dict() == expected
    assert got["云南技师学院"] == 20000 and got["昆明华航技校"] == 1000 and got.sum() == 200000


def test_every_prefecture_meets_annex1_column5(solved):
    _, t, _, _ = solved
    assert t["school_allocation"].groupby("prefecture")["trainees"].sum().to_dict() == TECH_SCHOOL_TARGETS


def test_every_unit_prefecture_cell_meets_annex4(solved):
    _, t, _, _ = solved
    got = t["project_allocation"].groupby(["unit", "prefecture"])["trainees"].sum()
    plan = load_plan()
    cells = plan.annex4[plan.annex4["trainees"] > 0]
    expected = {(h, plan.prefecture_name(p)): n for h, p, n in zip(cells["header"], cells["prefecture"],
                                                                     cells["trainees"], strict=True)}
    assert got.to_dict() == expected
    assert got.sum() == 60000


def test_every_unit_reaches_the_certificate_share(solved):
    _, t, summary, _ = solved
    proj = t["project_allocation"]
    for unit, frame in proj.groupby("unit"):
        cert = frame.loc[frame["certificate_type"].isin(["职业资格证书", "职业技能等级证书"]), "trainees"].sum()
        assert cert / frame["trainees"].sum() >= 0.6, unit
    assert min(summary["certificate_share"].values()) >= 0.6


def test_capacity_and_classes(solved):
    _, t, _, _ = solved
    load = t["institution_load"]
    assert (load["used"] <= load["capacity"]).all()
    for table in ("school_allocation", "project_allocation"):
        frame = t[table]
        size = frame["certificate_type"].map(lambda c: 30 if c == "创业培训" else 60)
        assert ((frame["trainees"] + size - 1) // size <= frame["classes"]).all()  # R5: at least ⌈n / size⌉
        assert (frame["classes"] * 15 <= frame["trainees"]).all()  # and none below the minimum class


def test_lp_bound_and_integer_gap_are_reported(solved):
    _, _, summary, out = solved
    assert summary["lp_bound"] <= summary["objective"] + 1e-6
    assert 0 <= summary["integer_gap"] < 1e-3
    assert set(summary["objective_terms"]) == {"cost", "travel", "band", "mix", "balance"}
    assert json.loads((out / "timings.json").read_text(encoding="utf-8"))["seconds"]["solve_lp"] > 0


def test_same_input_gives_byte_identical_output(solved, tmp_path):
    _, _, _, first = solved
    assert main(["solve", "--out", str(tmp_path)]) == 0
    for name in ("school_allocation.csv", "project_allocation.csv", "institution_load.csv", "summary.json"):
        assert (first / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_schools_meet_the_column_2_and_3_floors_in_every_prefecture(solved):
    """Issue 13: floors = column × column 5 / column 1 (rounded up), recomputed here from Annex 1 as printed."""
    _, t, summary, _ = solved
    a1 = pd.read_csv("data/annex1_targets.csv", encoding="utf-8").set_index("row")
    courses = pd.read_csv("data/courses.csv", encoding="utf-8").set_index("code")
    x = t["school_allocation"]
    for name, target in TECH_SCHOOL_TARGETS.items():
        r = a1.loc[name]
        mine = x[x["prefecture"] == name]
        adv = mine.loc[mine["course_code"].map(courses["advanced"]), "trainees"].sum()
        cert = mine.loc[mine["course_code"].map(courses["certificate_class"]), "trainees"].sum()
        qual = mine.loc[mine["certificate_type"] == "培训合格证书", "trainees"].sum()
        share = r["col5"] / r["col1"]
        assert adv >= round(r["col3"] * 10000 * share) - 1, name  # ceil of the floor, float-tolerant
        assert cert >= round(r["col2"] * 10000 * share) - 1, name
        assert qual <= 0.10 * target, name
    assert summary["annex1_columns"]["province"]["school_advanced"] > 30000  # 1,319 before issue 13


def test_classes_fit_sizes_and_slots(solved):
    """Every class in [15, class size]; per (institution, course) at most sets × ⌊days / ⌈hours / 8⌉⌋ classes,
    recomputed from offers.csv and courses.csv."""
    _, _, _, out = solved
    classes = pd.read_csv(out / "classes.csv", encoding="utf-8-sig", dtype={"adcode": str})
    courses = pd.read_csv("data/courses.csv", encoding="utf-8").set_index("code")
    offers = pd.read_csv("data/offers.csv", encoding="utf-8").set_index(["institution", "course"])
    size = classes["course_code"].map(courses["max_class_size"])
    assert classes["trainees"].between(15, size).all()
    used = classes.groupby(["institution_code", "course_code"]).size()
    hours = used.index.get_level_values(1).map(courses["class_hours"]).to_numpy()
    o = offers.reindex(used.index)
    slots = o["equipment_sets"].to_numpy() * (o["days_available"].to_numpy() // -(-hours // 8))
    assert (used.to_numpy() <= slots).all()


def test_counties_are_balanced_and_mixed(solved):
    _, _, summary, _ = solved
    bal = summary["county_balance"]
    assert bal["on_band_limit"] <= bal["counties"] / 4
    assert bal["single_group_counties"] == []


def test_no_unit_at_another_units_centre_and_no_siyb_without_trainers(solved):
    _, t, _, _ = solved
    inst = pd.read_csv("data/institutions.csv", encoding="utf-8").set_index("code")
    z = t["project_allocation"]
    owner = z["institution_code"].map(inst["unit"]).fillna("")
    assert ((owner == "") | (owner == z["unit_code"]) | z["institution_code"].map(inst["filed"])).all()
    for frame, col in ((t["school_allocation"], "school_code"), (z, "institution_code")):
        siyb = frame[frame["certificate_type"] == "创业培训"]
        assert (siyb[col].map(inst["siyb_trainers"]) > 0).all()


def test_the_readmes_baseline_figures_are_what_solve_gives(solved):
    """README quotes the baseline's cost, travel, gap to the LP bound, the units where R1 binds and the full offers:
    each is read from the README and compared with this solve, so a figure that goes stale fails here."""
    import re

    from tests.conftest import ROOT

    text = " ".join((ROOT / "README.md").read_text(encoding="utf-8").split())
    found = re.search(r"cost ([\d.]+) M yuan, travel ([\d.]+) M, ([\d.]+)% above the LP bound; R1 binds for (.+?) "
                      r"\(60\.0%\); (\d+) of (\d+) \(institution, course\) offers are full", text)
    assert found, "the README's baseline sentence changed shape"
    cost, travel, gap, units, full, offers = found.groups()
    _, read, summary, _ = solved
    terms = summary["objective_terms"]
    assert f"{terms['cost'] / 1e6:.1f}" == cost and f"{terms['travel'] / 1e6:.1f}" == travel
    assert f"{summary['integer_gap'] * 100:.2f}" == gap
    names = dict(zip(read["project_allocation"]["unit_code"], read["project_allocation"]["unit"], strict=False))
    at_floor = {names[u] for u, share in summary["certificate_share"].items() if round(share, 3) == 0.6}
    quoted = re.split(r", | and ", units)
    assert len(at_floor) == len(quoted) and all(any(n.startswith(u) for n in at_floor) for u in quoted)
    load = read["institution_load"]
    assert (int(full), int(offers)) == (int((load["used"] >= load["plannable"]).sum()), len(load))
