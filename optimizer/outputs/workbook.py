"""The prefectures' submission workbooks (due 1 March), one .xlsx each in the annexes' own layout.

What a bureau gets, and why:
- county cells are plain values it may overwrite; under them a 下达数 row (the figure printed in the
  notice), a 计算合计 row of SUM formulas and a 差额 row (计算合计 − 下达数) that turns red when not 0, so an
  edit shows at once whether the column still adds up;
- per county, hierarchy checks (2 ≤ 1, 3 ≤ 2, 9 ≤ 8, 4–8 ≤ 1; Annex 5's parts within their parents) as
  formulas, red when broken; the 万人次 sheet follows the 人次 sheet by formula;
- print-ready: nested headers as printed in the notice, header rows repeated on every page, centred titles,
  第 N 页 共 M 页 footers, A4 landscape one page wide, a 填报单位（盖章）/ 填报人 / 联系电话 / 填报日期 block;
- all Chinese: sheet names, cover, notes and the notice's own discrepancies (highlighted on their cells).

Written with xlsxwriter with ``strings_to_formulas`` off and every text cell written as a string, so a name
that begins with ``=`` stays text; every formula is written with its value so readers that do not
recalculate still show the right number. The export is all or nothing: files are written to a staging
folder and moved in only when every workbook exists.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import xlsxwriter
from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from optimizer import rules
from optimizer.data.loader import PROVINCE_ADCODE, PlanData
from optimizer.data.params import ModelParams
from optimizer.data.schema import ANNEX1_COLUMNS, ANNEX5_COLUMNS
from optimizer.messages import indicator_name, msg
from optimizer.messages.numbers import display_width
from optimizer.outputs.breakdown import ANNEX1, ANNEX5, Breakdown
from optimizer.outputs.files import write_csv
from optimizer.workdays import CalendarNotCovered, days_left, subsidy_approval_deadline

PROVINCE_NAME = "云南省"
ZH = "zh"  # workbooks are read by Chinese bureaus: always Chinese
COVER_TEXT_WIDTH = 110  # characters (CJK count double) of the cover's text column
# Column headers as the notice prints them (flat form, used by the intake and the CSV)
ANNEX1_HEADERS = ["完成培训人数", "其中:取得职业资格和职业技能等级类别证书人数", "其中:高级工及以上",
                  "含:农村劳动力补贴性培训人数", "含:由技工院校承担培训人数", "含:新型学徒制培训人数", "含:创业培训",
                  "含:大学生职业培训", "其中:大学生技能培训"]
ANNEX5_HEADERS = ["创业培训目标任务", "其中：SIYB创业培训任务", "含大学生SIYB培训任务", "其中：网络创业培训任务",
                  "含大学生网络创业培训任务", "含网络创业直播培训（试点）"]
assert len(ANNEX1_HEADERS) == len(ANNEX1_COLUMNS) and len(ANNEX5_HEADERS) == len(ANNEX5_COLUMNS)
SHEETS = {"cover": "封面", "annex1": "附件1 任务计划表", "annex1_wan": "附件1 万人次", "annex4": "附件4 省级项目",
          "annex5": "附件5 创业培训", "schools": "技工院校", "assignments": "分配明细", "top5": "前五机构跟踪"}
# Row labels under the county rows (the intake finds the county rows by them)
ROW_PRINTED, ROW_SUM, ROW_DIFF = "下达数", "计算合计", "差额"
NUMBER_ROW_LABEL = "甲"
METHOD_NAMES = {"hamilton": "最大余数法（汉密尔顿法）", "webster": "圣拉古法/韦伯斯特法",
                "dhondt": "洪德法（最高均数法）", "huntington_hill": "亨廷顿—希尔法"}
FOOTER = "&C第 &P 页 共 &N 页"
WAN_SHEET_DIVISOR = 10000


# -- formats ------------------------------------------------------------------------------------------------


class _Book:
    """One workbook with the formats every sheet shares."""

    def __init__(self, path: Path, notice: str = ""):
        self.wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                                  "strings_to_numbers": False})
        self.wb.set_properties({"title": "职业培训任务县级分解", "author": "yunnan-plan", "comments": notice})
        f = self.wb.add_format
        base = {"font_name": "宋体"}
        cell = {**base, "border": 1}
        self.title = f({**base, "bold": True, "font_size": 15, "align": "center", "valign": "vcenter"})
        self.cover_title = f({**base, "bold": True, "font_size": 15})
        self.unit = f({**base})
        self.head = f({**cell, "bold": True, "text_wrap": True, "align": "center", "valign": "vcenter",
                       "bg_color": "#E8EEF7"})
        self.text = f({**cell})
        self.int = f({**cell, "num_format": "#,##0"})
        self.wan = f({**cell, "num_format": "0.0000"})
        self.total_text = f({**cell, "bold": True, "bg_color": "#F3F3F3"})
        self.total_int = f({**cell, "bold": True, "num_format": "#,##0", "bg_color": "#F3F3F3"})
        self.total_wan = f({**cell, "bold": True, "num_format": "0.0000", "bg_color": "#F3F3F3"})
        self.flag_int = f({**cell, "bold": True, "num_format": "#,##0", "bg_color": "#FFD966"})
        self.flag_wan = f({**cell, "bold": True, "num_format": "0.0000", "bg_color": "#FFD966"})
        self.check = f({**cell, "align": "center", "num_format": '"超出 "#,##0;"超出 "-#,##0;"✓"',
                        "font_color": "#2E7D32"})
        self.check_wan = f({**cell, "align": "center", "num_format": '0.0000;-0.0000;"0"'})
        self.red = f({"bg_color": "#F4CCCC", "font_color": "#9C0006", "bold": True})
        self.note = f({**base, "text_wrap": True, "valign": "top"})
        self.key = f({**base, "bold": True, "valign": "top"})
        self.sign = f({**base, "valign": "vcenter"})

    def sheet(self, name: str):
        """A sheet set up for A4 landscape, one page wide, centred, with page numbers in the footer."""
        ws = self.wb.add_worksheet(name)
        ws.set_landscape()
        ws.set_paper(9)  # A4
        ws.fit_to_pages(1, 0)
        ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.6)
        ws.center_horizontally()
        ws.set_footer(FOOTER)
        return ws

    def close(self) -> None:
        self.wb.close()


def _write_value(ws, r: int, c: int, v: object, text_fmt, num_fmt) -> None:
    if isinstance(v, bool) or v is None:
        ws.write_string(r, c, "" if v is None else ("是" if v else "否"), text_fmt)
    elif isinstance(v, int | float):
        ws.write_number(r, c, v, num_fmt)
    else:
        ws.write_string(r, c, str(v), text_fmt)


# -- annex tables -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeadCell:
    """One header cell: text over rows ``row..row+rows-1`` and columns ``first..last`` (data columns 1…)."""

    text: str
    row: int
    first: int
    last: int | None = None
    rows: int = 1


@dataclass(frozen=True)
class Check:
    """A per-row check column: ``formula`` uses {c1}, {c2} … for the cells of data columns 1, 2 … of the row;
    its value is > 0 (shown red) when the rule is broken."""

    title: str
    formula: str
    value: Callable[[list[int]], int]


@dataclass
class AnnexTable:
    """An annex sheet: nested header, optional 甲 number row, label rows, 下达数 / 计算合计 / 差额 rows."""

    sheet: str
    title: str
    first: str  # first column's header (县（市、区） / 单位 / 州市)
    head: list[HeadCell]  # data columns are 1…n
    head_rows: int
    numbers: list[str] | None  # the 甲 1 2 … row, or None
    labels: list[str]
    values: list[list[int]]
    printed: list[int]
    row_total: bool = False  # the last column is the SUM of the row's other columns (Annex 4)
    checks: list[Check] = field(default_factory=list)
    flags: dict[int, str] = field(default_factory=dict)  # data column → comment on its 下达数 cell
    cell_flags: dict[tuple[int, int], str] = field(default_factory=dict)  # (row index, data column) → comment
    head_heights: list[int] | None = None  # points per header row
    notes: list[str] = field(default_factory=list)

    @property
    def ncols(self) -> int:
        return len(self.printed)


def _sign_block(book: _Book, ws, r: int, last_col: int) -> int:
    """填报单位（盖章）/ 填报人 / 联系电话 / 填报日期 on one row across the table; returns the next row."""
    items = [msg("wb.sign_unit", ZH), msg("wb.sign_person", ZH), msg("wb.sign_phone", ZH), msg("wb.sign_date", ZH)]
    span = last_col + 1
    cuts = [round(i * span / 4) for i in range(5)]
    for i, text in enumerate(items):
        a, b = cuts[i], max(cuts[i], cuts[i + 1] - 1)
        if b > a:
            ws.merge_range(r, a, r, b, text, book.sign)
        else:
            ws.write_string(r, a, text, book.sign)
    ws.set_row(r, 36)
    return r + 1


def _write_head(book: _Book, ws, top: int, t: AnnexTable, extra: list[HeadCell]) -> int:
    """The nested header and the 甲 row; returns the first data row."""
    if t.head_rows > 1:
        ws.merge_range(top, 0, top + t.head_rows - 1, 0, t.first, book.head)
    else:
        ws.write_string(top, 0, t.first, book.head)
    for h in [*t.head, *extra]:
        last = h.first if h.last is None else h.last
        r0, r1 = top + h.row, top + h.row + h.rows - 1
        if (r0, h.first) == (r1, last):
            ws.write_string(r0, h.first, h.text, book.head)
        else:
            ws.merge_range(r0, h.first, r1, last, h.text, book.head)
    for i, height in enumerate(t.head_heights or [48] * t.head_rows):
        ws.set_row(top + i, height)
    r = top + t.head_rows
    if t.numbers is not None:
        ws.write_string(r, 0, NUMBER_ROW_LABEL, book.head)
        for j, n in enumerate(t.numbers, start=1):
            ws.write_string(r, j, n, book.head)
        for j in range(len(t.checks)):
            ws.write_string(r, t.ncols + 1 + j, "—", book.head)
        r += 1
    return r


def _cells(row: int, ncols: int) -> dict[str, str]:
    return {f"c{j}": xl_rowcol_to_cell(row, j) for j in range(1, ncols + 1)}


def write_annex(book: _Book, t: AnnexTable) -> dict[str, int]:
    """Write ``t`` on a new sheet; returns where its rows are (for the 万人次 sheet that follows it)."""
    ws = book.sheet(t.sheet)
    n = t.ncols
    last_col = n + len(t.checks)
    ws.merge_range(0, 0, 0, last_col, t.title, book.title)
    ws.set_row(0, 30)
    ws.write_string(1, 0, "单位：人次", book.unit)
    check_head = []
    if t.checks:  # the tables with checks have at least two header rows
        check_head.append(HeadCell("校验（超出数，应为 ✓）", 0, n + 1, last_col))
        check_head += [HeadCell(c.title, 1, j, j, t.head_rows - 1) for j, c in enumerate(t.checks, start=n + 1)]
    first = _write_head(book, ws, 2, t, check_head)
    widths = [display_width(t.first)] + [10] * n + [9] * len(t.checks)
    rows = {"first": first}
    r = first
    for label, values in zip(t.labels, t.values, strict=True):
        ws.write_string(r, 0, label, book.text)
        widths[0] = max(widths[0], display_width(label))
        for j, v in enumerate(values, start=1):
            if t.row_total and j == n:
                ws.write_formula(r, j, f"=SUM({xl_rowcol_to_cell(r, 1)}:{xl_rowcol_to_cell(r, n - 1)})", book.int,
                                 int(sum(values[:-1])))
            else:
                flag = t.cell_flags.get((r - first, j))
                ws.write_number(r, j, int(v), book.flag_int if flag else book.int)
                if flag:
                    ws.write_comment(r, j, flag, {"x_scale": 3, "y_scale": 2, "font_name": "宋体"})
        _write_checks(book, ws, r, t, values)
        r += 1
    last = r - 1
    rows["last"] = last
    # 下达数: the notice's figures; a flagged one (the notice disagrees with itself) is highlighted
    rows["printed"] = r
    ws.write_string(r, 0, ROW_PRINTED, book.total_text)
    for j, v in enumerate(t.printed, start=1):
        fmt = book.flag_int if j in t.flags else book.total_int
        ws.write_number(r, j, int(v), fmt)
        if j in t.flags:
            ws.write_comment(r, j, t.flags[j], {"x_scale": 3, "y_scale": 2, "font_name": "宋体"})
    _write_checks(book, ws, r, t, t.printed)
    r += 1
    rows["sum"] = r
    ws.write_string(r, 0, ROW_SUM, book.total_text)
    sums = [sum(int(v[j]) for v in t.values) for j in range(n)]
    for j in range(1, n + 1):
        ws.write_formula(r, j, f"=SUM({xl_rowcol_to_cell(first, j)}:{xl_rowcol_to_cell(last, j)})", book.total_int,
                         sums[j - 1])
    _write_checks(book, ws, r, t, sums)
    r += 1
    rows["diff"] = r
    ws.write_string(r, 0, ROW_DIFF, book.total_text)
    for j in range(1, n + 1):
        ws.write_formula(r, j, f"={xl_rowcol_to_cell(r - 1, j)}-{xl_rowcol_to_cell(r - 2, j)}", book.total_int,
                         sums[j - 1] - int(t.printed[j - 1]))
    ws.conditional_format(r, 1, r, n, {"type": "cell", "criteria": "!=", "value": 0, "format": book.red})
    if t.checks:
        ws.conditional_format(first, n + 1, r - 1, last_col, {"type": "cell", "criteria": ">", "value": 0,
                                                                "format": book.red})
    r += 2
    for note in [msg("wb.sheet_note", ZH), *t.notes]:
        ws.merge_range(r, 0, r, last_col, note, book.note)
        ws.set_row(r, 16 * max(1, -(-display_width(note) // max(40, sum(max(8, min(30, w + 2)) for w in widths)))) + 2)
        r += 1
    r += 1
    r = _sign_block(book, ws, r, last_col)
    for j, w in enumerate(widths):
        ws.set_column(j, j, max(8, min(30, w + 2)))
    head_top = 2
    ws.repeat_rows(head_top, first - 1)
    ws.print_area(0, 0, r - 1, last_col)
    ws.freeze_panes(first, 1)
    return rows


def _write_checks(book: _Book, ws, r: int, t: AnnexTable, values: Sequence[int]) -> None:
    cells = _cells(r, t.ncols)
    for j, c in enumerate(t.checks, start=t.ncols + 1):
        ws.write_formula(r, j, "=" + c.formula.format(**cells), book.check, c.value([int(v) for v in values]))


def write_wan_sheet(book: _Book, t: AnnexTable, rows: dict[str, int], sheet: str) -> None:
    """The 万人次 sheet: every figure is the 人次 sheet's cell ÷ 10,000 by formula, same rows and columns."""
    ws = book.sheet(sheet)
    n = t.ncols
    ws.merge_range(0, 0, 0, n, t.title, book.title)
    ws.set_row(0, 30)
    ws.write_string(1, 0, "单位：万人次", book.unit)
    wan = AnnexTable(sheet, t.title, t.first, t.head, t.head_rows, t.numbers, t.labels, t.values, t.printed)
    first = _write_head(book, ws, 2, wan, [])
    assert first == rows["first"]
    ref = "'" + t.sheet.replace("'", "''") + "'!"

    def follow(r: int, j: int, value: int, fmt) -> None:
        ws.write_formula(r, j, f"={ref}{xl_rowcol_to_cell(r, j)}/{WAN_SHEET_DIVISOR}", fmt, value / WAN_SHEET_DIVISOR)

    for i, (label, values) in enumerate(zip(t.labels, t.values, strict=True)):
        r = first + i
        ws.write_formula(r, 0, f"={ref}{xl_rowcol_to_cell(r, 0)}", book.text, label)
        for j, v in enumerate(values, start=1):
            follow(r, j, int(v), book.wan)
    r = rows["printed"]
    ws.write_string(r, 0, ROW_PRINTED, book.total_text)
    for j, v in enumerate(t.printed, start=1):
        follow(r, j, int(v), book.flag_wan if j in t.flags else book.total_wan)
    ws.write_string(r + 1, 0, ROW_SUM, book.total_text)
    ws.write_string(r + 2, 0, ROW_DIFF, book.total_text)
    for j in range(1, n + 1):
        total = sum(int(v[j - 1]) for v in t.values)
        ws.write_formula(r + 1, j, f"=SUM({xl_rowcol_to_cell(first, j)}:{xl_rowcol_to_cell(rows['last'], j)})",
                         book.total_wan, total / WAN_SHEET_DIVISOR)
        ws.write_formula(r + 2, j, f"=ROUND({xl_rowcol_to_cell(r + 1, j)}-{xl_rowcol_to_cell(r, j)},4)",
                         book.total_wan, round((total - int(t.printed[j - 1])) / WAN_SHEET_DIVISOR, 4))
    ws.conditional_format(r + 2, 1, r + 2, n, {"type": "cell", "criteria": "!=", "value": 0, "format": book.red})
    end = r + 4
    ws.merge_range(end, 0, end, n, msg("wb.sheet_note_wan", ZH, sheet=t.sheet), book.note)
    end = _sign_block(book, ws, end + 2, n)
    ws.set_column(0, 0, max(8, min(30, max(display_width(x) for x in [t.first, *t.labels]) + 2)))
    ws.set_column(1, n, 10)
    ws.repeat_rows(2, first - 1)
    ws.print_area(0, 0, end - 1, n)
    ws.fit_to_pages(1, 1)  # fewer columns than the 人次 sheet: at one page wide it would spill onto a second page
    ws.freeze_panes(first, 1)


