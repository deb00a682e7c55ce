"""Issue 20: calibrated assumed data, the sensitivity of the plan to each assumed number, covers, Monte Carlo."""

from __future__ import annotations

import math

import pandas as pd
import pulp
import pytest

from optimizer.analysis.assumptions import analyse
from optimizer.data.loader import load_plan
from optimizer.data.schema import SCHEMAS
from optimizer.errors import InputError
from optimizer.messages import language
from optimizer.model.lp import AllocationModel
from optimizer.model.solvers import make_solver
from optimizer.pipeline import run_sensitivity
from tests.conftest import DATA, read_rows, write_rows

NUMERIC = ("int", "float", "wan")


@pytest.fixture(scope="module")
def sensitivity():
    """The baseline's LP relaxation with its ranging, and the analysis with the top 3 re-solved."""
    run = run_sensitivity()
    return run, analyse(run, top=3)


def _fresh_objective(problem) -> float:
    """The LP objective of ``problem`` from a model built and solved from scratch (no ranging, no hot start)."""
    model = AllocationModel(problem)
    model.lp.solve(make_solver("highs", 120))
    assert model.lp.sol_status == pulp.LpSolutionOptimal
    return float(pulp.value(model.lp.objective))


# -- 1. calibrated assumed data ------------------------------------------------------------------------------


def test_every_assumed_number_lies_in_its_sourced_range_and_every_basis_cites_a_source():
    """Read straight from the CSV files (not through the loader): every numeric column of an assumed table has a
    sourced range, every value lies in it, and every assumed row's basis names calibration.md or says none was
    found."""
    ranges = pd.read_csv(DATA / "assumption_ranges.csv")
    assert ranges["source"].str.len().min() > 20
    assert ranges["source"].str.contains("calibration.md|none found|notice").all()
    assert (ranges["low"] <= ranges["high"]).all()
    checked = 0
    for name, schema in SCHEMAS.items():
        if not schema.assumed:
            continue
        frame = pd.read_csv(DATA / f"{name}.csv", dtype=str, keep_default_na=False)
        for column in (c for c in schema.columns if c.kind in NUMERIC):
            row = ranges[(ranges["table"] == name) & (ranges["column"] == column.name)]
            assert len(row) == 1, (name, column.name)
            low, high = float(row["low"].iloc[0]), float(row["high"].iloc[0])
            values = frame[column.name].astype(float)
            outside = frame[(values < low) | (values > high)]
            assert outside.empty, (name, column.name, outside.head())
            checked += len(values)
        assumed = frame[frame["basis"].str.startswith("assumed")]
        cites = assumed["basis"].str.contains("calibration.md") | assumed["basis"].str.contains("none found")
        assert cites.all(), (name, assumed.loc[~cites, "basis"].head(3).tolist())
    assert checked > 1500  # offers (3 × 398), courses, institutions, focus, procurement tables


def test_sources_md_copies_the_calibration_facts_it_cites():
    text = (DATA / "SOURCES.md").read_text(encoding="utf-8")
    for fact in ("300–1,600 元", "2,333 元", "2,000 元/人", "4,000 元/人", "17,626 students", "249 working days"):
        assert fact in text, fact


def test_the_loader_rejects_a_value_outside_its_sourced_range_naming_file_row_column_value(data_copy):
    rows = read_rows(data_copy / "offers.csv")
    col = rows[0].index("price_per_trainee")
    rows[6][col] = "4500"  # inside the schema's sane bound (100,000), outside the sources' 300–4,000
    write_rows(data_copy / "offers.csv", rows)
    with pytest.raises(InputError) as exc, language("en"):
        load_plan(data_copy)
    found = [p for p in exc.value.problems if p.column == "price_per_trainee"]
    assert len(found) == 1
    p = found[0]
    assert (p.file, p.row, p.value) == ("offers.csv", 7, "4500")
    with language("en"):
        assert "outside the range public sources support, 300–4,000 yuan" in str(p)
    assert "assumption_ranges.csv" in p.message  # the file that holds the range's source (calibration.md …)


