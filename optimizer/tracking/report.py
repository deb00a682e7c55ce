"""The 30 June / 30 October tracking reports (四(二), R18) as workbooks, and the progress command's files.

Same style as the 1 March submission workbooks (``outputs/workbook.py``: 宋体, bordered tables, A4 landscape
fitted to the page width, frozen headers). One workbook per report date up to the as-of date (or an interim
one dated as of, before 30 June): a cover, the five institutions with the most subsidised trainees per
prefecture and per county, progress per prefecture against the plan, and subsidy claims past the
30-working-day approval limit (三(九)). The command writes them through the one output writer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from optimizer.data.loader import PlanData
from optimizer.messages.numbers import display_width
from optimizer.outputs.workbook import COVER_TEXT_WIDTH, _Book, _frame_sheet
from optimizer.tracking.progress import Progress, progress, records_as_of

SHEETS = {"cover": "封面", "top5_pref": "前五机构（州市）", "top5_county": "前五机构（县）",
          "progress": "计划进度（州市）", "overdue": "逾期补贴审核"}


def report_dates(plan: PlanData, as_of: dt.date) -> list[dt.date]:
    """The tracking dates (R17) on or before ``as_of``; the as-of date itself before the first one."""
    due = [d for d in plan.notice.tracking_reports if d <= as_of]
    return due or [as_of]


def _cover(book: _Book, plan: PlanData, p: Progress, scenario: str, input_id: str, interim: bool) -> None:
    notice = plan.notice
    ws = book.sheet(SHEETS["cover"])
    ws.set_column(0, 0, 24)
    ws.set_column(1, 1, COVER_TEXT_WIDTH)
    kind = "阶段性进度（非正式报告）" if interim else "补贴性培训量前五位机构重点跟踪报告"
    day = f"{p.as_of.year}年{p.as_of.month}月{p.as_of.day}日"
    # left-aligned: centred in the narrow column A, the title ran off the page's left edge
    ws.write_string(0, 0, f"云南省{p.as_of.year}年职业培训{kind}（截至{day}）", book.cover_title)
    done = p.records[p.records["status"] == "done"]
    subsidised = done[done["subsidy_yuan"] > 0]
    lines = [
        ("依据", f"{notice.number}（{notice.date.isoformat()}）四(二)：各州（市）对补贴性培训量排名前五位的"
                 f"培训机构重点跟踪；三(九)：补贴申请 {notice.subsidy_approval_working_days} 个工作日内审核"),
        ("截至日期", p.as_of.isoformat()),
        ("跟踪报告日期", "、".join(d.isoformat() for d in notice.tracking_reports)),
        ("计划方案", scenario),
        ("输入标识", input_id),
        ("全年进度", f"{p.elapsed:.1%}（按国家法定工作日计）"),
        ("班次", f"已结业 {len(done):,} 个，在训 {int((p.records['status'] == 'running').sum()):,} 个"),
        ("补贴性培训", f"{int(subsidised['trainees'].sum()):,} 人（已结业且申请补贴的班次），"
                                   f"补贴 {subsidised['subsidy_yuan'].sum() / 10_000:,.2f} 万元"),
        ("逾期审核", f"{len(p.overdue):,} 笔补贴申请超过 {notice.subsidy_approval_working_days} 个工作日"
                             "未审核或审核逾期"),
        ("滞后", f"{int(p.table.loc[p.table['level'] == 'prefecture', 'lagging'].sum()):,} 项州市指标、"
                         f"{int(p.table.loc[p.table['level'] == 'county', 'lagging'].sum()):,} 项县级指标"
                         f"低于时间进度的 {p.threshold:.0%}"),
        ("口径", "排名按已结业且申请补贴的班次的培训人数；附件1第1栏计全部班次，"
                          "第2栏职业资格和职业技能等级证书类，第3栏其中三级及以上，第5栏技工院校任务（附件2）班次，第7栏创业培训；第4、6、8、9栏不按班次登记，不跟踪。"),
    ]
    for r, (k, v) in enumerate(lines, start=2):
        ws.write_string(r, 0, k, book.key)
        ws.write_string(r, 1, v, book.note)
        ws.set_row(r, 15 * max(1, -(-display_width(v) // COVER_TEXT_WIDTH)))


def write_report(path: Path, plan: PlanData, p: Progress, scenario: str, input_id: str, interim: bool) -> None:
    """One tracking report workbook."""
    book = _Book(path)
    try:
        _cover(book, plan, p, scenario, input_id, interim)
        names = dict(zip(plan.counties["adcode"], plan.counties["county"], strict=True))
        pref_of = dict(zip(plan.counties["adcode"], plan.counties["prefecture_adcode"], strict=True))
        top = p.top5
        pref_names = set(plan.prefectures["name"])
        by_pref = top[top["area"].isin(pref_names)]
        _frame_sheet(book, SHEETS["top5_pref"], "各州（市）补贴性培训量前五位培训机构",
                     by_pref[["area", "rank", "institution", "institution_code", "subsidised_trainees"]],
                     ["州（市）", "排名", "培训机构", "机构代码", "补贴性培训人数"])
        by_county = top[~top["area"].isin(pref_names)]
        county = pd.DataFrame({"prefecture": by_county["area"].map(pref_of).map(plan.prefecture_name),
                               "county": by_county["area"].map(names), "adcode": by_county["area"],
                               "rank": by_county["rank"], "institution": by_county["institution"],
                               "subsidised_trainees": by_county["subsidised_trainees"]})
        _frame_sheet(book, SHEETS["top5_county"], "各县（市、区）补贴性培训量前五位培训机构", county,
                     ["州（市）", "县（市、区）", "区划代码", "排名", "培训机构", "补贴性培训人数"])
        prog = p.table[p.table["level"].isin(["province", "prefecture"])]
        prog = prog.assign(share_done=prog["share_done"].map(lambda v: f"{v:.1%}"),
                           share_expected=prog["share_expected"].map(lambda v: f"{v:.1%}"),
                           lagging=prog["lagging"].map(lambda v: "滞后" if v else ""))
        _frame_sheet(book, SHEETS["progress"], "各州（市）计划进度", prog[
            ["prefecture", "measure", "planned", "done", "running", "remaining", "share_done", "share_expected",
             "lagging"]], ["州（市）", "指标", "计划", "已结业", "在训", "剩余", "完成比例", "时间进度", "滞后"])
        od = p.overdue.assign(**{c: p.overdue[c].map(lambda d: d.isoformat() if isinstance(d, dt.date) else "")
                                 for c in ("claim_date", "deadline", "approval_date")},
                              status=p.overdue["status"].map({"pending": "未审核", "approved late": "逾期审核"}))
        limit = plan.notice.subsidy_approval_working_days
        _frame_sheet(book, SHEETS["overdue"], f"超过 {limit} 个工作日的补贴申请", od[
            ["prefecture", "county", "institution", "class_id", "subsidy_yuan", "claim_date", "deadline",
             "approval_date", "status", "days_late"]],
            ["州（市）", "县（市、区）", "培训机构", "班次编号", "补贴金额（元）", "申请日期", "审核时限", "审核日期",
             "状态", "逾期天数"])
        for name in list(SHEETS.values())[1:]:  # printed: title and header on every page
            book.wb.get_worksheet_by_name(name).repeat_rows(0, 1)
    finally:
        book.close()


def progress_files(plan: PlanData, problem, breakdown, records: pd.DataFrame, p: Progress, scenario: str,
                   input_id: str, threshold: float) -> dict[str, pd.DataFrame | Callable[[Path], None]]:
    """progress.csv, top5.csv, overdue_claims.csv and one report workbook per tracking date."""
    files: dict[str, pd.DataFrame | Callable[[Path], None]] = {
        "progress.csv": p.table, "top5.csv": p.top5,
        "overdue_claims.csv": p.overdue,
    }
    interim = not any(d <= p.as_of for d in plan.notice.tracking_reports)
    for day in report_dates(plan, p.as_of):
        at = p if day == p.as_of else progress(plan, problem, breakdown, records_as_of(records, day), day, threshold)
        files[f"R18_{day.isoformat()}.xlsx"] = (
            lambda path, at=at: write_report(path, plan, at, scenario, input_id, interim))
    return files