# -- the three annexes --------------------------------------------------------------------------------------


def annex1_head() -> list[HeadCell]:
    """Annex 1's header as printed: 完成培训人数 over all nine columns, 2–3 and 8–9 nested."""
    return [
        HeadCell("完成培训人数", 0, 1, 9),
        HeadCell("总计", 1, 1, 1, 2),
        HeadCell("其中：取得职业资格和职业技能等级类别证书人数", 1, 2, 3),
        HeadCell("小计", 2, 2), HeadCell("其中：高级工及以上", 2, 3),
        HeadCell("含：农村劳动力补贴性培训人数", 1, 4, 4, 2),
        HeadCell("含：由技工院校承担培训人数", 1, 5, 5, 2),
        HeadCell("含：新型学徒制培训人数", 1, 6, 6, 2),
        HeadCell("含：创业培训", 1, 7, 7, 2),
        HeadCell("含：大学生职业培训", 1, 8, 9),
        HeadCell("小计", 2, 8), HeadCell("其中：大学生技能培训", 2, 9),
    ]


ANNEX1_CHECKS = [
    Check("第2栏≤第1栏", "MAX(0,{c2}-{c1})", lambda v: max(0, v[1] - v[0])),
    Check("第3栏≤第2栏", "MAX(0,{c3}-{c2})", lambda v: max(0, v[2] - v[1])),
    Check("第9栏≤第8栏", "MAX(0,{c9}-{c8})", lambda v: max(0, v[8] - v[7])),
    Check("第4–8栏≤第1栏", "MAX(0,MAX({c4}:{c8})-{c1})", lambda v: max(0, max(v[3:8]) - v[0])),
]