def test_a_folder_without_ranges_is_checked_against_the_schema_only(data_copy):
    """The ranges travel with their data folder: removed, the same value passes (it is within the sane bound)."""
    rows = read_rows(data_copy / "offers.csv")
    rows[6][rows[0].index("price_per_trainee")] = "4500"
    write_rows(data_copy / "offers.csv", rows)
    (data_copy / "assumption_ranges.csv").unlink()
    plan = load_plan(data_copy)
    assert plan.assumption_ranges is None and 4500 in set(plan.offers["price_per_trainee"])


def test_a_bad_ranges_table_is_bad_input(data_copy):
    rows = read_rows(data_copy / "assumption_ranges.csv")
    rows[1][3] = "100"  # high below low (300)
    rows[2][0] = "counties"  # not an assumed table
    write_rows(data_copy / "assumption_ranges.csv", rows)
    with pytest.raises(InputError) as exc, language("en"):
        load_plan(data_copy)
    where = {(p.file, p.row, p.column) for p in exc.value.problems}
    assert ("assumption_ranges.csv", 2, "high") in where and ("assumption_ranges.csv", 3, "table") in where


# -- 2. the sensitivity of the plan --------------------------------------------------------------------------


def test_a_positive_shadow_price_is_what_one_more_place_saves_in_a_second_solve(sensitivity):
    """For capacities with a positive shadow price, a model built afresh with one place more (and one less) moves
    the LP objective by exactly the reported shadow price, within the interval where it holds."""
    run, _ = sensitivity
    rows = run.ranging.rows
    cap = rows[(rows["family"] == "capacity") & (rows["shadow_price"] > 1.0)
               & (rows["holds_to"] >= rows["upper"] + 1) & (rows["holds_from"] <= rows["upper"] - 1)]
    assert len(cap) > 50
    base = _fresh_objective(run.problem)
    assert base == pytest.approx(run.ranging.objective, rel=1e-9)
    for _, row in cap.sort_values("shadow_price", ascending=False).head(2).iterrows():
        inst, course = row["name"].removeprefix("cap_").split("_")
        for step in (1, -1):
            problem = _with_capacity(run.problem, inst, course, step)
            change = _fresh_objective(problem) - base
            assert change == pytest.approx(-step * row["shadow_price"], rel=1e-6, abs=1e-3), (row["name"], step)


def _with_capacity(problem, inst: str, course: str, step: int):
    import copy

    other = copy.copy(problem)
    other.offers = problem.offers.copy()
    mask = (other.offers["institution"] == inst) & (other.offers["course"] == course)
    assert mask.sum() == 1
    other.offers.loc[mask, "capacity"] += step
    return other


def test_every_assumed_number_entering_the_model_is_ranked(sensitivity):
    """Counted from the model independently: three numbers per offer that has a capacity row, two per course
    with such an offer, one per focus share with a mix row; ranks 1..n by decreasing sensitivity."""
    run, report = sensitivity
    t = report.table
    model = run.ranging.model
    rows = model.row_table  # the model's keyed rows (codes, not names)
    cap = rows[rows["family"] == "capacity"]
    offers = set(zip(cap["institution"], cap["course"], strict=True))
    counts = t.groupby(["table", "column"]).size()
    assert counts[("offers", "price_per_trainee")] == counts[("offers", "equipment_sets")] == len(offers)
    assert counts[("offers", "days_available")] == len(offers)
    courses = {course for _, course in offers}
    assert counts[("courses", "class_hours")] == counts[("courses", "max_class_size")] == len(courses)
    mixes = rows[rows["family"] == "mix"]
    mix = set(zip(mixes["prefecture"], mixes["group"], strict=True))  # a group with no focus row has no number
    focus = {(r.prefecture, r.group) for r in run.problem.focus.itertuples()}
    assert counts[("profession_focus", "share")] == len(mix & focus) > 200
    assert list(t["rank"]) == list(range(1, len(t) + 1))
    assert t["sensitivity"].is_monotonic_decreasing
    assert (t["source_range_low"] <= t["value"]).all() and (t["value"] <= t["source_range_high"]).all()
    assert t["basis"].str.len().min() > 0
    for column in ("table", "key", "column", "value", "basis", "source_range_low", "source_range_high",
                   "sensitivity", "rank"):
        assert column in t.columns


