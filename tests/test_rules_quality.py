"""Issue 13's rules on tiny instances worked out by hand: R11 (filed partners), R13 (assessors), R16 (SIYB
trainers), R18 (ranking by subsidised volume), Annex 1 column 3 floors, whole classes."""

from __future__ import annotations

import pandas as pd
import pytest

from optimizer.data.loader import load_plan
from optimizer.data.params import ModelParams, ObjectiveWeights
from optimizer.model.problem import build_problem
from optimizer.model.report import top_institutions
from optimizer.model.solve import allocate
from optimizer.model.verify import verify
from tests.tiny import A, B, Offer, Tiny, write

COST_ONLY = ObjectiveWeights(cost=1, travel=0, band=0, mix=0, balance=0)


def base_offers() -> list[Offer]:
    return [Offer("s01", "k1", 10), Offer("s02", "k1", 12), Offer("s02", "k2", 5), Offer("i01", "k2", 3)]


def solve(tmp_path, tiny: Tiny, **params):
    problem = build_problem(load_plan(write(tmp_path / "data", tiny)), ModelParams(weights=COST_ONLY, **params))
    return problem, allocate(problem)


def test_r11_another_units_centre_is_not_a_partner_unless_filed(tmp_path):
    """i01 is u02's own centre (not filed). u01's 40 non-certificate trainees cannot go there at 3 yuan; they go to
    s02's k2 at 5: 1,000 + 250 + 60×10 + 40×5 = 2,050 (with i01 usable, 1,970). Filed, i01 is usable again."""
    plans = {("u01", B): 100, ("u02", A): 0}
    tiny = Tiny(offers=base_offers(), plans=plans, scope={"u01": ["g1"], "u02": ["g1"]}, centre_units={"i01": "u02"})
    problem, sol = solve(tmp_path / "a", tiny)
    assert sol.ok and sol.summary["objective"] == pytest.approx(2050)
    assert "i01" not in set(sol.project_allocation["institution_code"])
    assert verify(problem, sol) == []
    tiny.filed = {"i01": True}
    _, sol = solve(tmp_path / "b", tiny)
    assert sol.summary["objective"] == pytest.approx(1970)


def test_r16_no_entrepreneurship_course_without_siyb_trainers(tmp_path):
    """s02 offers SIYB (k6) at 1 yuan but has no SIYB trainer: its 50 stay in k2 at 5 (250) and u01's 40
    non-certificate trainees at i01's k2 at 3 (120): 1,970. With 2 trainers both take k6 at 1: 1,970 − 200 − 80
    = 1,690."""
    offers = [*base_offers(), Offer("s02", "k6", 1)]
    problem, sol = solve(tmp_path / "a", Tiny(offers=offers))
    assert sol.ok and sol.summary["objective"] == pytest.approx(1970)
    assert "k6" not in set(sol.school_allocation["course_code"])
    assert verify(problem, sol) == []
    _, sol = solve(tmp_path / "b", Tiny(offers=offers, siyb={"s02": 2}))
    assert sol.summary["objective"] == pytest.approx(1690)
    c = sol.classes
    k6 = c[(c["course_code"] == "k6") & (c["programme"] == "school")]
    assert k6["trainees"].sum() == 50 and k6["trainees"].max() <= 30 and len(k6) >= 2  # R5: classes of ≤ 30


