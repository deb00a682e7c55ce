"""Issue 18: actual records, progress, R18 top five, overdue claims, report workbooks and re-plans.

Expected values are worked out from the records file itself with the csv module and the shipped tables (not
through the package's loader or progress code), so a wrong aggregation in the package cannot agree with them.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import chinese_calendar
import pytest

from optimizer.cli import main
from tests.conftest import DATA, read_rows

AS_OF = dt.date(2022, 6, 30)


def csv_dicts(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def solved():
    from optimizer.pipeline import run_scenario

    result = run_scenario()
    return result.plan, result.problem, result.solution


@pytest.fixture(scope="module")
def actuals(solved, tmp_path_factory) -> Path:
    from optimizer.tracking.synthetic import generate_actuals

    plan, problem, solution = solved
    path = tmp_path_factory.mktemp("actuals") / "actuals.csv"
    generate_actuals(plan, problem, solution, AS_OF, seed=18).to_csv(path, index=False, encoding="utf-8-sig")
    return path


@pytest.fixture(scope="module")
def progress_out(actuals, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("progress")
    assert main(["progress", str(actuals), "--as-of", AS_OF.isoformat(), "--out", str(out)]) == 0
    return out


@pytest.fixture(scope="module")
def replan_out(actuals, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("replan")
    assert main(["replan", str(actuals), "--as-of", AS_OF.isoformat(), "--out", str(out)]) == 0
    return out


def institution_codes() -> dict[str, str]:
    """Code and name → code, from the shipped institutions table."""
    out = {}
    for r in csv_dicts(DATA / "institutions.csv"):
        out[r["code"]] = r["code"]
        out[r["name"]] = r["code"]
    return out


def county_prefecture() -> dict[str, str]:
    return {r["adcode"]: r["prefecture"] for r in csv_dicts(DATA / "counties.csv")}


# -- the generator ----------------------------------------------------------------------------------------------

def test_generator_is_reproducible_and_mixes_behind_ahead_and_outside(solved, actuals):
    from optimizer.tracking.synthetic import generate_actuals

    plan, problem, solution = solved
    again = generate_actuals(plan, problem, solution, AS_OF, seed=18)
    other = generate_actuals(plan, problem, solution, AS_OF, seed=19)
    rows = csv_dicts(actuals)
    assert [list(r.values()) for r in rows] == again.astype(str).values.tolist()
    assert other.astype(str).values.tolist() != again.astype(str).values.tolist()
    assert sum(r["programme"] == "other" for r in rows) == 12
    assert all(dt.date.fromisoformat(r["start_date"]) <= AS_OF for r in rows)
    assert any(dt.date.fromisoformat(r["end_date"]) > AS_OF for r in rows)  # some still in training


# -- validation -------------------------------------------------------------------------------------------------

HEADER = [h.lstrip("\ufeff") for h in read_rows(DATA / "templates" / "actuals.csv")[0]]
GOOD = ["C1", "s01", "k01", "530102", "school", "", "2022-03-01", "2022-03-21", "40", "36", "1000", "", ""]


def write_actuals(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([HEADER, *rows])
    return path


def bad_rows() -> list[list[str]]:
    """Rows 2–9: one good row, then one fault each."""
    def row(**changes):
        r = dict(zip(HEADER, GOOD, strict=True))
        r.update(changes)
        return [r[h] for h in HEADER]

    return [
        row(),
        row(class_id="C2", institution_code="云南技师学校"),  # unknown (misspelt) institution
        row(class_id="C3", start_date="2022-04-10", end_date="2022-04-01"),  # end before start
        row(class_id="C4", start_date="2022-07-05", end_date="2022-07-25"),  # starts after the as-of date
        row(class_id="C1"),  # duplicate class id
        row(class_id="C6", trainees="-5", certified="0"),  # negative trainees
        row(class_id="C7", trainees="61", certified="0"),  # R5: at most 60 a class
        row(class_id="C8", programme="unit", unit_code=""),  # a unit class without its unit
    ]


def test_every_bad_record_is_reported_with_file_row_column_and_value(tmp_path):
    from optimizer.data.actuals import load_actuals
    from optimizer.data.loader import load_plan
    from optimizer.errors import InputError

    path = write_actuals(tmp_path / "bad_actuals.csv", bad_rows())
    with pytest.raises(InputError) as info:
        load_actuals(path, load_plan(), AS_OF)
    found = {(p.file, p.row, p.column, p.value) for p in info.value.problems}
    assert ("bad_actuals.csv", 3, "institution_code", "云南技师学校") in found
    assert ("bad_actuals.csv", 4, "end_date", "2022-04-01") in found
    assert ("bad_actuals.csv", 5, "start_date", "2022-07-05") in found
    assert ("bad_actuals.csv", 6, "class_id", "C1") in found
    assert ("bad_actuals.csv", 7, "trainees", "-5") in found
    assert ("bad_actuals.csv", 8, "trainees", "61") in found  # R5
    assert ("bad_actuals.csv", 9, "unit_code", "") in found
    assert not any(p.row == 2 for p in info.value.problems)  # the good row is fine
    unknown = next(p for p in info.value.problems if p.row == 3)
    assert "云南技师学院" in unknown.message  # the suggestion


def test_bad_actuals_exit_2_naming_file_row_column_value(tmp_path, capsys):
    path = write_actuals(tmp_path / "bad_actuals.csv", bad_rows())
    code = main(["--lang", "en", "progress", str(path), "--as-of", AS_OF.isoformat(), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2
    assert "bad_actuals.csv, row 4, column 'end_date': ends before it starts (2022-04-10) (found '2022-04-01')" in err
    assert "bad_actuals.csv, row 7, column 'trainees'" in err and "'-5'" in err
    assert not (tmp_path / "o" / "progress.csv").exists()
    code = main(["progress", str(path), "--as-of", AS_OF.isoformat(), "--out", str(tmp_path / "o")])
    err = capsys.readouterr().err
    assert code == 2 and "bad_actuals.csv，第 4 行" in err and "结束日期早于开始日期" in err  # Chinese by default


def test_names_are_accepted_for_codes(tmp_path):
    from optimizer.data.actuals import load_actuals
    from optimizer.data.loader import load_plan

    row = ["C1", "云南技师学院", "k01", "五华区", "unit", "云南省总工会", "2022-03-01", "2022-03-21", "40", "", "", "",
           ""]
    records = load_actuals(write_actuals(tmp_path / "a.csv", [row]), load_plan(), AS_OF)
    assert records.loc[0, ["institution", "adcode", "unit", "prefecture"]].tolist() == ["s01", "530102", "u06",
                                                                                         "530100"]


# -- progress ---------------------------------------------------------------------------------------------------

def test_progress_tables_sum_to_the_records(actuals, progress_out):
    rows = csv_dicts(actuals)
    courses = {r["code"]: r for r in csv_dicts(DATA / "courses.csv")}
    units = {r["code"]: r["name"] for r in csv_dicts(DATA / "units.csv")}
    expected: dict[tuple[str, str], int] = defaultdict(int)  # (measure, done|running) → trainees
    for r in rows:
        status = "running" if dt.date.fromisoformat(r["end_date"]) > AS_OF else "done"
        t, course = int(r["trainees"]), courses[r["course_code"]]
        measures = ["附件1第1栏"]
        if course["certificate_type"] in ("职业资格证书", "职业技能等级证书"):
            measures.append("附件1第2栏")
            if course["level"] in ("三级", "二级", "一级"):
                measures.append("附件1第3栏")
        if r["programme"] == "school":
            measures.append("附件1第5栏")
        if course["certificate_type"] == "创业培训":
            measures.append("附件1第7栏")
        if r["programme"] == "unit":
            measures.append(f"附件4 {units[r['unit_code']]}")
        for m in measures:
            expected[(m, status)] += t
    table = csv_dicts(progress_out / "progress.csv")
    assert {c for c in table[0]} >= {"level", "prefecture", "adcode", "measure", "planned", "done", "running",
                                      "remaining"}
    for level in ("county", "prefecture", "province"):
        got: dict[tuple[str, str], int] = defaultdict(int)
        for r in table:
            if r["level"] == level:
                got[(r["measure"], "done")] += int(r["done"])
                got[(r["measure"], "running")] += int(r["running"])
        assert {k: v for k, v in got.items() if v} == dict(expected), level
    schools = sum(int(r["trainees"]) for r in rows if r["programme"] == "school")
    assert sum(int(r["done"]) + int(r["running"]) for r in table if r["level"] == "school") == schools
    for r in table:
        assert int(r["remaining"]) == max(0, int(r["planned"]) - int(r["done"]) - int(r["running"]))


def test_progress_planned_matches_the_notice(progress_out):
    table = csv_dicts(progress_out / "progress.csv")
    printed = {r["row"]: r for r in csv_dicts(DATA / "annex1_targets.csv")}
    for r in table:
        if r["level"] == "prefecture" and r["measure"] == "附件1第5栏":
            assert int(r["planned"]) == int(Decimal(printed[r["prefecture"]]["col5"]) * 10000)
    county5 = sum(int(r["planned"]) for r in table if r["level"] == "county" and r["measure"] == "附件1第5栏")
    assert county5 == 200_000  # Annex 2's 20 万, allocated to counties


def test_lagging_is_against_the_elapsed_share_of_working_days(progress_out):
    workdays = [dt.date(2022, 1, 1) + dt.timedelta(days=i) for i in range(365)]
    workdays = [d for d in workdays if chinese_calendar.is_workday(d)]
    elapsed = sum(1 for d in workdays if d <= AS_OF) / len(workdays)
    table = csv_dicts(progress_out / "progress.csv")
    assert float(table[0]["share_expected"]) == pytest.approx(elapsed, abs=1e-4)
    for r in table:
        planned, started = int(r["planned"]), int(r["done"]) + int(r["running"])
        if planned:
            assert (r["lagging"] == "True") == (started / planned < 0.8 * elapsed)
    assert any(r["lagging"] == "True" for r in table if r["level"] == "county")
    assert any(r["lagging"] == "False" for r in table if r["level"] == "county")


def test_r18_top_five_per_prefecture_equals_an_independent_ranking(actuals, progress_out):
    codes, pref = institution_codes(), county_prefecture()
    names = {r["code"]: r["name"] for r in csv_dicts(DATA / "institutions.csv")}
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for r in csv_dicts(actuals):
        if dt.date.fromisoformat(r["end_date"]) <= AS_OF and float(r["subsidy_yuan"] or 0) > 0:
            totals[pref[r["adcode"]]][codes[r["institution_code"]]] += int(r["trainees"])
    expected = []
    for area in sorted(totals, key=lambda p: min(a for a, q in pref.items() if q == p)):
        ranked = sorted(totals[area].items(), key=lambda kv: (-kv[1], kv[0]))[:5]
        expected += [[area, str(i), c, names[c], str(t)] for i, (c, t) in enumerate(ranked, start=1)]
    top = [list(r.values()) for r in csv_dicts(progress_out / "top5.csv") if not r["area"].isdigit()]
    assert top == expected
    assert len({r[0] for r in top}) == 16


def test_r18_top_five_per_county_has_at_most_five_and_is_sorted(progress_out):
    by_area: dict[str, list[int]] = defaultdict(list)
    for r in csv_dicts(progress_out / "top5.csv"):
        if r["area"].isdigit():
            by_area[r["area"]].append(int(r["subsidised_trainees"]))
    assert by_area and all(len(v) <= 5 and v == sorted(v, reverse=True) for v in by_area.values())


def test_overdue_claims_by_the_official_calendar(actuals, progress_out):
    def deadline(day: dt.date) -> dt.date:
        left = 30
        while left:
            day += dt.timedelta(days=1)
            left -= chinese_calendar.is_workday(day)
        return day

    expected = set()
    for r in csv_dicts(actuals):
        if r["claim_date"] and float(r["subsidy_yuan"]) > 0:
            limit = deadline(dt.date.fromisoformat(r["claim_date"]))
            approved = dt.date.fromisoformat(r["approval_date"]) if r["approval_date"] else None
            if (approved is None and limit < AS_OF) or (approved is not None and approved > limit):
                expected.add(r["class_id"])
    got = {r["class_id"] for r in csv_dicts(progress_out / "overdue_claims.csv")}
    assert got == expected and expected


def test_the_30_june_report_has_its_sheets_and_headings(progress_out):
    from openpyxl import load_workbook

    wb = load_workbook(progress_out / "R18_2022-06-30.xlsx", read_only=True)
    assert wb.sheetnames == ["封面", "前五机构（州市）", "前五机构（县）", "计划进度（州市）", "逾期补贴审核"]
    cover = [r for r in wb["封面"].iter_rows(values_only=True)]
    assert cover[0][0] == "云南省2022年职业培训补贴性培训量前五位机构重点跟踪报告（截至2022年6月30日）"
    # a Chinese report: the labels were bilingual ("截至日期 As of", "计划方案 Scenario" …); the input id is named
    # as on the 1 March workbooks' covers
    labels = [r[0] for r in cover[2:] if r[0]]
    assert "输入标识" in labels and "截至日期" in labels
    assert not [k for k in labels if any("A" <= ch <= "z" for ch in k)], labels
    top = list(wb["前五机构（州市）"].iter_rows(values_only=True))
    assert top[1] == ("州（市）", "排名", "培训机构", "机构代码", "补贴性培训人数")
    assert top[2][:2] == ("昆明市", 1)


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice / poppler not installed")
def test_the_30_june_report_renders_in_libreoffice(progress_out, tmp_path):
    src = tmp_path / "R18.xlsx"
    shutil.copy(progress_out / "R18_2022-06-30.xlsx", src)
    subprocess.run(["soffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo", "--convert-to", "pdf",
                    "--outdir", str(tmp_path), str(src)], check=True, capture_output=True, timeout=180)
    text = subprocess.run(["pdftotext", str(tmp_path / "R18.pdf"), "-"], check=True, capture_output=True,
                          text=True).stdout
    # the whole title on the page (centred in the narrow column A, its first characters fell off the left edge)
    for heading in ("云南省2022年职业培训补贴性培训量前五位机构重点跟踪报告", "各州（市）补贴性培训量前五位培训机构",
                    "各县（市、区）补贴性培训量前五位培训机构", "各州（市）计划进度", "补贴金额（元）"):
        assert heading in text


# -- re-plan ----------------------------------------------------------------------------------------------------

def test_replan_keeps_every_completed_class(actuals, replan_out):
    codes = institution_codes()
    done_school: dict[tuple, int] = defaultdict(int)
    done_unit: dict[tuple, int] = defaultdict(int)
    for r in csv_dicts(actuals):
        key_inst = codes[r["institution_code"]]
        if r["programme"] == "school":
            done_school[(key_inst, r["adcode"], r["course_code"])] += int(r["trainees"])
        elif r["programme"] == "unit":
            done_unit[(r["unit_code"], r["adcode"], r["course_code"], key_inst)] += int(r["trainees"])
    school: dict[tuple, int] = defaultdict(int)
    for r in csv_dicts(replan_out / "school_allocation.csv"):
        school[(r["school_code"], r["adcode"], r["course_code"])] += int(r["trainees"])
    unit: dict[tuple, int] = defaultdict(int)
    for r in csv_dicts(replan_out / "project_allocation.csv"):
        unit[(r["unit_code"], r["adcode"], r["course_code"], r["institution_code"])] += int(r["trainees"])
    assert done_school and done_unit
    assert all(school[k] >= t for k, t in done_school.items())
    assert all(unit[k] >= t for k, t in done_unit.items())


def test_replan_meets_every_annex_total_exactly(replan_out):
    quotas = {r["school"]: int(Decimal(r["quota_wan"]) * 10000) for r in csv_dicts(DATA / "annex2_school_quotas.csv")
              if r["school"]}
    col5 = {r["row"]: int(Decimal(r["col5"]) * 10000) for r in csv_dicts(DATA / "annex1_targets.csv")
            if r["row"] != "全省"}
    school: dict[str, int] = defaultdict(int)
    pref: dict[str, int] = defaultdict(int)
    for r in csv_dicts(replan_out / "school_allocation.csv"):
        school[r["school"]] += int(r["trainees"])
        pref[r["prefecture"]] += int(r["trainees"])
    assert dict(school) == quotas
    assert dict(pref) == col5
    annex4 = csv_dicts(DATA / "annex4_project_trainees.csv")
    units = [h for h in annex4[0] if h not in ("州市", "全省合计")]
    cells = {(r["州市"], u): int(r[u]) for r in annex4 if r["州市"] != "州市汇总" for u in units if int(r[u])}
    got: dict[tuple, int] = defaultdict(int)
    for r in csv_dicts(replan_out / "project_allocation.csv"):
        got[(r["prefecture"], r["unit"])] += int(r["trainees"])
    assert dict(got) == cells


def test_replan_changes_are_against_the_original_plan(replan_out, solved):
    solution = solved[2]
    changes = csv_dicts(replan_out / "changes.csv")
    assert changes
    original = solution.school_allocation.groupby("adcode")["trainees"].sum()
    new: dict[str, int] = defaultdict(int)
    for r in csv_dicts(replan_out / "school_allocation.csv"):
        new[r["adcode"]] += int(r["trainees"])
    for r in changes:
        assert int(r["change"]) == int(r["replanned"]) - int(r["original"]) != 0
        if r["level"] == "county" and r["programme"] == "school":
            assert int(r["original"]) == int(original.get(r["code"], 0))
            assert int(r["replanned"]) == new[r["code"]]
    # totals are fixed, so the county changes of each programme cancel out
    for programme in ("school", "unit"):
        assert sum(int(r["change"]) for r in changes if r["level"] == "county" and r["programme"] == programme) == 0


def test_replan_floors_are_lower_bounds_of_the_model(solved, actuals):
    """Remove lp.apply_floors and this fails: the done classes would not bind the model."""
    from optimizer.data.actuals import load_actuals
    from optimizer.model.lp import AllocationModel
    from optimizer.tracking.replan import replan_problem

    plan, problem, _ = solved
    new, _ = replan_problem(problem, load_actuals(actuals, plan, AS_OF), AS_OF)
    model = AllocationModel(new)
    for family in ("y", "w", "v", "q"):
        floors = new.__dict__[f"{family}_keys"]["floor"].tolist()
        assert any(floors)
        assert [v.lowBound for v in model.vars[family]] == [float(f) for f in floors]


def test_replan_changes_as_few_county_totals_as_it_must(solved, actuals):
    """The re-plan prices every change of a county flow against the original plan (lp.define_change_terms). The
    plan it finds without that price (replan_change_cost = 0) is feasible for it too, and cost-optimal, so its
    changes can only be fewer: cost_a + λ·Δ_a ≤ cost_u + λ·Δ_u and cost_u ≤ cost_a give Δ_a ≤ Δ_u. On the demo
    records it changes far fewer (measured: 14 totals against 129): remove the term and the two are equal."""
    import dataclasses

    from optimizer.data.actuals import load_actuals
    from optimizer.model.solve import allocate
    from optimizer.tracking.replan import replan_problem

    plan, problem, original = solved
    new, _ = replan_problem(problem, load_actuals(actuals, plan, AS_OF), AS_OF, original)
    free = dataclasses.replace(new, params=new.params.model_copy(update={"replan_change_cost": 0.0}))

    def changed(solution) -> tuple[int, float]:  # county totals changed, and trainees changed, by hand
        was = original.school_allocation.groupby(["school_code", "adcode"])["trainees"].sum()
        now = solution.school_allocation.groupby(["school_code", "adcode"])["trainees"].sum()
        diff = was.sub(now, fill_value=0)
        by_county = diff.groupby(level="adcode").sum()
        return int((by_county != 0).sum()), float(diff.abs().sum())

    anchored, unanchored = changed(allocate(new)), changed(allocate(free))
    assert anchored[1] <= unanchored[1] + 1e-6
    assert anchored[0] * 4 < unanchored[0] and anchored[1] * 4 < unanchored[1], (anchored, unanchored)


def test_replan_capacity_is_done_plus_the_days_left(solved, actuals):
    from optimizer.data.actuals import load_actuals
    from optimizer.tracking.replan import replan_problem

    plan, problem, _ = solved
    new, c = replan_problem(problem, load_actuals(actuals, plan, AS_OF), AS_OF)
    workdays = [d for d in (dt.date(2022, 1, 1) + dt.timedelta(days=i) for i in range(365))
                if chinese_calendar.is_workday(d)]
    after = sum(1 for d in workdays if d > AS_OF) / len(workdays)
    offer = next(o for o in new.offers.itertuples() if o.institution == "s01" and o.course == "k01")
    hours = int(problem.courses.set_index("code").loc["k01", "class_hours"])
    left = offer.equipment_sets * (int(offer.days_available * after) // -(-hours // 8)) * offer.class_size
    done = int(c.school_in.query("school == 's01' and course == 'k01'")["trainees"].sum())
    year = problem.offers.set_index(["institution", "course"]).loc[("s01", "k01"), "capacity"]
    assert offer.capacity == max(done, min(year, done + left))
    assert (new.offers["capacity"] <= problem.offers["capacity"]).all() or (new.offers["capacity"] > 0).all()


def test_replan_too_far_behind_is_infeasible_and_explained(solved, actuals, tmp_path, capsys):
    """A school that has trained more than its quota cannot be re-planned: exit 3 with a diagnosis."""
    rows = read_rows(actuals)
    header = [h.lstrip("\ufeff") for h in rows[0]]
    extra = dict(zip(header, rows[1], strict=True))
    big = []
    for n in range(400):  # 400 classes of 50 = 20,000 more than 云南技师学院's 2 万 quota allows with its done
        big.append([*(extra | {"class_id": f"X{n}", "institution_code": "s01", "course_code": "k01",
                               "adcode": "530102", "programme": "school", "unit_code": "", "trainees": "50",
                               "certified": "0", "subsidy_yuan": "0", "claim_date": "", "approval_date": "",
                               "start_date": "2022-03-01", "end_date": "2022-03-21"}).values()])
    path = tmp_path / "too_much.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([header, *rows[1:], *big])
    code = main(["replan", str(path), "--as-of", AS_OF.isoformat(), "--out", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 3
    assert "重新规划不可行" in out
    assert (tmp_path / "out" / "diagnosis.json").exists()


def test_progress_and_replan_are_recorded_in_the_plan_store(actuals, progress_out, replan_out):
    from optimizer.store import open_store

    rows = csv_dicts(actuals)
    store = open_store()
    progress_run = next(r for r in store.runs("progress") if r.settings["out"] == str(progress_out))
    replan_run = next(r for r in store.runs("replan") if r.settings["out"] == str(replan_out))
    assert progress_run.key_figures["classes"] == len(rows)
    assert progress_run.key_figures["done"] + progress_run.key_figures["running"] == sum(
        int(r["trainees"]) for r in rows)
    assert replan_run.status == "optimal" and replan_run.key_figures["verified"] is True
    assert replan_run.key_figures["kept_trainees"] == sum(int(r["trainees"]) for r in rows
                                                          if r["programme"] != "other")
    assert "changes.csv" in {o["name"] for o in replan_run.outputs}
    assert replan_run.settings["actuals_id"]


def test_replan_change_lines_use_thousands_separators():
    """Every other count the command line prints has separators ('西山区：5637 → 5678' stood out)."""
    from optimizer.messages import msg

    line = msg("replan.change", "zh", level="县", programme="技工院校", name="西山区", original=5637,
               replanned=5678, change=41)
    assert line == "  县 技工院校 西山区：5,637 → 5,678（+41）"


def test_an_as_of_date_outside_the_plans_year_is_refused(actuals, tmp_path, capsys):
    """The 2022 plan tracked as of 2023-06-30 ran silently (全年已过 49.4% of 2023, 799 claims overdue). The
    tracking period: 2022-01-01 to 2022-12-31 + 30 working days (× 7/5 = 42 days) + 14 for the Spring Festival
    = 2023-02-25; the day after is refused, naming the flag and the value (exit 2), and nothing is written."""
    from optimizer.data.actuals import check_as_of
    from optimizer.errors import InputError

    check_as_of(dt.date(2023, 2, 25), 2022, 30)
    for day in (dt.date(2023, 2, 26), dt.date(2021, 12, 31)):
        with pytest.raises(InputError):
            check_as_of(day, 2022, 30)
    code = main(["progress", str(actuals), "--as-of", "2023-06-30", "--out", str(tmp_path / "p")])
    err = capsys.readouterr().err
    assert code == 2 and "--as-of" in err and "2023-06-30" in err and "2022-01-01 至 2023-02-25" in err
    assert not (tmp_path / "p").exists()


def test_after_the_plan_year_all_of_it_has_passed_and_no_capacity_is_left(solved):
    """In the approval period after 31 December (inside check_as_of's limits) the 2022 plan's year is over: the
    progress report counted 2023's working days (全年已过 14.5% on 2023-02-25, every prefecture 'lagging' against
    14.5%) and the re-plan as of 2023-01-20 gave the remaining trainees 2023's days to train in."""
    from optimizer.tracking.progress import year_elapsed
    from optimizer.tracking.replan import remaining_capacity, share_after

    assert year_elapsed(dt.date(2023, 2, 25), 2022) == 1.0
    assert share_after(dt.date(2023, 1, 20), 2022) == 0.0
    assert year_elapsed(dt.date(2022, 6, 30), 2022) == year_elapsed(dt.date(2022, 6, 30))
    _, problem, _ = solved
    assert int(remaining_capacity(problem.offers, dt.date(2023, 1, 20), 2022).sum()) == 0