def test_a_capacity_estimate_is_dual_times_the_change_of_places(sensitivity):
    """An offer's equipment-set row: at the low end the estimate is the dual × places lost (places recomputed here
    from the formula of R5–R7 and class_fill), at the high end the dual × places gained up to where it holds."""
    run, report = sensitivity
    t = report.table
    row = t[(t["table"] == "offers") & (t["column"] == "equipment_sets") & (t["estimate"] == "ranging")
            & (t["shadow_price"] > 1) & (t["value"] > 1)].iloc[0]
    inst, course = row["key"].split("/")
    o = run.problem.offers.set_index(["institution", "course"]).loc[(inst, course)]
    per_set = (o["days_available"] // math.ceil(o["class_hours"] / 8)) * o["class_size"]
    low_places = int(1 * per_set * 0.8 + 1e-9)
    high_places = int(20 * per_set * 0.8 + 1e-9)
    assert row["estimate_low"] == pytest.approx(row["shadow_price"] * (row["rhs"] - low_places))
    gained = min(high_places, row["holds_to"]) - row["rhs"]
    assert row["estimate_high"] == pytest.approx(-row["shadow_price"] * gained)


def test_the_top_numbers_are_re_solved_like_a_fresh_model(sensitivity):
    """The re-solve at an end of the range (hot start, bounds changed in place) gives the objective a model built
    afresh with that value gives."""
    run, report = sensitivity
    top = report.table.head(3)
    assert top["status_low"].isin(["optimal", "infeasible"]).all() and top["delta_high"].notna().all()
    row = report.table[(report.table["table"] == "offers") & (report.table["column"] == "price_per_trainee")]
    row = row[row["trainees"] > 0].iloc[0]
    from optimizer.analysis.assumptions import change_at

    res = run.ranging.resolve_with(change_at(row, "low", run.ranging, run.problem))
    import copy

    problem = copy.copy(run.problem)
    problem.offers = run.problem.offers.copy()
    inst, course = row["key"].split("/")
    mask = (problem.offers["institution"] == inst) & (problem.offers["course"] == course)
    problem.offers.loc[mask, "price"] = row["source_range_low"]
    assert res.result.objective == pytest.approx(_fresh_objective(problem), rel=1e-7)
    # the lower price can only lower the objective, by at least trainees × the price cut (concave in the price)
    assert res.result.objective - run.ranging.objective <= row["estimate_low"] + 1e-6


def test_each_prefecture_lists_its_ten(sensitivity):
    run, report = sensitivity
    prefs = report.by_prefecture
    assert set(prefs["prefecture"]) == set(run.problem.targets["prefecture"])
    assert prefs.groupby("prefecture").size().max() == 10
    for _, part in prefs.groupby("prefecture"):
        assert part["score"].is_monotonic_decreasing and list(part["rank"]) == list(range(1, len(part) + 1))


def test_the_workspace_export_page_shows_the_same_list(sensitivity):
    """The export page lists, for the chosen workbook, the assumptions its cover lists (here the province's, the
    page's first choice): the same ten, in the same order, as the ranking of the baseline."""
    from streamlit.testing.v1 import AppTest

    from optimizer.messages import set_language

    set_language("zh")
    _, report = sensitivity
    at = AppTest.from_string("from optimizer.ui import pages\npages.export_page()", default_timeout=300).run()
    assert not at.exception
    assert any(e.label.startswith("提交前请核实") for e in at.expander)
    shown = next(d.value for d in at.dataframe if "序号" in d.value.columns)
    assert list(shown["序号"]) == list(range(1, 11))
    assert list(shown["对象"]) == list(report.table["name"].head(10))


# -- 4. Monte Carlo ------------------------------------------------------------------------------------------


def test_draws_are_seeded_and_stay_within_the_sourced_ranges_and_the_rules():
    from optimizer import rules
    from optimizer.analysis.assumptions import BASELINE_SAMPLE, draw_plan

    plan = load_plan(DATA)
    a, b, c = draw_plan(plan, 7, 0), draw_plan(plan, 7, 0), draw_plan(plan, 8, 0)
    assert a.offers.equals(b.offers) and not a.offers.equals(c.offers)
    assert draw_plan(plan, 7, BASELINE_SAMPLE) is plan
    ranges = pd.read_csv(DATA / "assumption_ranges.csv").set_index(["table", "column"])
    for column in ("equipment_sets", "days_available", "price_per_trainee"):
        low, high = ranges.loc[("offers", column), ["low", "high"]]
        assert a.offers[column].between(low, high).all(), column
        assert (a.offers[column] != plan.offers[column]).mean() > 0.5, column  # most values moved
    assert a.offers["equipment_sets"].dtype.kind == "i"
    cert = a.courses["certificate_type"].map(rules.is_certificate_class)
    assert (a.courses.loc[cert, "class_hours"] >= rules.MIN_CERTIFICATE_CLASS_HOURS).all()  # R6 holds
    assert a.courses["max_class_size"].equals(plan.courses["max_class_size"])  # not drawn (whole classes)
    sums = a.focus.groupby("prefecture_adcode")["share"].sum()
    assert (sums - 1).abs().max() < 1e-9


def test_a_small_monte_carlo_sweep_reports_per_county_and_school_variability(tmp_path, capsys):
    """One sample and the reference through the command line (the sweep's process executor, two workers): files,
    the feasible share, and the sample's objective equal to a fresh LP of its drawn data built here. (The
    100-sample sweep is run by hand: README, "Assumptions that matter".)"""
    from optimizer.analysis.assumptions import draw_plan
    from optimizer.cli import main
    from optimizer.model.problem import build_problem
    from optimizer.pipeline import prepare

    out = tmp_path / "mc"
    assert main(["--lang", "en", "sweep", "--samples", "1", "--seed", "11", "--no-cache", "--out", str(out)]) == 0
    assert "1 samples (seed 11), 1 feasible (100.0%)" in capsys.readouterr().out
    table = pd.read_csv(out / "sweep.csv")
    assert list(table["sample"]) == [-1, 0] and (table["status"] == "optimal").all()
    counties = pd.read_csv(out / "variability_counties.csv", dtype={"adcode": str})
    assert len(counties) == 129 and counties["changed_share"].between(0, 1).all()
    assert counties["changed_share"].max() > 0 and (counties["p05"] <= counties["p95"]).all()
    schools = pd.read_csv(out / "variability_schools.csv")
    assert len(schools) == 33 and (schools["baseline"] > 0).all()
    _, applied, params, _ = prepare(None, plan=draw_plan(load_plan(DATA), 11, 0))
    expected = _fresh_objective(build_problem(applied, params))
    assert table.loc[table["sample"] == 0, "objective"].iloc[0] == pytest.approx(expected, rel=1e-8)


def test_sweep_needs_a_grid_or_samples(capsys):
    from optimizer.cli import main

    assert main(["--lang", "en", "sweep", "--no-cache"]) == 2
    assert "give --param" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["--lang", "en", "sweep", "--samples", "0"])
    assert exc.value.code == 2 and "--samples 0: expected a whole number from 1 to 1000" in capsys.readouterr().err