def test_r13_an_evaluator_sends_its_trainees_to_another_evaluator(tmp_path):
    """s01 and s02 both assess k1: s01's k1 classes are assessed by s02 and reported; when s01 is the only
    evaluator for k1 it assesses its own classes (the exception of 三(十))."""
    offers = [Offer("s01", "k1", 10, evaluator=True), Offer("s02", "k1", 12, evaluator=True),
              Offer("s02", "k2", 5), Offer("i01", "k2", 3)]
    _, sol = solve(tmp_path / "a", Tiny(offers=offers))
    c = sol.classes
    mine = c[(c["institution_code"] == "s01") & (c["course_code"] == "k1")]
    assert len(mine) > 0 and set(mine["assessor_code"]) == {"s02"} and mine["needs_other_evaluator"].all()
    assert sol.summary["classes"]["r13"]["classes_needing_another_evaluator"] == int(
        ((c["course_code"] == "k1") & c["institution_code"].isin(["s01", "s02"])).sum())
    offers[1] = Offer("s02", "k1", 12)
    _, sol = solve(tmp_path / "b", Tiny(offers=offers))
    c = sol.classes
    mine = c[(c["institution_code"] == "s01") & (c["course_code"] == "k1")]
    assert set(mine["assessor_code"]) == {"s01"} and not mine["needs_other_evaluator"].any()


def test_r18_ranks_by_subsidised_volume_and_keeps_five(tmp_path):
    """Six institutions; A trains most (100 × 10 = 1,000 yuan) but B's 50 × 30 = 1,500 yuan rank first; i09 has
    no platform teachers (not subsidised, R15) and is left out; only five are kept."""
    problem = build_problem(load_plan(write(tmp_path / "d", Tiny(offers=base_offers()))), ModelParams())
    rows = [("s01", 100, 1000.0), ("s02", 50, 1500.0), ("i01", 40, 900.0)]
    x = pd.DataFrame([(s, "530102", n, c) for s, n, c in rows[:2]],
                     columns=["school_code", "adcode", "trainees", "cost"])
    z = pd.DataFrame([(i, "530302", n, c) for i, n, c in [rows[2], ("i01", 10, 50.0)]],
                     columns=["institution_code", "adcode", "trainees", "cost"])
    top = top_institutions(x, z, problem)
    assert list(top["institution_code"]) == ["s02", "s01", "i01"]
    assert list(top["subsidised_yuan"]) == [1500.0, 1000.0, 950.0]
    many = pd.DataFrame([(c, "530102", 1, float(k)) for k, c in enumerate(["s01", "s02", "i01"] * 2)],
                        columns=["school_code", "adcode", "trainees", "cost"])
    problem.institutions.loc[problem.institutions["code"] == "i01", "platform_teachers"] = 0
    top = top_institutions(many, z.iloc[:0], problem, n=5)
    assert "i01" not in set(top["institution_code"]) and len(top) == 2
    problem.institutions.loc[problem.institutions["code"] == "i01", "platform_teachers"] = 5
    extra = pd.DataFrame([(f"s{k:02d}", "530102", 1, float(k)) for k in range(1, 8)],
                         columns=["school_code", "adcode", "trainees", "cost"])
    problem.institutions = pd.concat([problem.institutions, pd.DataFrame(
        {"code": [f"s{k:02d}" for k in range(3, 8)], "platform_teachers": 5})], ignore_index=True)
    assert len(top_institutions(extra, z.iloc[:0], problem)) == 5


def test_advanced_floor_moves_school_trainees_to_the_advanced_course(tmp_path):
    """曲靖市 column 3 = 30, column 1 = column 5 = 60: floor 30 × 60/60 = 30 advanced school trainees placed in
    曲靖市 (and column 2's 40 certificate-class). s01 offers k5 (三级) at 20 beside k1 at 10: 30 of its trainees
    move to k5 there, +300 yuan in the LP. The whole-class plan may cost more (the rounding's gap), never less."""
    offers = [*base_offers(), Offer("s01", "k5", 20)]
    tiny = Tiny(offers=offers, annex1={B: (60, 40, 30)})
    problem, sol = solve(tmp_path / "a", tiny)
    _, free = solve(tmp_path / "b", tiny, advanced_floor=0.0)
    assert sol.summary["lp_bound"] - free.summary["lp_bound"] == pytest.approx(300)
    assert sol.summary["objective"] >= sol.summary["lp_bound"] - 1e-6
    cols = sol.summary["annex1_columns"]["by_prefecture"][B]
    assert cols["school_advanced"] >= 30 and cols["advanced_floor"] == 30
    assert verify(problem, sol) == []