def annex5_head() -> list[HeadCell]:
    """Annex 5's header as printed: the SIYB and online columns with their parts nested under them."""
    return [
        HeadCell("创业培训目标任务", 0, 1, 1, 2),
        HeadCell("其中：SIYB创业培训任务", 0, 2, 3), HeadCell("小计", 1, 2), HeadCell("含大学生SIYB培训任务", 1, 3),
        HeadCell("其中：网络创业培训任务", 0, 4, 6), HeadCell("小计", 1, 4),
        HeadCell("含大学生网络创业培训任务", 1, 5), HeadCell("含网络创业直播培训（试点）", 1, 6),
    ]


ANNEX5_CHECKS = [
    Check("第1栏=第2+4栏", "ABS({c1}-{c2}-{c4})", lambda v: abs(v[0] - v[1] - v[3])),
    Check("第3栏≤第2栏", "MAX(0,{c3}-{c2})", lambda v: max(0, v[2] - v[1])),
    Check("第5栏≤第4栏", "MAX(0,{c5}-{c4})", lambda v: max(0, v[4] - v[3])),
    Check("第6栏≤第4栏", "MAX(0,{c6}-{c4})", lambda v: max(0, v[5] - v[3])),
]


def annex4_head(headers: list[str]) -> list[HeadCell]:
    """Annex 4's header: one column per unit and the total, 人数 under each."""
    cells = [HeadCell(h, 0, j) for j, h in enumerate([*headers, "合计"], start=1)]
    return cells + [HeadCell("人数", 1, j) for j in range(1, len(headers) + 2)]