# -- the command ---------------------------------------------------------------------------------------------


def test_the_assumptions_command_writes_csv_and_a_chinese_workbook_through_the_writer(tmp_path, capsys):
    import json

    from openpyxl import load_workbook

    from optimizer.cli import main

    out = tmp_path / "asm"
    assert main(["assumptions", "--out", str(out), "--top", "1"]) == 0
    assert "个假设数字已排序" in capsys.readouterr().out
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["command"] == "assumptions" and set(manifest["files"]) == {
        "assumptions.csv", "assumptions_by_prefecture.csv", "assumptions.xlsx", "timings.json"}
    table = pd.read_csv(out / "assumptions.csv")
    assert list(table.columns[:9]) == ["table", "key", "column", "value", "basis", "source_range_low",
                                       "source_range_high", "sensitivity", "rank"]
    assert table["delta_low"].notna().sum() == 1  # --top 1: one number re-solved
    book = load_workbook(out / "assumptions.xlsx", read_only=True)
    assert book.sheetnames == ["说明", "全部假设排序", "重点假设复算", "各州市核实清单"]
    book.close()


def test_help_of_assumptions_is_plain_text_with_defaults_and_exit_statuses(capsys):
    from optimizer.cli import main

    with pytest.raises(SystemExit):
        main(["assumptions", "--help"])
    text = capsys.readouterr().out
    assert "退出状态" in text and "默认：10" in text and "--top" in text
    with pytest.raises(SystemExit):
        main(["sweep", "--help"])
    assert "--samples" in capsys.readouterr().out