def test_classes_respect_min_size_and_slots(tmp_path):
    """s01's k1 has 1 set × ⌊30 / 15⌋ = 2 class slots (120 seats): its 100 own trainees fill both slots (two classes
    of 50); every class of the plan lies within [15, 60] and verify agrees; a tampered class of 5 is caught."""
    offers = [Offer("s01", "k1", 10, days=30), *base_offers()[1:]]
    problem, sol = solve(tmp_path, Tiny(offers=offers), class_fill=1.0)
    c = sol.classes
    assert c["trainees"].between(15, 60).all()
    assert (c.groupby(["institution_code", "course_code"]).size() <= 2).loc["s01"].all()
    assert verify(problem, sol) == []
    c.loc[c.index[0], "trainees"] = 5
    assert "class size (R5, min_class_size)" in {v.check for v in verify(problem, sol)}


def test_explain_a_county_in_both_languages(tmp_path):
    """沾益区: population 40 of 曲靖市's 100 → share 40%, ideal 24 of 60, band ⌊18⌋..⌈30⌉, centre 24; the schools
    that serve it are listed; Chinese by default, English on request."""
    from optimizer.outputs.explain import explain_county, find_county, render
    from tests.tiny import B2

    problem, sol = solve(tmp_path, Tiny(offers=base_offers()))
    adcode = find_county(problem, "沾益区")
    assert adcode == B2 and find_county(problem, B2) == B2 and find_county(problem, "无此县") is None
    e = explain_county(problem, sol, adcode)
    assert (e.share, e.ideal, e.low, e.high, e.center) == (pytest.approx(0.4), pytest.approx(24.0), 18, 30, 24)
    assert e.placed == int(sol.school_allocation.loc[sol.school_allocation["adcode"] == B2, "trainees"].sum())
    assert set(e.schools["school"]) == set(sol.school_allocation.loc[sol.school_allocation["adcode"] == B2, "school"])
    zh, en = render(e, "zh", problem), render(e, "en", problem)
    assert "沾益区（曲靖市）" in zh and "18 至 30" in zh
    assert "Why 沾益区 (曲靖市)" in en and "18 to 30" in en


def test_county_columns_cover_what_the_plan_places_as_far_as_the_printed_figure_allows():
    """Placed 10, 50, 30 certificate-class trainees; printed column 2 of 45: shared in proportion, 45 × 10/90,
    50/90, 30/90 = 5, 25, 15 (exact); 10 shared over 10, 20, 30: 1.67, 3.33, 5 → 1, 3, 5 and the last person to
    the largest remainder (0.67, the first) → 2, 3, 5; with a figure of 200 every county is covered up to its
    column 1 (40 for the second, then noted). The old rule (smallest counties covered first) gave 10, 5, 30: the
    county with the most certificate training got the least."""
    from optimizer.outputs.breakdown import covering_floor, excess_notes

    assert covering_floor([10, 50, 30], 45, [100, 100, 100]) == [5, 25, 15]
    assert covering_floor([10, 20, 30], 10, [100, 100, 100]) == [2, 3, 5]
    assert covering_floor([10, 50, 30], 200, [100, 40, 100]) == [10, 40, 30]
    names = {"a": "甲县", "b": "乙县", "c": "丙县"}
    notes = excess_notes(["a", "b", "c"], names, [10, 50, 30], [5, 25, 15], "2")
    assert notes[0] == ("附件1 第2栏印发 45 人次，少于方案安排的 90 人次；"
                        "各县任务按方案在各县的安排比例分解（每县不超过其安排数）")
    assert len(notes) == 1  # every county over its share: one line for the prefecture, not one per county
    notes = excess_notes(["a", "b", "c"], names, [10, 50, 30], [70, 40, 90], "2")  # 200: column 1 capped the 2nd
    assert notes == ["乙县：方案安排附件1 第2栏培训 50 人次，多于分解任务 40 人次（多 10）"]