def annex1_table(title: str, first: str, labels: list[str], values: list[list[int]], printed: list[int],
                 flags: dict[int, str], notes: list[str],
                 cell_flags: dict[tuple[int, int], str] | None = None) -> AnnexTable:
    return AnnexTable(SHEETS["annex1"], title, first, annex1_head(), 3, [str(i) for i in range(1, 10)], labels,
                      values, printed, checks=ANNEX1_CHECKS, flags=flags, notes=notes, cell_flags=cell_flags or {},
                      head_heights=[24, 40, 48])


def annex4_table(title: str, first: str, headers: list[str], labels: list[str], values: list[list[int]],
                 printed: list[int], notes: list[str] | None = None) -> AnnexTable:
    return AnnexTable(SHEETS["annex4"], title, first, annex4_head(headers), 2, None, labels, values, printed,
                      row_total=True, notes=notes or [], head_heights=[64, 20])


def annex5_table(title: str, first: str, labels: list[str], values: list[list[int]], printed: list[int],
                 flags: dict[int, str] | None = None) -> AnnexTable:
    return AnnexTable(SHEETS["annex5"], title, first, annex5_head(), 2, [str(i) for i in range(1, 7)], labels,
                      values, printed, checks=ANNEX5_CHECKS, flags=flags or {}, head_heights=[40, 48])


# -- findings of the notice in plain Chinese ----------------------------------------------------------------

TABLE_ZH = {"annex1": "附件1", "annex2": "附件2", "annex4": "附件4", "annex5": "附件5", "notice_text": "通知正文",
            "notice_figures": "通知正文"}


