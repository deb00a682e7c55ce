"""Tiny instances whose optimum is worked out by hand (tests/tiny.py describes the layout)."""

from __future__ import annotations

import math

import pulp
import pytest

from optimizer.data.loader import load_plan
from optimizer.data.params import ModelParams, ObjectiveWeights
from optimizer.model.lp import AllocationModel
from optimizer.model.problem import build_problem, capacity, debarred_on
from optimizer.model.solve import allocate
from optimizer.model.verify import verify
from tests.tiny import A1, B1, B2, B, Offer, Tiny, write

COST_ONLY = ObjectiveWeights(cost=1, travel=0, band=0, mix=0, balance=0)


def base_offers(s01_k1_days: int = 300) -> list[Offer]:
    # capacities: k1 (15 days a class, 60 a class); k2 (8 days a class)
    return [
        Offer("s01", "k1", 10, days=s01_k1_days),  # s01 k1: ⌊days/15⌋ × 60
        Offer("s02", "k1", 12),  # 20 classes × 60 = 1,200
        Offer("s02", "k2", 5),  # 37 classes × 60 = 2,220
        Offer("i01", "k2", 3),  # 2,220
    ]


def solve(tmp_path, tiny: Tiny, **params):
    plan = load_plan(write(tmp_path / "data", tiny))
    # class_fill 1: every seat may be filled, so capacities are the docstrings' sets × ⌊days/⌈hours/8⌉⌋ × size
    problem = build_problem(plan, ModelParams(**{"weights": COST_ONLY, "class_fill": 1.0, **params}))
    solution = allocate(problem)
    return problem, solution


def test_capacity_formula_by_hand():
    assert capacity(1, 300, 120, 60) == 1200  # 120 h → 15 days; 300 // 15 = 20 classes
    assert capacity(2, 100, 64, 60) == 2 * 12 * 60  # 64 h → 8 days; 100 // 8 = 12
    assert capacity(3, 29, 120, 50) == 3 * 1 * 50  # one whole class only
    assert capacity(1, 14, 120, 60) == 0


def test_certificate_share_binds_and_changes_the_answer(tmp_path):
    """Unit u01 (100 in 曲靖市) could train everyone in k2 at i01 for 3 yuan (300). R1 needs 60
    certificate-class: cheapest k1 is s01 at 10 → 60×10 + 40×3 = 720. Schools: s01 100 in k1 at 10 = 1,000;
    s02 50 in k2 at 5 = 250. Optimum 1,970 (without R1: 1,550)."""
    tiny = Tiny(offers=base_offers())
    problem, sol = solve(tmp_path, tiny)
    assert sol.ok and sol.summary["objective"] == pytest.approx(1970)
    assert sol.summary["certificate_share"]["u01"] == pytest.approx(0.6)
    assert verify(problem, sol) == []
    _, free = solve(tmp_path / "no_r1", tiny, cert_share=0.0)
    assert free.summary["objective"] == pytest.approx(1550)


def test_capacity_binds(tmp_path):
    """s01's k1 holds 120 (30 days → 2 classes × 60): 100 own + 20 of the unit's certificate trainees;
    the other 40 go to s02 k1 at 12. Unit cost 20×10 + 40×12 + 40×3 = 800; total 1,000 + 250 + 800 = 2,050.
    One more place at s01 k1 saves 12 − 10 = 2 yuan: its shadow price. That is the LP bound. In whole classes the
    two class slots of s01 k1 are taken by s01's own 100 (60 in 昆明市, 40 in 曲靖市: one class each, as 90/10
    would need three), s02 sends 30 to 昆明市, and the unit's 20 move to s02 k1 at 12: 2,050 + 20 × 2 = 2,090."""
    problem, sol = solve(tmp_path, Tiny(offers=base_offers(s01_k1_days=30)))
    assert sol.ok and sol.summary["lp_bound"] == pytest.approx(2050)
    assert sol.summary["objective"] == pytest.approx(2090)
    load = sol.institution_load.set_index(["institution_code", "course_code"])
    assert load.loc[("s01", "k1"), "used"] == 100 and sol.summary["classes"]["offers_over_slots"] == 0
    assert load.loc[("s01", "k1"), "shadow_price"] == pytest.approx(2.0)
    assert verify(problem, sol) == []


