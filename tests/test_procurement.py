"""Procurement: hand-worked 214号 scores and orderings, lawful criteria, qualification rules, methods and ceilings
recomputed from the data files, lots round trip, award capacity checked from the written tables, evaluate."""

from __future__ import annotations

import csv
import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from pydantic import ValidationError

from optimizer.cli import main
from optimizer.data.loader import load_plan
from optimizer.data.params import ModelParams
from optimizer.model.problem import build_problem
from optimizer.model.solve import allocate
from optimizer.procurement.scoring import ShortlistParams, price_scores, score_entries
from optimizer.procurement.shortlist import filter_summary, shortlist
from tests.conftest import DATA
from tests.tiny import B, Offer, Tiny, write

FORBIDDEN = ("distance", "km", "location", "proximity", "margin", "size", "local")


def read(path) -> pd.DataFrame:
    return pd.read_csv(path, encoding="utf-8-sig", dtype={"school_code": str, "lot": str, "area": str})


# -- scoring by hand ------------------------------------------------------------------------------------

def test_price_score_is_lowest_valid_quote_over_quote_times_weight():
    """214号: 800/1000×30 = 24, 800/1250×30 = 19.2, 800/800×30 = 30; an invalid 500 does not set the base."""
    quotes = pd.Series([1000.0, 1250.0, 800.0, 500.0])
    lots = pd.Series(["L1"] * 4)
    got = price_scores(quotes, lots, pd.Series([True, True, True, False]), 0.30)
    assert got.iloc[:3].tolist() == pytest.approx([24.0, 19.2, 30.0])
    assert math.isnan(got.iloc[3])


def entries(rows) -> pd.DataFrame:
    cols = ["lot", "method", "school_code", "school", "eligible", "responsive", "quote_yuan", "teachers_value",
            "equipment_value"]
    return pd.DataFrame(rows, columns=cols)


def test_consultation_totals_and_the_214_tie_rule_by_hand():
    """Points: price 30, training plan 30, teachers 15, equipment 15, assessment separation 10 (panel ones at full
    points in the simulation). E quotes 700 but above the ceiling: not responsive, so the base is B's 800.
    A: 800/1000×30 = 24   + 30 + 15×1.0 + 15×1.0 + 10 = 94
    B: 800/800×30  = 30   + 30 + 15×0.6 + 15×1.0 + 10 = 94     tie with A → the lower quote (B) first
    C: 800/900×30 = 26.667 + 30 + 15×1.0 + 15×0.5 + 10 = 89.167"""
    e = entries([["L1", "consultation", "sA", "A", True, True, 1000, 1.0, 1.0],
                 ["L1", "consultation", "sB", "B", True, True, 800, 0.6, 1.0],
                 ["L1", "consultation", "sC", "C", True, True, 900, 1.0, 0.5],
                 ["L1", "consultation", "sD", "D", False, False, np.nan, 1.0, 1.0],
                 ["L1", "consultation", "sE", "E", True, False, 700, 1.0, 1.0]])
    got = score_entries(e, ShortlistParams()).set_index("school")
    assert got.loc["A", "total_score"] == pytest.approx(94)
    assert got.loc["B", "total_score"] == pytest.approx(94)
    assert got.loc["C", "total_score"] == pytest.approx(89.1667, abs=1e-4)
    assert got.loc["B", "teachers_score"] == pytest.approx(9)
    assert got.loc["C", "price_score"] == pytest.approx(800 / 900 * 30, abs=1e-4)
    assert [got.loc[s, "rank"] for s in "BAC"] == [1, 2, 3]
    assert bool(got.loc["A", "tie"]) is False  # broken by the quote, not a draw
    assert pd.isna(got.loc["D", "rank"]) and pd.isna(got.loc["E", "rank"])