def finding_text(f) -> str:
    """One check finding as a plain Chinese sentence (numbers in 人次)."""
    diff = f.difference if f.difference is not None else 0
    if f.rule == "annex1.column_sum":
        return msg("wb.finding_column_sum", ZH, column=f.column, expected=f.expected, found=f.found, diff=diff)
    if f.rule == "annex1_annex5.college":
        return msg("wb.finding_college", ZH, row=f.row, expected=f.expected, found=f.found, diff=diff)
    if f.rule == "annex1_annex5.entrepreneurship":
        return msg("wb.finding_entrepreneurship", ZH, row=f.row, expected=f.expected, found=f.found, diff=diff)
    if f.rule == "names.alias":
        return msg("wb.finding_alias", ZH, table_zh=TABLE_ZH.get(f.table, f.table), expected=f.expected, found=f.found)
    if f.rule == "names.text_vs_annex":
        return msg("wb.finding_text_vs_annex", ZH, expected=f.expected, found=f.found)
    column = f"第{f.column}栏" if str(f.column).isdigit() else str(f.column)
    expected = f"{f.expected:,}" if isinstance(f.expected, int) else str(f.expected)
    found = f"{f.found:,}" if isinstance(f.found, int) else str(f.found)
    return msg("wb.finding_generic", ZH, table_zh=TABLE_ZH.get(f.table, f.table), row=f.row, column=column,
               expected=expected, found=found)


def _annex1_flags(findings, label: str) -> dict[int, str]:
    """Annex 1 columns of the row ``label`` that a finding is about → the sentence for its cell's comment."""
    out: dict[int, str] = {}
    for f in findings:
        if f.table == "annex1" and f.row == label and str(f.column).isdigit() and f.difference is not None:
            out[int(f.column)] = (out.get(int(f.column), "") + "\n" + finding_text(f)).strip()
    return out


# -- cover --------------------------------------------------------------------------------------------------


@dataclass
class CoverInfo:
    """What the cover states besides the prefecture's own findings and notes.

    ``extra_rows`` are (label, value) pairs shown right after the input identity: the place for the run's
    ``input_id`` and its top assumptions once the pipeline provides them.
    """

    notice: object  # PlanData.notice: number, date, year, breakdown_due, tracking_reports, working days
    scenario: str
    digest: str
    as_of: dt.date
    as_of_given: bool
    generated: dt.datetime
    method: str
    assumptions: list[str]
    extra_rows: list[tuple[str, str]] = field(default_factory=list)


def weights_lines(b: Breakdown, pref: str | None, county_names: dict[str, str]) -> list[str]:
    """Per group, the weights used: the user's file where it names the group, else the default indicator."""
    lines = []
    prefs = [pref] if pref else sorted({p for p, _, _ in (b.weights.groups() if b.weights else set())})
    for p in prefs:
        for table, column, given in b.weighted_groups(p):
            shown = "、".join(f"{county_names.get(c, c)} {w:g}" for c, w in sorted(given.items()))
            where = "" if pref else f"{county_names.get(p, p)} "
            col = f" 第{column}栏" if column.isdigit() else f" {column}"
            lines.append(where + msg("wb.cover_weights_group", ZH, table=TABLE_ZH.get(table, table), column=col,
                                     file=Path(b.weights.source).name, digest=b.weights.digest, weights=shown))
    lines.append(msg("wb.cover_weights_default", ZH, indicator=indicator_name(b.indicator, ZH)))
    return lines