def test_infeasible_names_the_prefecture_and_the_amount(tmp_path):
    """u02 (g2 courses only) needs 100 in 曲靖市; only i01 offers a g2 course (k3), with 1 set × 15 days =
    one class of 60: short 40. u01 (g1, 50 in 昆明市) and the schools are served in full."""
    offers = [*base_offers(), Offer("i01", "k3", 9, days=15)]
    tiny = Tiny(offers=offers, plans={("u01", "530100"): 50, ("u02", B): 100},
                scope={"u01": ["g1"], "u02": ["g2"]})
    _, sol = solve(tmp_path, tiny, cert_share=0.0)
    assert sol.status == "infeasible"
    d = sol.diagnosis
    short = d.shortfalls.set_index("code")
    assert list(short.index) == [f"u02/{B}"]
    assert (short.loc[f"u02/{B}", "needed"], short.loc[f"u02/{B}", "shortfall"]) == (100, 40)
    assert any("曲靖市" in m and "缺 0.004 万人" in m for m in d.messages)  # 40 persons, in Chinese by default
    assert list(d.blocking["course_code"]) == ["k3"] and list(d.blocking["capacity"]) == [60]
    # the elastic LP agrees on the amount: 40 trainees of violation, either u02's plan in 曲靖市 short or
    # i01's k3 capacity exceeded (equivalent minimal repairs; which one the LP picks is a tie)
    assert d.violations["amount"].sum() == pytest.approx(40)
    assert set(d.violations["constraint"]) <= {f"plan_u02_p{B}", "cap_i01_k3"}


def test_school_without_enough_capacity_is_caught_before_solving(tmp_path):
    offers = [Offer("s01", "k1", 10, days=15), *base_offers()[1:]]  # s01 can train 60 of its 100
    _, sol = solve(tmp_path, Tiny(offers=offers))
    assert sol.status == "infeasible"
    (issue,) = [i for i in sol.diagnosis.issues if i.kind == "school_capacity"]
    assert (issue.code, issue.needed, issue.available) == ("s01", 100, 60)
    assert "测试学校s01" in sol.diagnosis.messages[0] and "缺 0.004 万人" in sol.diagnosis.messages[0]


def test_debarment_expires_on_the_anniversary(tmp_path):
    import datetime as dt

    import pandas as pd

    deb = pd.DataFrame({"institution": ["i01"], "decision_date": [dt.date(2019, 2, 12)], "years": [3]})
    assert debarred_on(deb, dt.date(2022, 2, 11)) == {"i01"}
    assert debarred_on(deb, dt.date(2022, 2, 12)) == set()


def test_debarred_centre_carries_no_trainees(tmp_path):
    """i01 debarred (R14): the unit's 40 other trainees move to s02's k2 at 5: 60×10 + 40×5 = 800;
    but s02's k2 must also hold its own 50 (2,220 places: fine). Total 1,000 + 250 + 800 = 2,050."""
    tiny = Tiny(offers=base_offers(), debarments=[("i01", "2021-06-01", 3)])
    problem, sol = solve(tmp_path, tiny)
    assert sol.ok and sol.summary["objective"] == pytest.approx(2050)
    assert "i01" not in set(sol.project_allocation["institution_code"])
    assert verify(problem, sol) == []


def test_centre_without_platform_teachers_gets_no_unit_trainees(tmp_path):
    """R15: same answer as a debarment of i01 for the unit's trainees."""
    tiny = Tiny(offers=base_offers(), teachers={"i01": 0})
    _, sol = solve(tmp_path, tiny)
    assert sol.summary["objective"] == pytest.approx(2050)


def test_unit_counties_restrict_where_the_unit_trains(tmp_path):
    tiny = Tiny(offers=base_offers(), unit_counties=[("u01", B, B2)])
    problem, sol = solve(tmp_path, tiny)
    assert set(sol.project_allocation["adcode"]) == {B2}
    assert verify(problem, sol) == []


def test_travel_cost_prefers_near_counties(tmp_path):
    """With travel on, s02 (home 麒麟区) trains 曲靖市's 60 in 麒麟区 (0 km) rather than 沾益区, and s01
    trains in 五华区; distance 五华区→麒麟区 is one degree of longitude at 25°N (≈ 100.9 km by the
    spherical law of cosines, a second formula)."""
    plan = load_plan(write(tmp_path / "data", Tiny(offers=base_offers(), targets={"530100": 100, B: 50})))
    weights = ObjectiveWeights(cost=1, travel=1, band=0, mix=0)
    problem = build_problem(plan, ModelParams(weights=weights, travel_cost_per_km=1.0))
    lat = math.radians(25.0)
    by_cosines = 6371.0088 * math.acos(math.sin(lat) ** 2 + math.cos(lat) ** 2 * math.cos(math.radians(1.0)))
    assert problem.distance.loc[A1, B1] == pytest.approx(by_cosines, rel=1e-9)
    sol = allocate(problem)
    x = sol.school_allocation.groupby(["school_code", "adcode"])["trainees"].sum()
    assert x.to_dict() == {("s01", A1): 100, ("s02", B1): 50}
    assert verify(problem, sol) == []


