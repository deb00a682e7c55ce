"""The command line: exit statuses 0 (no finding), 1 (findings), 2 (bad input); text and JSON output."""

from __future__ import annotations

import json
import subprocess
import sys

from optimizer.cli import main
from optimizer.data.check import FINDING_KEYS
from tests.conftest import ROOT, read_rows, set_cell, write_rows


def test_check_on_the_shipped_data_reports_findings(capsys):
    assert main(["check"]) == 1
    out = capsys.readouterr().out
    assert "共 9 项发现：错误 6，警告 2，提示 1" in out and "昭通市" in out  # Chinese by default


def test_check_json(capsys):
    assert main(["check", "--format", "json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert len(data) == 9 and all(tuple(d) == FINDING_KEYS for d in data)


def test_check_exits_0_when_the_plan_is_consistent(data_copy, capsys):
    a1 = data_copy / "annex1_targets.csv"
    set_cell(a1, "全省", "col6", "1.01")
    for label, value in (("昭通市", "0.07"), ("普洱市", "0.11"), ("楚雄州", "0.18"), ("文山州", "0.09"),
                         ("全省", "2.01")):
        set_cell(a1, label, "col8", value)
    for figure in ("apprenticeship", "college", "note_college_total"):
        rows = read_rows(data_copy / "notice_figures.csv")
        for r in rows:
            if r[0] == figure:
                r[1] = "1.01" if figure == "apprenticeship" else "2.01"
        write_rows(data_copy / "notice_figures.csv", rows)
    set_cell(data_copy / "annex5_entrepreneurship.csv", "9", "prefecture", "西双版纳州")
    rows = read_rows(data_copy / "units.csv")
    for r in rows[1:]:
        r[2] = r[1]
    write_rows(data_copy / "units.csv", rows)
    assert main(["check", "--data", str(data_copy)]) == 0
    assert "未发现不一致" in capsys.readouterr().out


def test_check_exits_2_on_bad_input_and_names_file_row_column(data_copy, capsys):
    set_cell(data_copy / "annex1_targets.csv", "大理州", "col4", "-1.70")
    assert main(["check", "--data", str(data_copy)]) == 2
    err = capsys.readouterr().err
    assert "annex1_targets.csv，第 15 行，列“col4”：不得为负数" in err  # Chinese inside the Chinese frame


def test_check_json_on_bad_input(data_copy, capsys):
    (data_copy / "courses.csv").write_bytes(b"")
    assert main(["check", "--data", str(data_copy), "--format", "json"]) == 2
    data = json.loads(capsys.readouterr().out)
    assert data["problems"][0]["file"] == "courses.csv"


def test_missing_data_folder(tmp_path, capsys):
    assert main(["check", "--data", str(tmp_path / "nowhere")]) == 2
    assert "数据文件夹不存在" in capsys.readouterr().err


def test_module_entry_point_and_console_script_agree():
    py = subprocess.run([sys.executable, "-m", "optimizer", "check", "--format", "json"], cwd=ROOT,
                        capture_output=True, text=True, encoding="utf-8", check=False)
    assert py.returncode == 1
    assert len(json.loads(py.stdout)) == 9


def test_templates_written_and_readable(tmp_path, capsys):
    from optimizer.data.schema import SCHEMAS
    from optimizer.data.tables import read_raw

    assert main(["templates", "--out", str(tmp_path)]) == 0
    for name, schema in SCHEMAS.items():
        if not schema.assumed:
            continue
        for suffix in (".csv", ".xlsx"):
            raw, problems = read_raw(tmp_path / f"{name}{suffix}", sheet=name)
            assert not problems, problems.items
            assert raw.header == schema.column_names


def test_shipped_templates_are_current(tmp_path):
    """data/templates must match the schemas (regenerate with `yunnan-plan templates --out data/templates`)."""
    from optimizer.data.templates import write_templates

    for path in write_templates(tmp_path):
        if path.suffix == ".csv":
            assert (ROOT / "data" / "templates" / path.name).read_bytes() == path.read_bytes()
        else:
            assert (ROOT / "data" / "templates" / path.name).exists()


def test_runs_list_columns_line_up_with_chinese_statuses():
    """A Chinese character takes two terminal columns: statuses padded by characters pushed the input id out of
    line after 到达时间上限 (12 columns) beside 最优 (4)."""
    import unicodedata

    from optimizer.messages.numbers import padded

    def columns(text: str) -> int:  # counted here by hand from the Unicode width classes
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)

    assert {columns(padded(s, 14)) for s in ("最优", "到达时间上限", "infeasible")} == {14}
