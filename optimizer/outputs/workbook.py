"""The prefectures' submission workbooks (due 1 March), one .xlsx each in the annexes' own layout.

Written with xlsxwriter (fine control of formats, widths, frozen panes and A4 landscape printing) with
``strings_to_formulas`` off and every text cell written as a string, so a name that begins with ``=`` stays
text. The export is all or nothing: files are written to a staging folder and moved in only when every
workbook exists.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import xlsxwriter

from optimizer import rules
from optimizer.data.loader import PROVINCE_ADCODE, PlanData
from optimizer.data.params import ModelParams
from optimizer.data.schema import ANNEX1_COLUMNS, ANNEX5_COLUMNS
from optimizer.outputs.breakdown import ANNEX1, ANNEX5, Breakdown
from optimizer.outputs.files import write_csv
from optimizer.workdays import CalendarNotCovered, days_left, subsidy_approval_deadline

PROVINCE_NAME = "云南省"
COVER_TEXT_WIDTH = 110  # characters (CJK count double) of the cover's text column
# Column headers as the notice prints them
ANNEX1_HEADERS = ["完成培训人数", "其中:取得职业资格和职业技能等级类别证书人数", "其中:高级工及以上",
                  "含:农村劳动力补贴性培训人数", "含:由技工院校承担培训人数", "含:新型学徒制培训人数", "含:创业培训",
                  "含:大学生职业培训", "其中:大学生技能培训"]
ANNEX5_HEADERS = ["创业培训目标任务", "其中：SIYB创业培训任务", "含大学生SIYB培训任务", "其中：网络创业培训任务",
                  "含大学生网络创业培训任务", "含网络创业直播培训（试点）"]
assert len(ANNEX1_HEADERS) == len(ANNEX1_COLUMNS) and len(ANNEX5_HEADERS) == len(ANNEX5_COLUMNS)
SHEETS = {"cover": "封面", "annex1": "附件1 任务计划表", "annex1_wan": "附件1 万人次", "annex4": "附件4 省级项目",
          "annex5": "附件5 创业培训", "schools": "技工院校", "assignments": "分配明细", "top5": "前五机构跟踪"}


class _Book:
    """One workbook with the formats every sheet shares."""

    def __init__(self, path: Path):
        self.wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                                  "strings_to_numbers": False})
        f = self.wb.add_format
        self.title = f({"bold": True, "font_size": 14, "font_name": "宋体"})
        self.unit = f({"font_name": "宋体", "italic": True})
        self.head = f({"bold": True, "text_wrap": True, "align": "center", "valign": "vcenter", "border": 1,
                       "font_name": "宋体", "bg_color": "#E8EEF7"})
        self.text = f({"border": 1, "font_name": "宋体"})
        self.int = f({"border": 1, "num_format": "#,##0", "font_name": "宋体"})
        self.wan = f({"border": 1, "num_format": "0.0000", "font_name": "宋体"})
        self.total_text = f({"border": 1, "bold": True, "font_name": "宋体", "bg_color": "#F3F3F3"})
        self.total_int = f({"border": 1, "bold": True, "num_format": "#,##0", "font_name": "宋体",
                            "bg_color": "#F3F3F3"})
        self.total_wan = f({"border": 1, "bold": True, "num_format": "0.0000", "font_name": "宋体",
                            "bg_color": "#F3F3F3"})
        self.note = f({"text_wrap": True, "font_name": "宋体", "valign": "top"})
        self.key = f({"bold": True, "font_name": "宋体", "valign": "top"})

    def sheet(self, name: str):
        ws = self.wb.add_worksheet(name)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
        return ws

    def close(self) -> None:
        self.wb.close()


def _width(text: object) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in str(text))


def _table(book: _Book, ws, top: int, headers: list[str], numbers: list[str], rows: list[list[object]],
           total: list[object] | None, fmt: str = "int", first_col_title: str = "单位") -> int:
    """Header row, column-number row (甲, 1, 2 …), data rows and a 合计 row; returns the next free row."""
    ws.write_string(top, 0, first_col_title, book.head)
    for j, h in enumerate(headers, start=1):
        ws.write_string(top, j, h, book.head)
    ws.write_string(top + 1, 0, "甲", book.head)
    for j, n in enumerate(numbers, start=1):
        ws.write_string(top + 1, j, n, book.head)
    ws.set_row(top, 64)
    num = book.int if fmt == "int" else book.wan
    r = top + 2
    widths = [_width(first_col_title)] + [min(14, _width(h)) for h in headers]
    for row in rows:
        ws.write_string(r, 0, str(row[0]), book.text)
        widths[0] = max(widths[0], _width(row[0]))
        for j, v in enumerate(row[1:], start=1):
            _write_value(ws, r, j, v, book.text, num)
            widths[j] = max(widths[j], _width(f"{v:,}" if isinstance(v, int) else v))
        r += 1
    if total is not None:
        tnum = book.total_int if fmt == "int" else book.total_wan
        ws.write_string(r, 0, str(total[0]), book.total_text)
        for j, v in enumerate(total[1:], start=1):
            _write_value(ws, r, j, v, book.total_text, tnum)
        r += 1
    for j, w in enumerate(widths):
        ws.set_column(j, j, max(8, min(40, w + 2)))
    ws.freeze_panes(top + 2, 1)
    return r


def _write_value(ws, r: int, c: int, v: object, text_fmt, num_fmt) -> None:
    if isinstance(v, bool) or v is None:
        ws.write_string(r, c, "" if v is None else ("是" if v else "否"), text_fmt)
    elif isinstance(v, int | float):
        ws.write_number(r, c, v, num_fmt)
    else:
        ws.write_string(r, c, str(v), text_fmt)


def _frame_sheet(book: _Book, name: str, title: str, frame: pd.DataFrame, headers: list[str]) -> None:
    """A plain list sheet (assignments, schools, top five)."""
    ws = book.sheet(name)
    ws.write_string(0, 0, title, book.title)
    for j, h in enumerate(headers):
        ws.write_string(1, j, h, book.head)
    widths = [_width(h) for h in headers]
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        for j, v in enumerate(row):
            value = v.item() if hasattr(v, "item") else v
            _write_value(ws, i, j, value, book.text, book.int)
            widths[j] = max(widths[j], _width(value))
    for j, w in enumerate(widths):
        ws.set_column(j, j, max(8, min(40, w + 2)))
    ws.freeze_panes(2, 0)


def _cover(book: _Book, plan: PlanData, where: str, scenario: str, digest: str, as_of: dt.date, notes: list[str],
           findings: list[str], assumptions: list[str], generated: dt.datetime) -> None:
    ws = book.sheet(SHEETS["cover"])
    ws.set_column(0, 0, 22)
    ws.set_column(1, 1, COVER_TEXT_WIDTH)
    ws.write_string(0, 0, f"{where} {plan.notice.year}年度职业培训工作方案 — 县级任务分解", book.title)
    left = days_left(plan.notice.breakdown_due, as_of)
    try:
        days = plan.notice.subsidy_approval_working_days
        approval = (f"{subsidy_approval_deadline(as_of, days).isoformat()}（{as_of.isoformat()} 提交的申请，"
                    f"{days}个工作日，按国家法定节假日及调休）")
    except CalendarNotCovered as exc:
        approval = str(exc)
    lines = [
        ("州（市）", where),
        ("依据", f"{plan.notice.number}（{plan.notice.date.isoformat()}）"),
        ("方案 Scenario", scenario),
        ("输入摘要 Input hash", digest),
        ("生成时间 Generated", generated.strftime("%Y-%m-%d %H:%M")),
        ("上报截止 Deadline", f"{plan.notice.breakdown_due.isoformat()}（含各县级任务分解）"),
        ("截至日期 As of", as_of.isoformat()),
        ("剩余天数 Days left", f"{left} 天" if left >= 0 else f"已逾期 {-left} 天"),
        ("跟踪报告 Tracking", "、".join(d.isoformat() for d in plan.notice.tracking_reports)
         + "：补贴性培训量前五位机构重点跟踪情况（四(二)）"),
        ("补贴审批时限", approval),
    ]
    r = 2
    for k, v in lines:
        ws.write_string(r, 0, k, book.key)
        ws.write_string(r, 1, v, book.note)
        r += 1
    for heading, items in (("数据检查发现 Findings", findings), ("分解说明 Notes", notes),
                           ("假设 Assumptions", assumptions)):
        r += 1
        ws.write_string(r, 0, heading, book.key)
        if not items:
            ws.write_string(r, 1, "无 none", book.note)
            r += 1
        for item in items:
            ws.write_string(r, 1, item, book.note)
            ws.set_row(r, 15 * max(1, -(-_width(item) // COVER_TEXT_WIDTH)))  # wrapped lines need height
            r += 1


def _finding_lines(findings) -> list[str]:
    out = []
    for f in findings:
        nums = f"：应为 {f.expected:,}，表中 {f.found:,}，差 {f.difference:+,}" if f.difference is not None else ""
        column = f"第{f.column}栏" if str(f.column).isdigit() else str(f.column)
        out.append(f"[{f.rule}] {f.table} {f.row} {column}{nums} — {f.message}")
    return out


def write_prefecture_workbook(path: Path, pref: str, b: Breakdown, plan: PlanData, scenario: str, digest: str,
                              as_of: dt.date, assumptions: list[str], generated: dt.datetime) -> None:
    name = plan.prefecture_name(pref)
    book = _Book(path)
    try:
        _cover(book, plan, name, scenario, digest, as_of, b.notes.get(pref, []),
               _finding_lines(b.findings.get(pref, [])),
               assumptions, generated)
        a1 = b.annex1[b.annex1["prefecture"] == pref]
        printed = plan.annex1_persons().set_index("prefecture").loc[pref]
        rows = [[r.county, *[int(getattr(r, c)) for c in ANNEX1]] for r in a1.itertuples()]
        total = ["合计", *[int(printed[c]) for c in ANNEX1]]
        _annex1_sheets(book, f"{name}{plan.notice.year}年职业培训任务计划表（县级分解）", rows, total, "县（市、区）")
        units = list(plan.annex4.drop_duplicates("unit")["unit"])
        headers = list(plan.annex4.drop_duplicates("unit")["header"])
        a4 = b.annex4[b.annex4["prefecture"] == pref].pivot_table(index="adcode", columns="unit", values="trainees",
                                                                  aggfunc="sum", fill_value=0)
        cells = plan.annex4[plan.annex4["prefecture"] == pref].set_index("unit")["trainees"]
        rows4 = []
        for r in a1.itertuples():
            values = [int(a4.loc[r.adcode, u]) if r.adcode in a4.index and u in a4.columns else 0 for u in units]
            rows4.append([r.county, *values, sum(values)])
        total4 = ["合计", *[int(cells.get(u, 0)) for u in units], int(sum(cells.get(u, 0) for u in units))]
        _annex4_sheet(book, f"{name}{plan.notice.year}年省级项目职业培训计划表（县级分解）", headers, rows4, total4,
                      "县（市、区）")
        a5 = b.annex5[b.annex5["prefecture"] == pref]
        p5 = plan.annex5.set_index("prefecture").loc[pref]
        rows5 = [[r.county, *[int(getattr(r, c)) for c in ANNEX5]] for r in a5.itertuples()]
        total5 = ["合计", *[int(p5[c]) for c in ANNEX5]]
        _annex5_sheet(book, f"{name}{plan.notice.year}年创业培训任务计划表（县级分解）", rows5, total5, "县（市、区）")
        sch = b.schools[b.schools["prefecture"] == pref]
        _schools_sheet(book, name, sch)
        _assignments_sheet(book, name, sch, b.projects[b.projects["prefecture_code"] == pref])
        _top5_sheet(book, name, sch, b.projects[b.projects["prefecture_code"] == pref])
    finally:
        book.close()


def write_province_workbook(path: Path, b: Breakdown, plan: PlanData, scenario: str, digest: str, as_of: dt.date,
                            assumptions: list[str], generated: dt.datetime) -> None:
    book = _Book(path)
    try:
        notes = [f"{plan.prefecture_name(p)}: {n}" for p, ns in b.notes.items() for n in ns]
        all_findings = [f for fs in b.findings.values() for f in fs]
        _cover(book, plan, PROVINCE_NAME, scenario, digest, as_of, notes, _finding_lines(all_findings), assumptions,
               generated)
        a1 = b.province["annex1"]
        rows = [[r.name, *[int(getattr(r, c)) for c in ANNEX1]] for r in a1.itertuples() if not r.is_total]
        tot = a1[a1["is_total"]].iloc[0]
        _annex1_sheets(book, f"云南省{plan.notice.year}年职业培训任务计划表", rows,
                       ["全省", *[int(tot[c]) for c in ANNEX1]], "单位")
        a4 = b.province["annex4"]
        units = list(a4.drop_duplicates("unit")["unit"])
        headers = list(a4.drop_duplicates("unit")["header"])
        rows4 = []
        for pref, frame in a4.groupby("prefecture", sort=False):
            values = [int(frame.set_index("unit")["trainees"].get(u, 0)) for u in units]
            rows4.append([plan.prefecture_name(pref), *values, sum(values)])
        col_totals = plan.annex4_col_totals.set_index("unit")["printed"]
        total4 = ["州市汇总", *[int(col_totals.get(u, 0)) for u in units], int(plan.annex4_grand_total or 0)]
        _annex4_sheet(book, f"{plan.notice.year}年省级项目职业培训计划表", headers, rows4, total4, "州市")
        a5 = b.province["annex5"]
        rows5 = [[r.name, *[int(getattr(r, c)) for c in ANNEX5]] for r in a5.itertuples()]
        _annex5_sheet(book, f"{plan.notice.year}年创业培训任务计划表", rows5,
                      ["合计", *[int(plan.annex5_totals[c]) for c in ANNEX5]],
                      "州市")
        _schools_sheet(book, PROVINCE_NAME, b.schools)
        _assignments_sheet(book, PROVINCE_NAME, b.schools, b.projects)
        _top5_sheet(book, PROVINCE_NAME, b.schools, b.projects)
    finally:
        book.close()


def _annex1_sheets(book: _Book, title: str, rows: list[list], total: list, first: str) -> None:
    numbers = [str(i) for i in range(1, 10)]
    ws = book.sheet(SHEETS["annex1"])
    ws.write_string(0, 0, title, book.title)
    ws.write_string(1, 0, "单位：人次", book.unit)
    _table(book, ws, 2, ANNEX1_HEADERS, numbers, rows, total, "int", first)
    ws = book.sheet(SHEETS["annex1_wan"])
    ws.write_string(0, 0, title, book.title)
    ws.write_string(1, 0, "单位：万人次（人次 ÷ 10,000，精确值）", book.unit)
    to_wan = [[r[0], *[v / 10000 for v in r[1:]]] for r in rows]
    _table(book, ws, 2, ANNEX1_HEADERS, numbers, to_wan, [total[0], *[v / 10000 for v in total[1:]]], "wan", first)


def _annex4_sheet(book: _Book, title: str, headers: list[str], rows: list[list], total: list, first: str) -> None:
    ws = book.sheet(SHEETS["annex4"])
    ws.write_string(0, 0, title, book.title)
    ws.write_string(1, 0, "单位：人次", book.unit)
    _table(book, ws, 2, [*headers, "合计"], ["人数"] * (len(headers) + 1), rows, total, "int", first)


def _annex5_sheet(book: _Book, title: str, rows: list[list], total: list, first: str) -> None:
    ws = book.sheet(SHEETS["annex5"])
    ws.write_string(0, 0, title, book.title)
    ws.write_string(1, 0, "单位：人次", book.unit)
    _table(book, ws, 2, ANNEX5_HEADERS, [str(i) for i in range(1, 7)], rows, total, "int", first)


def _schools_sheet(book: _Book, where: str, sch: pd.DataFrame) -> None:
    frame = sch.groupby(["adcode", "county", "school"], as_index=False)[["trainees", "classes"]].sum()
    frame = frame.sort_values(["adcode", "trainees", "school"], ascending=[True, False, True])
    _frame_sheet(book, SHEETS["schools"], f"{where} 技工院校培训任务（按县）",
                 frame[["county", "adcode", "school", "trainees", "classes"]],
                 ["县（市、区）", "区划代码", "技工院校", "培训人次", "班次"])


def _assignments_sheet(book: _Book, where: str, sch: pd.DataFrame, proj: pd.DataFrame) -> None:
    a = sch.assign(kind="技工院校", who=sch["school"], institution=sch["school"])
    b = proj.assign(kind="省级项目", who=proj["unit"])
    cols = ["county", "adcode", "kind", "who", "course", "certificate_type", "level", "institution", "trainees",
            "classes"]
    frame = pd.concat([a[cols], b[cols]], ignore_index=True).sort_values(["adcode", "kind", "who", "course"])
    _frame_sheet(book, SHEETS["assignments"], f"{where} 技工院校与省级项目培训分配明细（按县）", frame,
                 ["县（市、区）", "区划代码", "类别", "学校/项目单位", "职业（工种）", "证书类型", "等级", "承训机构",
                  "培训人次", "班次"])


def top_institutions(sch: pd.DataFrame, proj: pd.DataFrame, n: int = rules.TOP_INSTITUTIONS_TRACKED) -> pd.DataFrame:
    """R18: the institutions with the most planned trainees in the area (tech-school + provincial-project)."""
    a = sch.groupby("school")["trainees"].sum().rename("tech")
    b = proj.groupby("institution")["trainees"].sum().rename("project")
    frame = pd.concat([a, b], axis=1).fillna(0).astype(int)
    frame["total"] = frame["tech"] + frame["project"]
    frame = frame.reset_index(names="institution").sort_values(["total", "institution"], ascending=[False, True])
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame.head(n).reset_index(drop=True)


def _top5_sheet(book: _Book, where: str, sch: pd.DataFrame, proj: pd.DataFrame) -> None:
    top = top_institutions(sch, proj)
    for col in ("jun_trained", "jun_checks", "oct_trained", "oct_checks"):
        top[col] = ""
    _frame_sheet(book, SHEETS["top5"], f"{where} 补贴性培训量居前五位的机构（四(二)；6月30日、10月30日上报）", top,
                 ["排名", "培训机构", "技工院校计划人次", "省级项目计划人次", "合计", "6月30日 已培训人次",
                  "6月30日 检查情况", "10月30日 已培训人次", "10月30日 检查情况"])


def workbook_name(pref: str, plan: PlanData) -> str:
    return f"{PROVINCE_ADCODE}_{PROVINCE_NAME}.xlsx" if pref == PROVINCE_ADCODE else \
        f"{pref}_{plan.prefecture_name(pref)}.xlsx"


def export_workbooks(out: Path, b: Breakdown, plan: PlanData, scenario: str, params: ModelParams,
                     as_of: dt.date, generated: dt.datetime | None = None,
                     after_each: Callable[[Path], None] | None = None, *, input_id: str) -> list[Path]:
    """Write the 16 prefecture workbooks, the province's and breakdown.csv; all or nothing.

    ``after_each`` is called after each file is written to the staging folder (tests use it to fail half-way).
    """
    generated = generated or dt.datetime.now()
    digest = input_id
    assumptions = [
        f"县级指标 county indicator: {b.indicator}（其余各栏按此比例分解）",
        f"分解方法 method: {b.method}（最大余数法等；并列时靠前的县优先）",
        "第5栏 = 模型分配的技工院校培训人次；附件4 = 模型分配的省级项目人次",
        f"等级证书类比例 ρ = {params.cert_share:.0%}；县级带宽 δ = ±{params.band_delta:.0%}；"
        f"专业结构容差 τ = {params.mix_tolerance:.0%}",
    ]
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=out))
    try:
        names = []
        for pref in sorted(plan.prefectures["adcode"]):
            name = workbook_name(pref, plan)
            write_prefecture_workbook(staging / name, pref, b, plan, scenario, digest, as_of, assumptions, generated)
            names.append(name)
            if after_each:
                after_each(staging / name)
        name = workbook_name(PROVINCE_ADCODE, plan)
        write_province_workbook(staging / name, b, plan, scenario, digest, as_of, assumptions, generated)
        names.append(name)
        write_csv(b.long(), staging / "breakdown.csv")
        names.append("breakdown.csv")
        return _move_all(staging, out, names)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _move_all(staging: Path, out: Path, names: list[str]) -> list[Path]:
    """Move every file in; if one move fails, take back the ones already moved. (Two runs into one folder are
    serialised by the output writer's portable lock, optimizer/outputs/writer.py.)"""
    moved: list[Path] = []
    try:
        for name in names:
            os.replace(staging / name, out / name)
            moved.append(out / name)
    except OSError:
        for path in moved:
            path.unlink(missing_ok=True)
        raise
    return moved