def test_an_infeasible_replans_smallest_repair_is_named_in_words(solved, tmp_path, capsys):
    """The seed-7 records (as of 30 June) leave no re-plan; the elastic diagnosis read 'quota_s17 少 0.0125
    万人；quota_s33 多 0.0125 万人；qual_p530800 多 0.0027 万人': solver row names a bureau cannot read. Now each
    row by its school or prefecture and its annex (the kinds are those of model/lp.py's rows)."""
    from optimizer.model.diagnose import row_words
    from optimizer.tracking.synthetic import generate_actuals

    names = {"s02": "云南工业技师学院", "530800": "普洱市"}
    assert row_words("quota", ["s02"], names, "quota_s02") == "云南工业技师学院名额（附件2）"
    assert row_words("qual", ["530800"], names, "qual_p530800") == "普洱市培训合格证书类培训上限（三(三)）"
    assert row_words("band", ["530102"], names, "band_c530102") == "band_c530102"  # no words: its label
    plan, problem, solution = solved
    path = tmp_path / "a7.csv"
    generate_actuals(plan, problem, solution, AS_OF, seed=7).to_csv(path, index=False, encoding="utf-8-sig")
    code = main(["replan", str(path), "--as-of", AS_OF.isoformat(), "--out", str(tmp_path / "r")])
    text = "".join(capsys.readouterr())
    assert code != 0 and "放松量最小" in text and "名额（附件2）" in text
    assert "quota_" not in text and "qual_" not in text