def test_county_balance_cost_keeps_counties_at_their_share_unless_travel_pays(tmp_path):
    """曲靖市's 60 over population shares 60/40: 麒麟区 ideal 36 (band 27..45), 沾益区 24 (band 18..30), inner
    segment ±⌈10% × ideal⌉ = ±4 / ±3 at 20 yuan a trainee, then 100 yuan up to the band. s02 (home 麒麟区) saves
    0.3 × 111.2 km ≈ 33 yuan a trainee moved from 沾益区 to 麒麟区, but the move costs 20 + 20 = 40 of balance:
    both counties stay at their ideal. Without the balance cost (weight 0) the same move is free inside the band,
    so 沾益区 drops to its band floor 18 (the old vertex behaviour). Checked on the LP's county totals y (whole
    classes then follow them to within a class: one class of s02's 50 cannot sit in two counties)."""
    plan = load_plan(write(tmp_path / "data", Tiny(offers=base_offers())))

    def county_totals(weights: ObjectiveWeights) -> dict[str, float]:
        model = AllocationModel(build_problem(plan, ModelParams(weights=weights, band_delta=0.25)))
        model.lp.solve(pulp.HiGHS(msg=False))
        assert model.lp.sol_status == pulp.LpSolutionOptimal
        keys = model.keys["y"].assign(v=[v.varValue for v in model.vars["y"]])
        return keys.groupby("county")["v"].sum().to_dict()

    by_county = county_totals(ObjectiveWeights(cost=1, travel=1, band=1, mix=0))
    assert by_county[B2] == pytest.approx(24) and by_county[B1] == pytest.approx(36)
    by_county = county_totals(ObjectiveWeights(cost=1, travel=1, band=1, mix=0, balance=0))
    assert by_county[B2] == pytest.approx(18) and by_county[B1] == pytest.approx(42)


def test_strong_duality_and_complementary_slackness(tmp_path):
    """Duals are not unique (degenerate LPs), so test them by duality, not by value."""
    plan = load_plan(write(tmp_path / "data", Tiny(offers=base_offers(s01_k1_days=30))))
    problem = build_problem(plan, ModelParams(weights=ObjectiveWeights(cost=1, travel=1, band=1, mix=1),
                                              class_fill=1.0))
    model = AllocationModel(problem)
    model.lp.solve(pulp.HiGHS(msg=False))
    assert model.lp.sol_status == pulp.LpSolutionOptimal
    primal = pulp.value(model.lp.objective)
    dual = sum(c.pi * -c.constant for c in model.lp.constraints.values())
    assert dual == pytest.approx(primal, rel=1e-9)
    for c in model.lp.constraints.values():
        if abs(c.value()) > 1e-7:  # a row with slack has a zero dual
            assert c.pi == pytest.approx(0, abs=1e-7)
    for v in model.lp.variables():
        if (v.varValue or 0) > 1e-7:  # a basic / positive variable has zero reduced cost
            assert v.dj == pytest.approx(0, abs=1e-7)


def test_cbc_and_highs_agree_on_the_optimum(tmp_path):
    tiny = Tiny(offers=base_offers(s01_k1_days=30))
    _, highs = solve(tmp_path / "h", tiny)
    _, cbc = solve(tmp_path / "c", tiny, solver="cbc")
    assert highs.summary["lp_bound"] == pytest.approx(cbc.summary["lp_bound"]) == pytest.approx(2050)
    assert highs.summary["objective"] == pytest.approx(cbc.summary["objective"]) == pytest.approx(2090)


def test_the_verifier_catches_tampered_tables(tmp_path):
    """The checker must fail on a wrong table: more trainees than a quota and than a capacity, a course the school
    does not offer, a wrong class count, a unit below its certificate share."""
    problem, sol = solve(tmp_path, Tiny(offers=base_offers(s01_k1_days=30)))
    assert verify(problem, sol) == []
    x = sol.school_allocation
    row = x.index[x["school_code"] == "s01"][0]
    x.loc[row, "trainees"] += 500
    x.loc[row, "classes"] = 1
    z = sol.project_allocation
    z.loc[z["certificate_class"], "trainees"] = 1
    checks = {v.check for v in verify(problem, sol)}
    assert {"school quota (Annex 2)", "capacity (R5–R7)", "classes (R5)", "certificate share (R1)",
            "prefecture tech-school target (Annex 1 col 5)", "unit plan (Annex 4)"} <= checks
    x.loc[row, "course_code"] = "k3"  # s01 does not teach k3
    assert "school teaches its own majors (R3)" in {v.check for v in verify(problem, sol)}