def _cover(book: _Book, where: str, info: CoverInfo, findings: list[str], notes: list[str],
           weights: list[str]) -> None:
    ws = book.sheet(SHEETS["cover"])
    ws.fit_to_pages(1, 1)
    ws.set_column(0, 0, 16)
    ws.set_column(1, 1, COVER_TEXT_WIDTH)
    notice = info.notice
    ws.write_string(0, 0, msg("wb.cover_title", ZH, where=where, year=notice.year), book.cover_title)
    ws.set_row(0, 28)
    left = days_left(notice.breakdown_due, info.as_of)
    try:
        days = notice.subsidy_approval_working_days
        approval = msg("wb.cover_approval_value", ZH, date=subsidy_approval_deadline(info.as_of, days).isoformat(),
                       as_of=info.as_of.isoformat(), n=days)
    except CalendarNotCovered:
        approval = msg("wb.cover_calendar_missing", ZH, year=info.as_of.year)
    as_of = msg("wb.cover_as_of_default", ZH, date=info.as_of.isoformat()) \
        if not info.as_of_given and info.as_of == notice.date else info.as_of.isoformat()
    days = msg("wb.cover_days_left_value", ZH, n=left) if left >= 0 else msg("wb.cover_overdue_value", ZH, n=-left)
    lines = [
        (msg("wb.cover_prefecture", ZH), where),
        (msg("wb.cover_year", ZH), f"{notice.year}年"),
        (msg("wb.cover_basis", ZH), f"{notice.number}（{notice.date.year}年{notice.date.month}月{notice.date.day}日）"),
        (msg("wb.cover_scenario", ZH), info.scenario),
        (msg("wb.cover_input_id", ZH), info.digest),
        *info.extra_rows,  # input_id and top assumptions from the pipeline go here
        (msg("wb.cover_generated", ZH), info.generated.strftime("%Y-%m-%d %H:%M")),
        (msg("wb.cover_deadline", ZH), msg("wb.cover_deadline_value", ZH,
                                          date=notice.breakdown_due.isoformat())),
        (msg("wb.cover_as_of", ZH), as_of),
        (msg("wb.cover_days_left", ZH), days),
        (msg("wb.cover_tracking", ZH), msg("wb.cover_tracking_value", ZH, dates="、".join(
            d.isoformat() for d in notice.tracking_reports))),
        (msg("wb.cover_approval", ZH), approval),
        (msg("wb.cover_method", ZH), msg("wb.cover_method_value", ZH, name=METHOD_NAMES.get(info.method, info.method))),
    ]
    r = 2
    for k, v in lines:
        ws.write_string(r, 0, k, book.key)
        ws.write_string(r, 1, v, book.note)
        r += 1
    for heading, items in ((msg("wb.cover_weights", ZH), weights), (msg("wb.cover_findings", ZH), findings),
                           (msg("wb.cover_notes", ZH), notes), (msg("wb.cover_assumptions", ZH), info.assumptions),
                           (msg("wb.cover_sheets", ZH), [msg("wb.cover_sheets_value", ZH)])):
        r += 1
        ws.write_string(r, 0, heading, book.key)
        if not items:
            ws.write_string(r, 1, msg("wb.cover_none", ZH), book.note)
            r += 1
        for item in items:
            ws.write_string(r, 1, item, book.note)
            ws.set_row(r, 15 * max(1, -(-display_width(item) // COVER_TEXT_WIDTH)) + 3)  # wrapped lines need height
            r += 1
    r += 2
    for key in ("wb.sign_unit", "wb.sign_person", "wb.sign_phone", "wb.sign_date"):
        ws.write_string(r, 0, msg(key, ZH).split("：")[0], book.key)
        ws.write_string(r, 1, msg(key, ZH).partition("：")[2] or "", book.note)
        ws.set_row(r, 30)
        r += 1
    ws.print_area(0, 0, r - 1, 1)


# -- the workbooks ------------------------------------------------------------------------------------------


def write_prefecture_workbook(path: Path, pref: str, b: Breakdown, plan: PlanData, info: CoverInfo) -> None:
    """One prefecture's workbook: cover, Annexes 1 (人次, 万人次), 4 and 5 by county, reference sheets."""
    name = plan.prefecture_name(pref)
    county_names = dict(zip(plan.counties["adcode"], plan.counties["county"], strict=True))
    findings = b.findings.get(pref, [])
    book = _Book(path, plan.notice.number)
    try:
        _cover(book, name, info, [finding_text(f) for f in findings], b.notes.get(pref, []),
               weights_lines(b, pref, county_names))
        a1 = b.annex1[b.annex1["prefecture"] == pref]
        printed_row = plan.annex1_persons().set_index("prefecture").loc[pref]
        label = str(printed_row["label"])
        flags = _annex1_flags(findings, label)
        t1 = annex1_table(f"{name}{plan.notice.year}年职业培训任务计划表（县级分解）", "县（市、区）",
                          list(a1["county"]), [[int(getattr(r, c)) for c in ANNEX1] for r in a1.itertuples()],
                          [int(printed_row[c]) for c in ANNEX1], flags, list(flags.values()))
        rows = write_annex(book, t1)
        write_wan_sheet(book, t1, rows, SHEETS["annex1_wan"])
        units = list(plan.annex4.drop_duplicates("unit")["unit"])
        headers = list(plan.annex4.drop_duplicates("unit")["header"])
        a4 = b.annex4[b.annex4["prefecture"] == pref].pivot_table(index="adcode", columns="unit", values="trainees",
                                                                  aggfunc="sum", fill_value=0)
        cells = plan.annex4[plan.annex4["prefecture"] == pref].set_index("unit")["trainees"]
        values4 = []
        for r in a1.itertuples():
            v = [int(a4.loc[r.adcode, u]) if r.adcode in a4.index and u in a4.columns else 0 for u in units]
            values4.append([*v, sum(v)])
        row_total = plan.annex4_row_totals.set_index("prefecture")["printed"]
        printed4 = [int(cells.get(u, 0)) for u in units]
        printed4.append(int(row_total.get(pref, sum(printed4))))
        write_annex(book, annex4_table(f"{name}{plan.notice.year}年省级项目职业培训计划表（县级分解）", "县（市、区）",
                                       headers, list(a1["county"]), values4, printed4))
        a5 = b.annex5[b.annex5["prefecture"] == pref]
        p5 = plan.annex5.set_index("prefecture").loc[pref]
        write_annex(book, annex5_table(f"{name}{plan.notice.year}年创业培训任务计划表（县级分解）", "县（市、区）",
                                       list(a5["county"]), [[int(getattr(r, c)) for c in ANNEX5]
                                                            for r in a5.itertuples()],
                                       [int(p5[c]) for c in ANNEX5]))
        sch = b.schools[b.schools["prefecture"] == pref]
        proj = b.projects[b.projects["prefecture_code"] == pref]
        _schools_sheet(book, name, sch)
        _assignments_sheet(book, name, sch, proj)
        _top5_sheet(book, name, sch, proj)
    finally:
        book.close()


def write_province_workbook(path: Path, b: Breakdown, plan: PlanData, info: CoverInfo) -> None:
    """The province's workbook: the notice's own prefecture rows with the same formulas and checks."""
    county_names = dict(zip(plan.counties["adcode"], plan.counties["county"], strict=True))
    county_names.update({c: plan.prefecture_name(c) for c in plan.prefectures["adcode"]})
    book = _Book(path, plan.notice.number)
    try:
        notes = [f"{plan.prefecture_name(p)}：{n}" for p, ns in b.notes.items() for n in ns]
        all_findings = [f for fs in b.findings.values() for f in fs]
        _cover(book, PROVINCE_NAME, info, [finding_text(f) for f in all_findings], notes,
               weights_lines(b, None, county_names))
        a1 = b.province["annex1"]
        body = a1[~a1["is_total"]]
        tot = a1[a1["is_total"]].iloc[0]
        flags = _annex1_flags(all_findings, str(tot["label"]))
        cell_flags = {(i, j): text for i, label in enumerate(body["label"])
                      for j, text in _annex1_flags(all_findings, str(label)).items()}
        t1 = annex1_table(f"云南省{plan.notice.year}年职业培训任务计划表", "单位", list(body["name"]),
                          [[int(getattr(r, c)) for c in ANNEX1] for r in body.itertuples()],
                          [int(tot[c]) for c in ANNEX1], flags,
                          [finding_text(f) for f in all_findings if f.table == "annex1"], cell_flags)
        rows = write_annex(book, t1)
        write_wan_sheet(book, t1, rows, SHEETS["annex1_wan"])
        a4 = b.province["annex4"]
        units = list(a4.drop_duplicates("unit")["unit"])
        headers = list(a4.drop_duplicates("unit")["header"])
        labels4, values4 = [], []
        for pref, frame in a4.groupby("prefecture", sort=False):
            v = [int(frame.set_index("unit")["trainees"].get(u, 0)) for u in units]
            labels4.append(plan.prefecture_name(pref))
            values4.append([*v, sum(v)])
        col_totals = plan.annex4_col_totals.set_index("unit")["printed"]
        printed4 = [*[int(col_totals.get(u, 0)) for u in units], int(plan.annex4_grand_total or 0)]
        write_annex(book, annex4_table(f"{plan.notice.year}年省级项目职业培训计划表", "州市", headers, labels4, values4,
                                       printed4))
        a5 = b.province["annex5"]
        write_annex(book, annex5_table(f"{plan.notice.year}年创业培训任务计划表", "州市", list(a5["name"]),
                                       [[int(getattr(r, c)) for c in ANNEX5] for r in a5.itertuples()],
                                       [int(plan.annex5_totals[c]) for c in ANNEX5]))
        _schools_sheet(book, PROVINCE_NAME, b.schools)
        _assignments_sheet(book, PROVINCE_NAME, b.schools, b.projects)
        _top5_sheet(book, PROVINCE_NAME, b.schools, b.projects)
    finally:
        book.close()


# -- reference sheets ---------------------------------------------------------------------------------------


def _frame_sheet(book: _Book, name: str, title: str, frame: pd.DataFrame, headers: list[str],
                 note: str | None = None, sign: bool = False, totals: tuple[int, ...] = ()) -> None:
    """A plain list sheet (assignments, schools, top five) with a centred title and repeated header; ``totals``:
    the columns summed in a 合计 row under the list (a SUM formula with its value cached)."""
    ws = book.sheet(name)
    last = len(headers) - 1
    ws.merge_range(0, 0, 0, last, title, book.title)
    ws.set_row(0, 30)
    for j, h in enumerate(headers):
        ws.write_string(1, j, h, book.head)
    ws.set_row(1, 36)
    widths = [min(display_width(h), 16) for h in headers]
    r = 2
    for row in frame.itertuples(index=False):
        for j, v in enumerate(row):
            value = v.item() if hasattr(v, "item") else v
            _write_value(ws, r, j, value, book.text, book.int)
            widths[j] = max(widths[j], display_width(value))
        r += 1
    if totals and len(frame):
        ws.write_string(r, 0, "合计", book.head)
        for j in totals:
            column = xl_col_to_name(j)
            ws.write_formula(r, j, f"=SUM({column}3:{column}{r})", book.int, int(frame.iloc[:, j].sum()))
        r += 1
    if note:
        r += 1
        ws.merge_range(r, 0, r, last, note, book.note)
        ws.set_row(r, 36)
        r += 1
    if sign:  # a report sent to the province (R18 tracking): signed like the annexes
        r = _sign_block(book, ws, r + 1, last)
    for j, w in enumerate(widths):
        ws.set_column(j, j, max(8, min(40, w + 2)))
    ws.repeat_rows(1, 1)
    ws.print_area(0, 0, max(r - 1, 2), last)
    ws.freeze_panes(2, 0)


def _schools_sheet(book: _Book, where: str, sch: pd.DataFrame) -> None:
    frame = sch.groupby(["adcode", "county", "school"], as_index=False)[["trainees", "classes"]].sum()
    frame = frame.sort_values(["adcode", "trainees", "school"], ascending=[True, False, True])
    _frame_sheet(book, SHEETS["schools"], f"{where} 技工院校培训任务（按县）",
                 frame[["county", "adcode", "school", "trainees", "classes"]],
                 ["县（市、区）", "区划代码", "技工院校", "培训人次", "班次"], totals=(3, 4))


def _assignments_sheet(book: _Book, where: str, sch: pd.DataFrame, proj: pd.DataFrame) -> None:
    a = sch.assign(kind="技工院校", who=sch["school"], institution=sch["school"])
    b = proj.assign(kind="省级项目", who=proj["unit"])
    cols = ["county", "adcode", "kind", "who", "course", "certificate_type", "level", "institution", "trainees",
            "classes"]
    frame = pd.concat([a[cols], b[cols]], ignore_index=True).sort_values(["adcode", "kind", "who", "course"])
    _frame_sheet(book, SHEETS["assignments"], f"{where} 技工院校与省级项目培训分配明细（按县）", frame,
                 ["县（市、区）", "区划代码", "类别", "学校/项目单位", "职业（工种）", "证书类型", "等级", "承训机构",
                  "培训人次", "班次"], totals=(8, 9))


def r18_ranking(sch: pd.DataFrame, proj: pd.DataFrame, n: int = rules.TOP_INSTITUTIONS_TRACKED) -> pd.DataFrame:
    """R18 (四(二)): the institutions with the most *subsidised* planned training in the area.

    Columns: rank, institution, subsidised (the ranking key), project, tech. Interim rule until the model
    states each school's subsidised share: provincial-project trainees are subsidised; a technical school's
    trainees count in full (an upper bound: its plan includes self-organised social training, note to Annex 2).
    Point this function at the model's own subsidised volume when it exists; the sheet only reads its columns.
    """
    tech = sch.groupby("school")["trainees"].sum().rename("tech")
    project = proj.groupby("institution")["trainees"].sum().rename("project")
    frame = pd.concat([project, tech], axis=1).fillna(0).astype(int)
    frame["subsidised"] = frame["project"] + frame["tech"]
    frame = frame.reset_index(names="institution")
    frame = frame.sort_values(["subsidised", "project", "institution"], ascending=[False, False, True])
    frame.insert(0, "rank", range(1, len(frame) + 1))
    return frame[["rank", "institution", "subsidised", "project", "tech"]].head(n).reset_index(drop=True)


def top_institutions(sch: pd.DataFrame, proj: pd.DataFrame, n: int = rules.TOP_INSTITUTIONS_TRACKED) -> pd.DataFrame:
    """Kept for callers of the old name: the R18 ranking."""
    return r18_ranking(sch, proj, n)


def _top5_sheet(book: _Book, where: str, sch: pd.DataFrame, proj: pd.DataFrame) -> None:
    top = r18_ranking(sch, proj)
    for col in ("jun_trained", "jun_checks", "oct_trained", "oct_checks"):
        top[col] = ""
    _frame_sheet(book, SHEETS["top5"], f"{where} 补贴性培训量居前五位的机构（四(二)；6月30日、10月30日上报）", top,
                 ["排名", "培训机构", "补贴性培训计划人次（排名依据）", "其中：省级项目人次", "其中：技工院校人次",
                  "6月30日 已培训人次", "6月30日 检查情况", "10月30日 已培训人次", "10月30日 检查情况"],
                 note=msg("wb.r18_basis", ZH), sign=True)


# -- export -------------------------------------------------------------------------------------------------


def workbook_name(pref: str, plan: PlanData) -> str:
    return f"{PROVINCE_ADCODE}_{PROVINCE_NAME}.xlsx" if pref == PROVINCE_ADCODE else \
        f"{pref}_{plan.prefecture_name(pref)}.xlsx"


def default_assumptions(b: Breakdown, params: ModelParams) -> list[str]:
    """The cover's assumptions, in Chinese."""
    return [
        msg("wb.assume_indicator", ZH, indicator=indicator_name(b.indicator, ZH)),
        msg("wb.assume_params", ZH, rho=f"{params.cert_share:.0%}", delta=f"{params.band_delta:.0%}",
            tau=f"{params.mix_tolerance:.0%}"),
    ]


def export_workbooks(out: Path, b: Breakdown, plan: PlanData, scenario: str, params: ModelParams,
                     as_of: dt.date | None = None, generated: dt.datetime | None = None,
                     after_each: Callable[[Path], None] | None = None, *, input_id: str,
                     as_of_given: bool | None = None,
                     extra_cover_rows: list[tuple[str, str]] | None = None,
                     cover_rows_by_prefecture: dict[str, list[tuple[str, str]]] | None = None) -> list[Path]:
    """Write the 16 prefecture workbooks, the province's and breakdown.csv; all or nothing.

    ``as_of`` defaults to the notice's own date (never "today": a file written years later must not say
    overdue unless asked); ``as_of_given`` says whether the user chose it (the cover says where it came from;
    default: whether ``as_of`` was passed). ``extra_cover_rows`` are (label, value) rows for the cover (top
    assumptions of the run); ``cover_rows_by_prefecture`` adds rows to one workbook's cover only, by adcode (the
    province's: 530000), e.g. the ten assumptions that move that prefecture most (issue 20). ``after_each`` is
    called after each file is written to the staging folder (tests use it to fail half-way).
    """
    given = as_of is not None if as_of_given is None else as_of_given
    info = CoverInfo(plan.notice, scenario, input_id, as_of or plan.notice.date, given, generated or dt.datetime.now(),
                     b.method, default_assumptions(b, params), list(extra_cover_rows or []))
    out.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=out))
    try:
        names = []
        for pref in sorted(plan.prefectures["adcode"]):
            name = workbook_name(pref, plan)
            write_prefecture_workbook(staging / name, pref, b, plan, _with_rows(info, cover_rows_by_prefecture, pref))
            names.append(name)
            if after_each:
                after_each(staging / name)
        name = workbook_name(PROVINCE_ADCODE, plan)
        write_province_workbook(staging / name, b, plan, _with_rows(info, cover_rows_by_prefecture, PROVINCE_ADCODE))
        names.append(name)
        write_csv(b.long(), staging / "breakdown.csv")
        names.append("breakdown.csv")
        return _move_all(staging, out, names)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _with_rows(info: CoverInfo, by_area: dict[str, list[tuple[str, str]]] | None, area: str) -> CoverInfo:
    """The cover information with one area's own rows added after the run's."""
    rows = (by_area or {}).get(area)
    return dataclasses.replace(info, extra_rows=[*info.extra_rows, *rows]) if rows else info


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


def soffice() -> str | None:
    """The LibreOffice executable, or None where it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_with_libreoffice(paths: Sequence[Path], folder: Path, fmt: str = "pdf", timeout: float = 300) -> list[Path]:
    """Convert workbooks with headless LibreOffice (which recalculates every formula on the way); returns the
    files written. Raises FileNotFoundError where LibreOffice is not installed, RuntimeError if it fails."""
    exe = soffice()
    if exe is None:
        raise FileNotFoundError("soffice")
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless", "--calc", "--convert-to", fmt,
               "--outdir", str(folder), *map(str, paths)]
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    suffix = "." + fmt.split(":")[0]
    written = [folder / (Path(p).stem + suffix) for p in paths]
    missing = [p.name for p in written if not p.exists()]
    if done.returncode != 0 or missing:
        raise RuntimeError((done.stderr or done.stdout or "").strip()[-300:] or f"not written: {missing}")
    return written


def column_letter(j: int) -> str:
    """Spreadsheet column letter of a 0-based column index (A, B, …)."""
    return xl_col_to_name(j)
