"""Procurement shortlists: hand-worked scores and orderings, eligibility reasons, invalid weights."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from pydantic import ValidationError

from optimizer.cli import main
from optimizer.data.loader import load_plan
from optimizer.data.params import ModelParams
from optimizer.model.problem import build_problem
from optimizer.model.solve import allocate
from optimizer.procurement.shortlist import ShortlistParams, rank_entries, shortlist
from tests.tiny import B, Offer, Tiny, write


def entries(rows):
    cols = ["lot", "method", "school_code", "school", "eligible", "quote", "available", "distance_km",
            "capacity_margin", "teachers_per_class"]
    return pd.DataFrame(rows, columns=cols)


def test_consultation_scores_by_hand():
    """Price weight 30%; capacity margin 30, distance 20, teachers per class 20 points.
    A: quote 1000, margin 2.0, 0 km, 1.0 teacher/class; B: 1250, 1.0, 90 km, 2.0; C: 800, 1.5, 40 km, 0.5.
    price:    A 800/1000×30 = 24     B 800/1250×30 = 19.2   C 30
    margin:   A 2/2×30 = 30          B 15                   C 22.5
    distance: A (0+10)/(0+10)×20=20  B 10/100×20 = 2        C 10/50×20 = 4
    teachers: A 1/2×20 = 10          B 20                   C 5
    total:    A 84                   B 56.2                 C 61.5   → A, C, B"""
    lots = pd.DataFrame([{"lot": "L1", "method": "consultation"}])
    e = entries([["L1", "consultation", "sA", "A", True, 1000, 400, 0, 2.0, 1.0],
                 ["L1", "consultation", "sB", "B", True, 1250, 200, 90, 1.0, 2.0],
                 ["L1", "consultation", "sC", "C", True, 800, 300, 40, 1.5, 0.5]])
    ranked = rank_entries(e, lots, ShortlistParams()).set_index("school")
    assert ranked.loc["A", "total_score"] == pytest.approx(84)
    assert ranked.loc["B", "total_score"] == pytest.approx(56.2)
    assert ranked.loc["C", "total_score"] == pytest.approx(61.5)
    assert ranked.loc["B", "price_score"] == pytest.approx(19.2)
    assert ranked.loc["B", "distance_score"] == pytest.approx(2)
    assert list(ranked.sort_values("rank").index) == ["A", "C", "B"]


def test_negotiation_orders_by_price_with_a_stated_tie_rule():
    """B and C both quote 900: the one with more places available (C) comes first; then A at 1000.
    With equal places, the school code decides."""
    lots = pd.DataFrame([{"lot": "L1", "method": "negotiation"}])
    e = entries([["L1", "negotiation", "s01", "A", True, 1000, 900, 0, 1, 1],
                 ["L1", "negotiation", "s02", "B", True, 900, 500, 0, 1, 1],
                 ["L1", "negotiation", "s03", "C", True, 900, 800, 0, 1, 1],
                 ["L1", "negotiation", "s04", "D", False, 100, 0, 0, 0, 0]])
    ranked = rank_entries(e, lots, ShortlistParams(method="negotiation"))
    assert list(ranked["school"]) == ["C", "B", "A", "D"]
    assert list(ranked["rank"].iloc[:3]) == [1, 2, 3] and pd.isna(ranked["rank"].iloc[3])
    e.loc[e["school"] == "C", "available"] = 500
    ranked = rank_entries(e, lots, ShortlistParams(method="negotiation"))
    assert list(ranked["school"].iloc[:2]) == ["B", "C"]  # s02 before s03


@pytest.mark.parametrize(("fields", "message"), [
    ({"price_weight": 0.35}, "35% is outside 10%–30%"),
    ({"price_weight": 0.2, "technical_weights": {"capacity_margin": 30, "distance": 20, "teachers_per_class": 20}},
     "make 90 points, not 100"),
    ({"price_weight": 0.3, "technical_weights": {"capacity_margin": 80, "distance": -10}}, "negative"),
    ({"price_weight": 0.3, "technical_weights": {"pass_rate": 70}}, "unknown technical criterion"),
])
def test_invalid_weights_are_refused(fields, message):
    with pytest.raises(ValidationError, match=message):
        ShortlistParams(**fields)


def test_negotiation_needs_no_weights():
    assert ShortlistParams(method="negotiation", price_weight=1.0).method == "negotiation"


def _tiny(tmp_path, **tiny):
    """Three schools teach k1 (g1). s01 and s02 have their quota in k1; s03 has free k1 places."""
    offers = [Offer("s01", "k1", 10, days=150), Offer("s02", "k1", 12, days=300), Offer("s03", "k1", 11, days=300),
              Offer("s03", "k2", 5), Offer("i01", "k2", 3)]
    t = Tiny(quotas={"s01": 100, "s02": 50, "s03": 60}, homes={"s01": "530102", "s02": "530302", "s03": "530303"},
             targets={"530100": 100, B: 110}, offers=offers, **tiny)
    plan = load_plan(write(tmp_path / "data", t))
    problem = build_problem(plan, ModelParams(cert_share=0.0))
    solution = allocate(problem)
    assert solution.ok
    return problem, solution


def test_debarment_that_expired_the_day_before_does_not_count(tmp_path):
    problem, solution = _tiny(tmp_path, debarments=[("s02", "2019-02-10", 3), ("s03", "2019-02-11", 3)])
    # three years from 2019-02-10 end on 2022-02-10: on the lot date 2022-02-10 s02's exclusion expired the
    # day before (eligible); s03's runs until 2022-02-11 (excluded on the lot date, free again on the
    # model's as_of date 2022-02-11, so the model may still use it)
    params = ShortlistParams(lot_date=dt.date(2022, 2, 10), capacity_share=0.01)
    result = shortlist(problem, solution, params)
    e = result.entries
    s02 = e[e["school_code"] == "s02"]
    s03 = e[e["school_code"] == "s03"]
    assert not s02["reason_codes"].str.contains("R14").any()
    assert s03["reason_codes"].str.contains("R14").all()
    assert "debarred" in s03["reasons"].iloc[0]


def test_lot_with_two_eligible_schools_is_flagged_with_what_would_unlock_it(tmp_path):
    """k1 places: s01 10 classes × 60 = 600 minus its 100 (it trains 昆明市's 100, near home) = 500 free;
    s02 1,200 − 50 = 1,150; s03 1,200 (its 60 go to the cheaper k2). A 550-trainee k1 lot in 曲靖市: s02 and
    s03 can take it, s01 is 50 places short."""
    problem, solution = _tiny(tmp_path)
    lots = pd.DataFrame([{"lot": "LX", "area": B, "area_name": "曲靖市", "group": "g1", "group_name": "电工类",
                          "courses": "k1", "course_mix": "", "trainees": 550, "method": "consultation",
                          "date": dt.date(2022, 2, 11)}])
    result = shortlist(problem, solution, ShortlistParams(min_suppliers=3), lots)
    row = result.summary.iloc[0]
    e = result.entries
    assert set(e.loc[e["eligible"], "school_code"]) == {"s02", "s03"}
    assert row["eligible"] == 2 and row["flag"] == "fewer than 3 eligible"
    assert "测试学校s01 short 50 places" in row["unlock"]
    assert "two suppliers only in named special cases" in row["unlock"]
    # every ineligible school has a reason a person can read
    assert (e.loc[~e["eligible"], "reasons"] != "").all()


def test_entrepreneurship_lot_needs_siyb_trainers_and_platform_teachers(tmp_path):
    problem, solution = _tiny(tmp_path, teachers={"s02": 0})
    lots = pd.DataFrame([{"lot": "LE", "area": B, "area_name": "曲靖市", "group": "g1", "group_name": "电工类",
                          "courses": "k1", "course_mix": "", "trainees": 1, "method": "negotiation",
                          "date": dt.date(2022, 2, 11)}])
    result = shortlist(problem, solution, ShortlistParams(method="negotiation"), lots)
    s02 = result.entries.set_index("school_code").loc["s02"]
    assert "R15" in s02["reason_codes"]


def test_cli_shortlist_on_the_shipped_data(tmp_path, capsys):
    assert main(["shortlist", "--out", str(tmp_path)]) == 0
    summary = pd.read_csv(tmp_path / "shortlist_summary.csv", encoding="utf-8-sig")
    lots = pd.read_csv(tmp_path / "lots.csv", encoding="utf-8-sig")
    assert len(summary) == len(lots) > 100  # every lot has a shortlist
    flagged = summary[summary["flag"].fillna("") != ""]
    out = capsys.readouterr().out
    assert f"{len(flagged)} 个合格供应商少于 3" in out
    assert (flagged["eligible"] < 3).all() and (summary.loc[summary["flag"].isna(), "eligible"] >= 3).all()
    entries = pd.read_csv(tmp_path / "shortlist_entries.csv", encoding="utf-8-sig")
    assert len(entries) == len(lots) * 33
    assert (tmp_path / "shortlists.xlsx").exists()


def test_cli_rejects_a_services_price_weight_of_35_percent(tmp_path, capsys):
    assert main(["shortlist", "--out", str(tmp_path), "--price-weight", "0.35"]) == 2
    assert "outside 10%–30%" in capsys.readouterr().err
    assert main(["shortlist", "--out", str(tmp_path), "--weight", "distance=abc"]) == 2