def test_negotiation_lowest_responsive_quote_wins_and_equal_quotes_are_marked_as_a_tie():
    e = entries([["L1", "negotiation", "s01", "A", True, True, 1000, 1, 1],
                 ["L1", "negotiation", "s02", "B", True, True, 900, 1, 1],
                 ["L1", "negotiation", "s03", "C", True, True, 900, 1, 1],
                 ["L1", "negotiation", "s04", "D", True, False, 100, 1, 1]])
    got = score_entries(e, ShortlistParams(method="negotiation")).set_index("school")
    assert [got.loc[s, "rank"] for s in "BCA"] == [1, 2, 3]
    assert got.loc["B", "tie"] and got.loc["C", "tie"] and not got.loc["A", "tie"]
    assert pd.isna(got.loc["D", "rank"]) and got["total_score"].isna().all()


@pytest.mark.parametrize(("fields", "message"), [
    ({"price_weight": 0.35}, "35% is outside 10%–30%"),
    ({"price_weight": 0.05}, "5% is outside 10%–30%"),
    ({"technical_weights": {"training_plan": 50, "distance": 20}}, "measures size or location"),
    ({"technical_weights": {"training_plan": 50, "capacity_margin": 20}}, "measures size or location"),
    ({"technical_weights": {"training_plan": 60}}, "make 90 points, not 100"),
    ({"technical_weights": {"training_plan": 80, "teachers": -10}}, "negative"),
    ({"technical_weights": {"pass_rate": 70}}, "unknown technical criterion"),
])
def test_unlawful_or_inconsistent_weights_are_refused(fields, message):
    from optimizer.messages import language

    with language("en"), pytest.raises(ValidationError, match=message):
        ShortlistParams(**fields)


# -- qualification rules on a tiny instance -------------------------------------------------------------

def _tiny(tmp_path, **tiny):
    """Three schools teach k1 (g1); s03 also k2."""
    offers = [Offer("s01", "k1", 10, days=150), Offer("s02", "k1", 12, days=300), Offer("s03", "k1", 11, days=300),
              Offer("s03", "k2", 5), Offer("i01", "k2", 3)]
    t = Tiny(quotas={"s01": 100, "s02": 50, "s03": 60}, homes={"s01": "530102", "s02": "530302", "s03": "530303"},
             targets={"530100": 100, B: 110}, offers=offers, **tiny)
    plan = load_plan(write(tmp_path / "data", t))
    problem = build_problem(plan, ModelParams(cert_share=0.0))
    solution = allocate(problem)
    assert solution.ok
    return problem, solution


