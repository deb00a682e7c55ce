"""Chinese first: what the command line prints in the default language holds no English word.

A sample of the bad-input corpus (every class: data tables, workbooks, scenario files, flags, weights, lots; files
accepted with a note, whose `check` findings follow) and the infeasible stress scenario run in Chinese; every line
printed must be free of ASCII words of four letters or more, except what the user wrote or must type: quoted
values and names ('…', “…”), file names and paths, flags, codes (identifiers with digits, underscores or dots, the
data's group codes, a library's error name) and the names of formats (YAML, JSON …)."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from optimizer.cli import main
from tests.conftest import DATA, ROOT
from tests.test_bad_corpus import ALL, _argv_for

WORD = re.compile(r"[A-Za-z]{4,}")
FORMATS = {"YAML", "JSON", "GeoJSON", "YYYY", "xlsx", "SIYB", "HiGHS", "highs", "Feature"}
with open(DATA / "profession_groups.csv", encoding="utf-8", newline="") as f:
    GROUP_CODES = {r["code"] for r in csv.DictReader(f)}


def english_words(line: str) -> list[str]:
    """The words of ``line`` a Chinese reader should not meet (see the module docstring for what is allowed)."""
    line = re.sub(r"'[^']*'|“[^”]*”|‘[^’]*’", " ", line)  # values and names the user wrote
    line = re.sub(r"\S*[/\\]\S*|\S+\.(?:csv|xlsx|xlsm|yaml|yml|json|args|xml)\b", " ", line)  # paths, file names
    line = re.sub(r"--[a-z][a-z-]*(?:[ =][\x21-\x7e]+)?", " ", line)  # flags and their values
    line = re.sub(r"\b[a-z0-9_]+(?:\.[a-z0-9_]+)+\b", " ", line)  # dotted codes: names.alias, quotas.0.school
    line = re.sub(r"\b\w*(?:\d|_)\w*\b", " ", line)  # codes: k01, col9, cert_share, plan_u02_p530300
    line = re.sub(r"\b[A-Z][a-z]+[A-Z]\w*\b", " ", line)  # a library's error name: BadZipFile
    return [w for w in WORD.findall(line) if w not in FORMATS and w not in GROUP_CODES]


def test_the_word_rule_itself():
    assert english_words("offers.csv，第 3 行，列“price_per_trainee”：不得大于 10 万元（实为 '1e400'）") == []
    assert english_words("courses.csv，第 37 行：R6: certificate-class courses need at least 120") == [
        "certificate", "class", "courses", "need", "least"]
    assert english_words("  - --price-weight nan：应为有限的数") == []
    assert english_words("  - --weight distance=inf，键“distance”：应为有限的数") == []
    assert english_words("不得大于 2,000 hours") == ["hours"]
    assert english_words("[names.alias] 名称使用了简称") == []


SAMPLE = [  # one or more of every class of the corpus
    "annex1_text_in_number.csv", "annex1_nan.csv", "annex1_unknown_prefecture.csv", "annex1_missing_column.csv",
    "annex1_extra_column.csv", "annex2_duplicate_school.csv", "annex2_misspelt_school.csv",
    "annex4_unknown_unit_header.csv", "annex5_missing_total_row.csv", "courses_empty.csv",
    "courses_duplicate_code.csv", "courses_bad_certificate_type.csv", "courses_r6_hours.csv",
    "courses_class_hours_huge.csv", "courses_wrong_sheet.xlsx", "institutions_not_a_workbook.xlsx",
    "institutions_unknown_county.csv", "offers_unknown_course.csv", "offers_price_1e400.csv", "offers_price_inf.csv",
    "offers_equipment_sets_huge.csv", "offers_140k_field.csv", "counties_bad_adcode.csv",
    "counties_wrong_prefecture.csv", "counties_longitude_200.csv", "counties_population_1e30.csv",
    "focus_shares_not_one.csv", "debarments_bad_date.csv", "debarments_years_huge.csv", "units_missing_column.csv",
    "prefectures_nul_in_name.csv", "weights_bad_column.csv", "weights_nan.csv", "lots_unknown_area.csv",
    "lots_trainees_huge.csv", "scenario_unknown_key.yaml", "scenario_wrong_type.yaml", "scenario_as_of_feb30.yaml",
    "scenario_rho_out_of_range.yaml", "scenario_time_limit_inf.yaml", "scenario_penalty_1e300.yaml",
    "scenario_unknown_school.yaml", "scenario_python_tag.yaml", "scenario_cycle_a.yaml",
    "flags_time_limit_a_week.args", "flags_weight_inf.args", "flags_min_suppliers_0.args",
    "flags_bad_table_and_lots.args",
    # accepted with a note: the note and then every finding of `check`, in Chinese
    "annex4_thousands_separator.csv", "annex5_gbk.csv", "courses_merged_title.xlsx",
]


def run_chinese(argv: list[str], capsys) -> tuple[int, list[str]]:
    """Exit status and the lines printed in the default language (argparse's usage lines, which show the
    command's syntax, left out)."""
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    out = capsys.readouterr()
    lines = (out.out + out.err).splitlines()
    return code, [x for x in lines if not x.startswith("用法：") and not re.match(r"^\s+\[", x)]


@pytest.mark.parametrize("name", SAMPLE)
def test_bad_inputs_are_reported_in_chinese(name, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("YUNNAN_PLAN_LANG", raising=False)
    case = next(c for c in ALL if c["file"] == name)
    argv, _ = _argv_for(case, tmp_path)
    code, lines = run_chinese(argv, capsys)
    assert code == int(case["exit"]), lines
    bad = {x: english_words(x) for x in lines if english_words(x)}
    assert not bad, bad


def test_the_infeasible_diagnosis_is_in_chinese(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("YUNNAN_PLAN_LANG", raising=False)
    code, lines = run_chinese(["solve", str(ROOT / "scenarios" / "stress_infeasible.yaml"),
                               "--out", str(tmp_path / "out")], capsys)
    assert code == 3
    assert any("万人" in x for x in lines) and any("德宏州" in x for x in lines), lines
    bad = {x: english_words(x) for x in lines if english_words(x)}
    assert not bad, bad
    assert Path(tmp_path / "out" / "diagnosis.json").is_file()


def test_a_time_limited_stop_is_explained_in_chinese(tmp_path, capsys, monkeypatch):
    """A solve stopped by its time limit says why in Chinese (the reason came from the model in English)."""
    monkeypatch.delenv("YUNNAN_PLAN_LANG", raising=False)
    code, lines = run_chinese(["solve", str(ROOT / "scenarios" / "baseline.yaml"), "--time-limit", "0.01",
                               "--out", str(tmp_path / "out")], capsys)
    assert code != 0 and any("时间上限（0.01 秒）" in x for x in lines), lines
    bad = {x: english_words(x) for x in lines if english_words(x)}
    assert not bad, bad


def test_a_yaml_syntax_error_names_file_line_and_column_in_chinese(tmp_path, capsys, monkeypatch):
    """pyyaml's own (English) text is kept only as a quoted detail; the line and column are where it stopped
    (line 2, column 13: the colon after ``cert_share`` indented under a plain value)."""
    monkeypatch.delenv("YUNNAN_PLAN_LANG", raising=False)
    path = tmp_path / "bad.yaml"
    path.write_text("name: t\n  cert_share: 0.7\n", encoding="utf-8")
    code, lines = run_chinese(["solve", str(path), "--out", str(tmp_path / "out")], capsys)
    assert code == 2
    (line,) = [x for x in lines if "bad.yaml" in x]
    assert "bad.yaml，第 2 行：YAML 语法错误，位于第 2 行第 13 列" in line and "缩进" in line, line
    assert "“mapping values are not allowed here”" in line  # the library's words, quoted
    assert english_words(line) == []


@pytest.mark.parametrize("param", ["cert_share", "cert_shar=0.6:0.9:0.1", "foo=1,2", "cert_share=0.9:0.6:0.1",
                                   "cert_share=0.5,1.5", "weights.travel=-1,2"])
def test_sweep_param_errors_are_in_chinese(param, tmp_path, capsys, monkeypatch):
    """Every way a --param can be wrong (its form, its name, its range, a value the setting refuses)."""
    monkeypatch.delenv("YUNNAN_PLAN_LANG", raising=False)
    code, lines = run_chinese(["sweep", "--param", param, "--no-cache", "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and any("--param" in x for x in lines), lines
    bad = {x: english_words(x) for x in lines if english_words(x)}
    assert not bad, bad


@pytest.mark.parametrize("lang, where", [("zh", "键“cert_share”"), ("en", "key 'cert_share'")])
def test_a_setting_is_a_key_in_a_param_as_in_a_scenario_file(lang, where, tmp_path):
    """The same bad setting (ρ = 1.5) named the same way by ``--param`` and by the scenario loader: a setting is
    a key (键), not a table's column (列)."""
    from optimizer.analysis.sweep import parse_param
    from optimizer.data.scenario import load_scenario
    from optimizer.errors import InputError
    from optimizer.messages import language

    path = tmp_path / "bad.yaml"
    path.write_text("name: t\ncert_share: 1.5\n", encoding="utf-8")
    texts = []
    for attempt in (lambda: parse_param("cert_share=0.5,1.5"), lambda: load_scenario(path)):
        with pytest.raises(InputError) as exc:
            attempt()
        with language(lang):
            texts.append(str(exc.value.problems[0]))
    assert texts[0].startswith(f"--param{'，' if lang == 'zh' else ', '}{where}"), texts
    assert texts[1].startswith(f"bad.yaml{'，第 2 行，' if lang == 'zh' else ', line 2, '}{where}"), texts


def test_verify_lines_of_solve_and_replan_are_in_chinese():
    """Every check the independent checker can name, and the re-plan's own lines (capacity against done + the days
    left, completed classes dropped), read in Chinese; in English they read as before."""
    import ast
    from types import SimpleNamespace

    import pandas as pd

    from optimizer.messages import language
    from optimizer.model.verify import Violation
    from optimizer.tracking.replan import dropped_classes

    source = (ROOT / "optimizer" / "model" / "verify.py").read_text(encoding="utf-8")
    made = [node for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Call)
            and getattr(node.func, "id", "") == "Violation"]
    checks = {n.args[0].value for n in made}
    phrases = {a.value for n in made for a in n.args[2:] if isinstance(a, ast.Constant)}
    assert len(checks) == 21 and "capacity (R5–R7)" in checks and "no trainees" in phrases
    for check in checks:
        for expected, found in [("<= 10", "12"), *((p, "0") for p in phrases)]:
            line = str(Violation(check, "school_allocation row 3", expected, found))
            assert english_words(line) == [], line
    assert str(Violation("scenario lock", "s01 in 曲靖市", "<= 0", "5")) == "方案锁定：s01 在 曲靖市，应为 ≤ 0，实为 5"
    # names for codes, a table's row as the file counts it (header = row 1), an exact figure once, separators
    names = {"s01": "云南技师学院", "530300": "曲靖市"}
    assert str(Violation("scenario lock", "s01 in 530300", ">= 1200", "950", names)) == \
        "方案锁定：云南技师学院 在 曲靖市，应为 ≥ 1,200，实为 950"
    assert str(Violation("school quota (Annex 2)", "s01", "20000..20000", "19488", names)) == \
        "院校任务（附件2）：云南技师学院，应为 20,000，实为 19,488"
    assert str(Violation("classes (R5)", "school_allocation row 0", ">= 6", "4")) == \
        "班数（R5）：school_allocation.csv 第 2 行，应为 ≥ 6，实为 4"
    assert str(Violation("classes add up (classes.csv)", "x k01", "120 in 2 classes", "100 in 2")) == \
        "各班合计（classes.csv）：x k01，应为 120 人，2 个班，实为 100 人，2 个班"
    # a county code found is a code (its name if known), not a count: an edited 999999 read 实为 999,999
    assert str(Violation("county exists", "school_allocation row 9", "a county", "999999", names)) == \
        "县（市、区）存在：school_allocation.csv 第 11 行，应为 一个县（市、区），实为 999999"
    assert str(Violation("unit's counties (R10)", "u01 530300", "530100", "530300", names)).endswith("实为 曲靖市")
    with language("en"):
        assert str(Violation("capacity (R5–R7)", "s01 k01", "<= 10", "12")) == \
            "capacity (R5–R7) at s01 k01: expected ≤ 10, found 12"
    solution = SimpleNamespace(
        school_allocation=pd.DataFrame({"school_code": ["s01"], "adcode": ["530102"], "course_code": ["k01"],
                                        "trainees": [40]}),
        project_allocation=pd.DataFrame(columns=["unit_code", "adcode", "course_code", "institution_code",
                                                 "trainees"]))
    classified = SimpleNamespace(
        school_in=pd.DataFrame({"school": ["s01"], "county": ["530102"], "course": ["k01"], "trainees": [60]}),
        unit_in=pd.DataFrame({"unit": ["u01"], "county": ["530102"], "course": ["k02"], "institution": ["i01"],
                              "trainees": [30]}))
    lines = dropped_classes(solution, classified)
    assert lines == ["院校 s01 530102 k01：已完成 60 人，重新计划只有 40 人",
                     "单位 u01 530102 k02 i01：已完成 30 人，重新计划只有 0 人"]


def test_verify_of_an_edited_folder_names_the_bad_cell_in_chinese(solve_folder, tmp_path, capsys, monkeypatch):
    """A planner who typed into school_allocation.csv and ran ``verify``: the unreadable cell is named with file,
    spreadsheet row, column and value, in Chinese (the reason was the one English phrase left)."""
    import shutil

    monkeypatch.delenv("YUNNAN_PLAN_LANG", raising=False)
    _, folder = solve_folder
    edited = tmp_path / "edited"
    shutil.copytree(folder, edited)
    path = edited / "school_allocation.csv"
    rows = path.read_text(encoding="utf-8-sig").splitlines()
    header = rows[0].split(",")
    cells = rows[5].split(",")
    cells[header.index("trainees")] = "12x"
    rows[5] = ",".join(cells)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8-sig")
    code, lines = run_chinese(["verify", str(edited)], capsys)
    assert code == 2
    (line,) = [x for x in lines if "school_allocation.csv" in x]
    assert "第 6 行" in line and "“trainees”" in line and "'12x'" in line and "整数" in line, line
    assert english_words(line) == [], line


def test_the_sweep_table_reads_like_solve(monkeypatch):
    """The table ``sweep`` prints: statuses in words, the objective in 万元 as ``solve`` prints it (351,630,115.52
    yuan = 35,163.01 万元), shares in percent, Chinese headers; sweep.csv keeps its columns."""
    import pandas as pd

    from optimizer.analysis.sweep import sweep_text

    monkeypatch.delenv("YUNNAN_PLAN_LANG", raising=False)
    table = pd.DataFrame({"cert_share": [0.6, 0.95], "status": ["optimal", "infeasible"], "cached": [True, False],
                          "objective": [351630115.52, None], "min_cert_share": [0.6, None],
                          "capacity_utilisation": [0.597454, None]})
    lines = sweep_text(table, [("cert_share", [0.6, 0.95])]).splitlines()
    assert lines[0].split() == ["cert_share", "状态", "来自缓存", "目标值（万元）", "最低等级证书类比例", "能力利用率"]
    assert lines[1].split() == ["0.60", "最优", "是", "35,163.01", "60.0%", "59.7%"]
    assert lines[2].split() == ["0.95", "不可行", "否"]
    assert not [x for x in lines if english_words(x)], lines


def test_the_sweep_says_why_a_point_has_no_plan(monkeypatch):
    """A point without a plan was a row of blank cells and '2 个非最优'; its reason stayed in sweep.csv."""
    import pandas as pd

    from optimizer.analysis.sweep import sweep_reasons

    monkeypatch.delenv("YUNNAN_PLAN_LANG", raising=False)
    table = pd.DataFrame({"cert_share": [0.6, 0.95], "status": ["optimal", "infeasible"],
                          "message": ["", "德宏州需要 0.9 万人，最多可安排 0.0264 万人"]})
    assert sweep_reasons(table, [("cert_share", [0.6, 0.95])]) == [
        "  cert_share=0.95：不可行。德宏州需要 0.9 万人，最多可安排 0.0264 万人"]


@pytest.mark.parametrize("argv", [["runs", "show", "abc"], ["runs", "diff", "a", "b"],
                                  ["compare", "a.yaml", "b.yaml", "--top", "ten"]])
def test_a_number_argument_that_is_no_number_is_named_in_chinese(argv, capsys, monkeypatch):
    """argparse's 'invalid int value' came through in English inside the Chinese error line."""
    monkeypatch.delenv("YUNNAN_PLAN_LANG", raising=False)
    code, lines = run_chinese(argv, capsys)
    assert code == 2
    (line,) = [x for x in lines if "错误" in x]
    said = line.split("错误: ", 1)[1]  # after the program's name ("yunnan-plan runs show: 错误: ")
    assert "应为整数（实为 '" in said, line
    assert english_words(said) == [], line


def test_sweep_plots_are_labelled_in_chinese_with_a_cjk_font(tmp_path, monkeypatch):
    """The sweep's plots said 'cost against cert_share' with '1e8' at the axis' top: now the figure as compare
    names it (money in 万元) in a CJK font (CI installs fonts-noto-cjk; a missing glyph would be a warning, which
    the suite turns into an error), and in English where no CJK font is installed."""
    import pandas as pd

    from optimizer.analysis import sweep
    from optimizer.messages import language

    monkeypatch.delenv("YUNNAN_PLAN_LANG", raising=False)
    assert sweep.cjk_font() is not None
    assert sweep.plot_labels("objective", "cert_share", failed=True) == (
        "目标值（万元）随 cert_share 的变化（红线：不可行或未算出）", "cert_share", "目标值（万元）")
    table = pd.DataFrame({"cert_share": [0.6, 0.7, 0.95], "status": ["optimal", "optimal", "infeasible"],
                          **{f: [1.0, 2.0, None] for f in sweep.FIGURES}})
    written = sweep.plot_sweep(table, [("cert_share", [0.6, 0.7, 0.95])], tmp_path)
    assert len(written) == len(sweep.FIGURES) and all(p.stat().st_size > 0 for p in written)
    monkeypatch.setattr(sweep, "cjk_font", lambda: None)  # no CJK font: English labels, no empty boxes
    with language("en"):
        assert sweep.plot_labels("cost", "cert_share", failed=False)[0] == \
            "training cost (million yuan) against cert_share"