def _lot(courses="k1", trainees=550, date=dt.date(2022, 2, 11)):
    return pd.DataFrame([{"lot": "LX", "area": B, "area_name": "曲靖市", "group": "g1", "group_name": "电工类",
                          "courses": courses, "course_names": courses,
                          "course_mix": f"{courses}:{trainees}" if "," not in courses else "",
                          "trainees": trainees, "classes": -(-trainees // 60), "counties": "", "date": date}])


def test_capacity_is_not_a_qualification_so_a_large_lot_keeps_every_school(tmp_path):
    """550 trainees is more than s01's free places, but capacity is an award-stage constraint."""
    problem, solution = _tiny(tmp_path)
    e = shortlist(problem, solution, ShortlistParams(), _lot()).entries
    assert set(e.loc[e["eligible"], "school_code"]) == {"s01", "s02", "s03"}


def test_r3_a_school_must_teach_every_course_of_the_lot(tmp_path):
    problem, solution = _tiny(tmp_path)
    e = shortlist(problem, solution, ShortlistParams(), _lot("k1,k2")).entries.set_index("school_code")
    assert e.loc["s03", "eligible"] and not e.loc["s01", "eligible"]
    assert e.loc["s01", "reason_codes"] == "R3" and "电工安全" in e.loc["s01", "reasons"]


def test_r14_debarment_that_expired_the_day_before_does_not_count(tmp_path):
    # three years from 2019-02-10 end on 2022-02-10: on the lot date 2022-02-10 s02 is free again; s03's
    # exclusion runs until 2022-02-11
    problem, solution = _tiny(tmp_path, debarments=[("s02", "2019-02-10", 3), ("s03", "2019-02-11", 3)])
    e = shortlist(problem, solution, ShortlistParams(lot_date=dt.date(2022, 2, 10)),
                  _lot(date=dt.date(2022, 2, 10))).entries.set_index("school_code")
    assert e.loc["s02", "eligible"]
    assert not e.loc["s03", "eligible"] and "R14" in e.loc["s03", "reason_codes"]


def test_r15_no_platform_teachers_no_lot(tmp_path):
    problem, solution = _tiny(tmp_path, teachers={"s02": 0})
    e = shortlist(problem, solution, ShortlistParams(), _lot()).entries.set_index("school_code")
    assert not e.loc["s02", "eligible"] and e.loc["s02", "reason_codes"] == "R15"


def test_r5_r7_equipment_that_cannot_run_one_class_disqualifies(tmp_path):
    """k1 needs 15 days a class; 10 days available cannot run one."""
    offers = [Offer("s01", "k1", 10, days=10), Offer("s01", "k2", 5), Offer("s02", "k1", 12), Offer("s03", "k1", 11)]
    t = Tiny(quotas={"s01": 10, "s02": 50, "s03": 60}, homes={"s01": "530102", "s02": "530302", "s03": "530303"},
             targets={"530100": 60, B: 60}, offers=offers)
    problem = build_problem(load_plan(write(tmp_path / "data", t)), ModelParams(cert_share=0.0))
    solution = allocate(problem)
    assert solution.ok
    e = shortlist(problem, solution, ShortlistParams(), _lot(trainees=60)).entries.set_index("school_code")
    assert not e.loc["s01", "eligible"] and e.loc["s01", "reason_codes"] == "R5-R7"


def test_r13_an_evaluator_school_is_flagged_not_excluded(tmp_path):
    offers = [Offer("s01", "k1", 10, evaluator=True), Offer("s02", "k1", 12, evaluator=True), Offer("s03", "k1", 11)]
    t = Tiny(quotas={"s01": 50, "s02": 50, "s03": 60}, homes={"s01": "530102", "s02": "530302", "s03": "530303"},
             targets={"530100": 80, B: 80}, offers=offers)
    problem = build_problem(load_plan(write(tmp_path / "data", t)), ModelParams(cert_share=0.0))
    e = shortlist(problem, allocate(problem), ShortlistParams(), _lot()).entries.set_index("school_code")
    assert e.loc["s01", "eligible"] and "R13" in e.loc["s01", "flags"]
    assert e.loc["s03", "flags"] == ""


# -- the shipped data, end to end ---------------------------------------------------------------------------

@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """One `shortlist` run on the shipped data (solve included) and its folder."""
    out = tmp_path_factory.mktemp("shortlist")
    assert main(["shortlist", "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def solved():
    from optimizer.pipeline import run_scenario

    result = run_scenario(None)
    return result.problem, result.solution


def test_baseline_lots_have_three_qualified_schools_or_a_reason_and_route(run):
    lots = read(run / "lots.csv")
    few = lots[lots["eligible_count"] < 3]
    assert (lots["eligible_count"] >= 3).mean() >= 0.90
    assert (few["exception"].fillna("") != "").all() and (few["route"].fillna("") != "").all()
    assert few.loc[few["eligible_count"] == 2, "route"].str.contains("财库〔2015〕124号").all()
    assert few.loc[few["eligible_count"] == 1, "route"].str.contains("单一来源").all()
    # the eligible count is the number of eligible entries
    e = read(run / "shortlist_entries.csv")
    counted = e[e["eligible"]].groupby("lot").size().reindex(lots["lot"]).fillna(0).astype(int)
    assert counted.tolist() == lots["eligible_count"].tolist()


def test_only_the_subsidised_part_of_the_quotas_is_procured(run):
    """70% of each school's allocated trainees (subsidised_share.csv), rounded per cell: within one trainee of 70%
    of 20万 per allocation cell."""
    lots = read(run / "lots.csv")
    with open(DATA / "subsidised_share.csv", encoding="utf-8") as f:
        shares = {r["share"] for r in csv.DictReader(f)}
    assert shares == {"0.7"}
    assert abs(lots["trainees"].sum() - 0.7 * 200_000) < 500


def test_every_lot_has_a_method_with_its_rule_and_a_ceiling_recomputed_from_the_data(run):
    lots = read(run / "lots.csv")
    courses = pd.read_csv(DATA / "courses.csv").fillna({"level": ""})
    std = pd.read_csv(DATA / "subsidy_standards.csv").fillna({"level": ""})
    per = courses.merge(std, on=["certificate_type", "level"]).set_index("code")["yuan_per_trainee"]
    expected = [sum(int(n) * per[k] for k, n in (p.split(":") for p in mix.split(";"))) for mix in lots["course_mix"]]
    assert lots["ceiling_yuan"].tolist() == pytest.approx(expected)
    assert (lots["ceiling_yuan"] > 0).all() and (lots["method_rule"].fillna("") != "").all()
    threshold = float(pd.read_csv(DATA / "procurement_thresholds.csv").set_index("item")
                      .loc["public_tender_services", "amount_yuan"])
    item = lots.groupby(["area", "group"])["ceiling_yuan"].transform("sum")
    assert ((item > threshold) == (lots["method"] == "public_tender")).all()
    assert set(lots.loc[item <= threshold, "method"]) == {"consultation"}
    assert (lots["method"] == "public_tender").sum() >= 1


def test_no_score_column_or_criterion_measures_distance_location_or_size(run):
    e = read(run / "shortlist_entries.csv")
    crit = read(run / "criteria.csv")
    scored = [c for c in e.columns if c.endswith("_score")]
    assert {"price_score", "training_plan_score", "teachers_score", "equipment_score"} <= set(scored)
    for name in [*e.columns, *crit["criterion"]]:
        assert not any(word in name for word in FORBIDDEN), name
    assert crit["max_points"].sum() == pytest.approx(100)


def test_lots_csv_fed_back_with_lots_gives_the_same_result(run, tmp_path):
    assert main(["shortlist", "--out", str(tmp_path), "--lots", str(run / "lots.csv"), "--no-awards"]) == 0
    for name in ("lots.csv", "shortlist_entries.csv", "shortlist_summary.csv", "criteria.csv"):
        assert (tmp_path / name).read_bytes() == (run / name).read_bytes(), name


def test_lots_accept_course_and_area_names(solved, tmp_path):
    from optimizer.procurement.io import load_lots

    problem, solution = solved
    path = tmp_path / "lots.csv"
    path.write_text("lot,area,courses,trainees,course_mix\nA,昆明市,焊工,500,\n"
                    "B,大理州,\"k36,家政服务员（培训合格证书）\",300,k36:200;家政服务员（培训合格证书）:100\n"
                    "C,盘龙区,电子商务,100,\n", encoding="utf-8")
    got = shortlist(problem, solution, ShortlistParams(), load_lots(path, problem, ShortlistParams())).lots
    got = got.set_index("lot")
    assert got.loc["A", "courses"] == "k11,k12" and got.loc["A", "area"] == "530100"
    assert got.loc["B", "course_mix"] == "k36:200;k40:100" and got.loc["B", "area"] == "532900"
    assert got.loc["C", "group"] == "ecommerce" and got.loc["C", "area"] == "530103"
    # B's ceiling by hand: 200 × 1400 (五级) + 100 × 600 (培训合格证书)
    assert got.loc["B", "ceiling_yuan"] == pytest.approx(340_000)


def test_a_lots_file_may_not_choose_consultation_above_the_tender_threshold(solved, tmp_path):
    """3,000 welders at 1,900 元 (四级) = 570万 > 400万: the file's 竞争性磋商 is refused with the rule."""
    from optimizer.errors import InputError
    from optimizer.procurement.io import load_lots

    problem, solution = solved
    path = tmp_path / "lots.csv"
    path.write_text("lot,area,courses,trainees,method\nA,昆明市,k11,3000,竞争性磋商\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        shortlist(problem, solution, ShortlistParams(), load_lots(path, problem, ShortlistParams()))
    text = str(caught.value)
    assert "第 2 行" in text and "列“method”" in text and "公开招标" in text


def test_the_lots_context_from_the_plan_data_is_the_problems(solved):
    """The lots file is read before the solve from the plan data: the names and courses it resolves against
    must be exactly those of the built problem (else a file valid before the solve would mean other lots)."""
    from optimizer.procurement.io import LotsContext

    problem, _ = solved
    plan = load_plan(DATA)
    before = LotsContext.of_plan(plan, problem.params)
    after = LotsContext.of_problem(problem)
    assert before.courses.equals(after.courses)
    assert before.as_of == after.as_of == dt.date(2022, 2, 11)
    assert len(before.names) > 150  # 129 counties, 16 prefectures, courses, groups
    assert {k: v for k, v in after.names.items() if k in before.names} == before.names


def _no_solve(monkeypatch):
    """Any solve fails the test: the problems must be found before it."""
    import optimizer.pipeline

    def refuse(*args, **kwargs):
        raise AssertionError("solved although an input is bad")
    monkeypatch.setattr(optimizer.pipeline, "run_scenario", refuse)


def test_a_bad_lots_file_is_refused_before_the_solve_with_the_data_and_flag_problems(monkeypatch, data_copy,
                                                                                      tmp_path, capsys):
    """One pass (issue 17): a bad flag, a bad data table and a lots file with a type error and an unknown name
    are listed together, and nothing is solved."""
    from tests.conftest import set_cell

    _no_solve(monkeypatch)
    set_cell(data_copy / "institutions.csv", "s01", "platform_teachers", "1e400")
    lots = tmp_path / "lots.csv"
    lots.write_text("lot,area,course_or_group,trainees\nL1,昆名市,k01,100\nL2,大理州,k01,lots\n", encoding="utf-8")
    out = tmp_path / "out"
    code = main(["--lang", "en", "shortlist", "--data", str(data_copy), "--lots", str(lots), "--out", str(out),
                 "--price-weight", "nan"])
    err = capsys.readouterr().err
    assert code == 2
    assert "--price-weight nan" in err
    assert "institutions.csv, row 2, column 'platform_teachers'" in err
    assert "lots.csv, row 2, column 'area': unknown prefecture or county; did you mean 昆明市?" in err
    assert "lots.csv, row 3, column 'trainees'" in err
    assert not out.exists()


def test_a_lots_method_above_the_tender_threshold_is_refused_before_the_solve(monkeypatch, tmp_path, capsys):
    """3,000 welders at 1,900 元 (四级) = 570万 > 400万: refused from the data alone, nothing solved."""
    _no_solve(monkeypatch)
    lots = tmp_path / "lots.csv"
    lots.write_text("lot,area,courses,trainees,method\nA,昆明市,k11,3000,竞争性磋商\n", encoding="utf-8")
    assert main(["shortlist", "--lots", str(lots), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert "lots.csv，第 2 行，列“method”" in err and "公开招标" in err


def test_awards_never_exceed_capacity_recomputed_from_the_data_files(run):
    """Class capacity = equipment_sets × ⌊days_available / ⌈class_hours / 8⌉⌋ (R5–R7), from offers.csv and
    courses.csv; the awarded classes (awards.csv) per school and course stay within it, and within what is left
    after the classes the school runs outside the lots (award_capacity.csv)."""
    offers = pd.read_csv(DATA / "offers.csv")
    courses = pd.read_csv(DATA / "courses.csv").set_index("code")
    days = offers["course"].map(courses["class_hours"]).map(lambda h: -(-h // 8))
    cap = (offers["equipment_sets"] * (offers["days_available"] // days)).to_numpy()
    capacity = pd.Series(cap, index=pd.MultiIndex.from_arrays([offers["institution"], offers["course"]]))
    awards = read(run / "awards.csv")
    used = awards.groupby(["school_code", "course_code"])["classes"].sum()
    assert (used <= capacity.reindex(used.index)).all()
    table = read(run / "award_capacity.csv").set_index(["school_code", "course_code"])
    assert (table["capacity_classes"] == capacity.reindex(table.index)).all()
    assert (used <= table.loc[used.index, "available_classes"]).all()
    assert (table["available_classes"] == table["capacity_classes"] - table["reserved_classes"]).all()
    # without the check some first-ranked schools would be over-committed: the check matters
    assert (table["first_ranked_classes"] > table["available_classes"]).any()
    # no lot gets more trainees than it has, and every award is to a school qualified for the lot
    lots = read(run / "lots.csv").set_index("lot")
    given = awards.groupby("lot")["trainees"].sum()
    assert (given <= lots.loc[given.index, "trainees"]).all()
    e = read(run / "shortlist_entries.csv").set_index(["lot", "school_code"])
    assert e.loc[list(zip(awards["lot"], awards["school_code"], strict=True)), "eligible"].all()


def test_workbook_has_requirements_and_evaluation_sheets(run):
    from openpyxl import load_workbook

    wb = load_workbook(run / "shortlists.xlsx", read_only=True)
    assert {"采购需求", "评审表"} <= set(wb.sheetnames)
    req = list(wb["采购需求"].iter_rows(min_row=3, values_only=True))
    assert req[0][:3] == ("包号", "采购区域", "品目") and len([r for r in req[1:] if r[0]]) >= 100
    sheet = [r for r in wb["评审表"].iter_rows(values_only=True)]
    criteria = [r[:2] for r in sheet if r[0] in ("价格", "培训方案", "师资（平台登记教师）")]
    assert ("价格", 30) in criteria and ("培训方案", 30) in criteria
    wb.close()


def test_workbook_headers_are_in_chinese_on_every_sheet(run):
    """A bureau reads the workbook, not the CSVs: the 汇总, 中标模拟, 容量核对 and 候选明细 sheets showed the CSV
    column names (lot, school_code, ceiling_yuan …), the flag as "< 3" and the awards' yuan without a unit."""
    import re

    from openpyxl import load_workbook

    wb = load_workbook(run / "shortlists.xlsx", read_only=True)
    header_rows = {"汇总": 3, "中标模拟": 3, "容量核对": 1, "候选明细": 1}
    heads = {name: list(next(wb[name].iter_rows(min_row=r, max_row=r, values_only=True)))
             for name, r in header_rows.items()}
    for name, row in heads.items():
        english = [h for h in row if h and re.search(r"[A-Za-z_]{3,}", str(h))]
        assert not english, (name, english)
    assert heads["汇总"][:3] == ["包号", "采购区域", "品目"] and "合格学校数" in heads["汇总"]
    assert heads["候选明细"][3] == "是否合格" and "总分" in heads["候选明细"]
    summary = list(wb["汇总"].iter_rows(min_row=4, values_only=True))
    flags = {r[heads["汇总"].index("提示")] for r in summary if r[0]}
    assert "不足三家" in flags and "< 3" not in flags
    title = next(wb["中标模拟"].iter_rows(min_row=1, max_row=1, values_only=True))[0]
    assert re.search(r"预计 [\d,]+\.\d\d 万元，最高限价合计 [\d,]+\.\d\d 万元", title), title
    wb.close()


def test_timings_have_a_shortlist_stage(run):
    import json

    seconds = json.loads((run / "timings.json").read_text())["seconds"]
    assert {"load", "solve_lp", "shortlist", "awards", "write"} <= set(seconds)


def test_r16_entrepreneurship_needs_a_certified_trainer(solved):
    problem, solution = solved
    result = shortlist(problem, solution)
    lot = result.lots[result.lots["group"] == "entrepreneurship"].iloc[0]
    e = result.entries[result.entries["lot"] == lot["lot"]].set_index("school_code")
    school = e.index[e["eligible"]][0]
    inst = problem.institutions.copy()
    problem.institutions = inst.assign(siyb_trainers=np.where(inst["code"] == school, 0, inst["siyb_trainers"]))
    try:
        again = shortlist(problem, solution, lots=result.lots[result.lots["lot"] == lot["lot"]][
            ["lot", "area", "area_name", "group", "group_name", "courses", "course_names", "course_mix", "trainees",
             "classes", "counties", "date"]])
    finally:
        problem.institutions = inst
    row = again.entries.set_index("school_code").loc[school]
    assert not row["eligible"] and row["reason_codes"] == "R16"


def test_filter_summary_is_a_plain_filter(solved):
    result = shortlist(*solved)
    s = result.summary
    got = filter_summary(s, ["昆明市"], [], True)
    assert got.equals(s[(s["area"] == "昆明市") & (s["flag"] != "")])
    assert len(filter_summary(s)) == len(s)


# -- evaluate -----------------------------------------------------------------------------------------------

def _folder(tmp_path):
    """A hand-made shortlist folder: L1 consultation (ceiling 100,000), L2 negotiation (ceiling 50,000);
    criteria price 30, training plan 40, teachers 30; 丁校 is not qualified for L1."""
    d = tmp_path / "sl"
    d.mkdir()
    pd.DataFrame({"lot": ["L1", "L2"], "method": ["consultation", "negotiation"],
                  "ceiling_yuan": [100_000, 50_000]}).to_csv(d / "lots.csv", index=False)
    rows = [(lot, code, name, not (lot == "L1" and code == "sD"), "R15：无在省培训平台登记的师资" if
             (lot == "L1" and code == "sD") else "")
            for lot in ("L1", "L2") for code, name in (("sA", "甲校"), ("sB", "乙校"), ("sC", "丙校"), ("sD", "丁校"))]
    pd.DataFrame(rows, columns=["lot", "school_code", "school", "eligible", "reasons"]).to_csv(
        d / "shortlist_entries.csv", index=False)
    pd.DataFrame({"criterion": ["price", "training_plan", "teachers"], "name": ["价格", "培训方案", "师资"],
                  "max_points": [30, 40, 30], "scored_by": ["formula", "panel", "data"]}).to_csv(
        d / "criteria.csv", index=False)
    return d


QUOTES = "lot,school,quote\nL1,甲校,90000\nL1,sB,80000\nL1,丙校,100000\nL2,甲校,45000\nL2,乙校,42000\n"
SCORES = ("lot,school,expert,criterion,points\n"
          "L1,甲校,e1,training_plan,35\nL1,甲校,e2,培训方案,33\nL1,甲校,e1,teachers,20\nL1,甲校,e2,teachers,24\n"
          "L1,乙校,e1,training_plan,30\nL1,乙校,e2,training_plan,30\nL1,乙校,e1,teachers,25\nL1,乙校,e2,teachers,27\n"
          "L1,丙校,e1,training_plan,40\nL1,丙校,e2,training_plan,38\nL1,丙校,e1,师资,30\nL1,丙校,e2,teachers,28\n")


def test_evaluate_reproduces_hand_computed_scores_and_ranking(tmp_path, capsys):
    """L1 (price 30): base 80,000.
    甲: 80/90×30 = 26.6667 + (35+33)/2 + (20+24)/2 = 34 + 22 → 82.6667
    乙: 30 + 30 + 26 → 86
    丙: 80/100×30 = 24 + 39 + 29 → 92           → 丙, 乙, 甲
    L2 (negotiation): 乙 42,000 before 甲 45,000."""
    d = _folder(tmp_path)
    (tmp_path / "q.csv").write_text(QUOTES, encoding="utf-8")
    (tmp_path / "s.csv").write_text(SCORES, encoding="utf-8")
    assert main(["evaluate", str(d), "--quotes", str(tmp_path / "q.csv"), "--scores", str(tmp_path / "s.csv"),
                 "--out", str(tmp_path / "ev")]) == 0
    ev = read(tmp_path / "ev" / "evaluation.csv").set_index(["lot", "school_code"])
    assert ev.loc[("L1", "sA"), "price_score"] == pytest.approx(26.6667, abs=1e-4)
    assert ev.loc[("L1", "sA"), "training_plan_score"] == pytest.approx(34)
    assert ev.loc[("L1", "sA"), "technical_score"] == pytest.approx(56)
    assert ev.loc[("L1", "sA"), "total_score"] == pytest.approx(82.6667, abs=1e-4)
    assert ev.loc[("L1", "sB"), "total_score"] == pytest.approx(86)
    assert ev.loc[("L1", "sC"), "total_score"] == pytest.approx(92)
    assert [ev.loc[("L1", s), "rank"] for s in ("sC", "sB", "sA")] == [1, 2, 3]
    assert [ev.loc[("L2", s), "rank"] for s in ("sB", "sA")] == [1, 2]
    assert pd.isna(ev.loc[("L2", "sB"), "total_score"])
    assert (tmp_path / "ev" / "evaluation.xlsx").exists()


def test_evaluate_without_scores_computes_price_only(tmp_path, capsys):
    """L1 is scored (综合评分): without the panel's scores it has price scores and no rank, and the command says
    why (it said only 已评 …); L2 (lowest price) is ranked."""
    d = _folder(tmp_path)
    (tmp_path / "q.csv").write_text(QUOTES, encoding="utf-8")
    assert main(["evaluate", str(d), "--quotes", str(tmp_path / "q.csv"), "--out", str(tmp_path / "ev")]) == 0
    assert "其中 1 个包按综合评分法评审，须有评审小组的技术分才能排名" in capsys.readouterr().out
    ev = read(tmp_path / "ev" / "evaluation.csv").set_index(["lot", "school_code"])
    assert ev.loc[("L1", "sC"), "price_score"] == pytest.approx(24)
    assert ev.loc[("L1"), "technical_score"].isna().all() and ev.loc[("L1"), "rank"].isna().all()
    assert ev.loc[("L2", "sB"), "rank"] == 1


@pytest.mark.parametrize(("quotes", "scores", "words"), [
    ("lot,school,quote\nL1,甲校,120000\n", None, ["q.csv，第 2 行，列“quote”", "最高限价"]),
    ("lot,school,quote\nL1,戊校,1000\nL9,甲校,1000\n", None,
     ["第 2 行，列“school”", "未知的学校", "第 3 行，列“lot”", "未知的包号"]),
    ("lot,school,quote\nL1,丁校,1000\n", None, ["第 2 行，列“school”", "R15"]),
    ("lot,school,quote\nL1,甲校,-5\nL1,乙校,abc\n", None, ["第 2 行，列“quote”", "第 3 行，列“quote”"]),
    (QUOTES, "lot,school,expert,criterion,points\nL1,甲校,e1,training_plan,45\n",
     ["s.csv，第 2 行，列“points”", "满分 40"]),
    (QUOTES, "lot,school,expert,criterion,points\nL1,甲校,e1,price,10\nL1,甲校,e1,size,5\n",
     ["第 2 行，列“criterion”", "价格分由报价计算", "第 3 行，列“criterion”", "未知的评审因素"]),
    (QUOTES, "lot,school,expert,criterion,points\nL1,甲校,e1,training_plan,30\n",
     ["列“criterion”", "评委 e1 未给 甲校 打分：teachers"]),
])
def test_evaluate_refuses_bad_quotes_and_scores_with_file_row_and_column(tmp_path, capsys, quotes, scores, words):
    d = _folder(tmp_path)
    (tmp_path / "q.csv").write_text(quotes, encoding="utf-8")
    args = ["evaluate", str(d), "--quotes", str(tmp_path / "q.csv"), "--out", str(tmp_path / "ev")]
    if scores:
        (tmp_path / "s.csv").write_text(scores, encoding="utf-8")
        args += ["--scores", str(tmp_path / "s.csv")]
    assert main(args) == 2
    err = capsys.readouterr().err
    for word in words:
        assert word in err, (word, err)
    assert not (tmp_path / "ev").exists()


def test_cli_rejects_a_services_price_weight_of_35_percent(tmp_path, capsys):
    assert main(["shortlist", "--out", str(tmp_path), "--price-weight", "0.35"]) == 2
    assert "超出服务类采购的 10%–30% 范围" in capsys.readouterr().err
    assert main(["shortlist", "--out", str(tmp_path), "--weight", "distance=abc"]) == 2
