"""Page functions for ``app.py`` (``st.navigation``): plan data and the consistency findings."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import streamlit as st

from optimizer.check import RULE_TITLES, Finding, check_plan_consistency
from optimizer.errors import InputError
from optimizer.loader import DEFAULT_DATA_DIR, PlanData, load_plan
from optimizer.schema import ANNEX1_COLUMNS, ANNEX5_COLUMNS

HIGHLIGHT = {"error": "background-color: #f8d0d0", "warning": "background-color: #fbe8b0",
             "info": "background-color: #d8e8f8"}


@st.cache_data(show_spinner=False)
def cached_plan(data_dir: str, stamp: float) -> PlanData:
    """Load once per data folder state (``stamp`` = newest modification time, so edits reload)."""
    return load_plan(Path(data_dir))


def folder_stamp(folder: Path) -> float:
    return max((p.stat().st_mtime for p in folder.glob("*.*")), default=0.0)


def current_plan() -> PlanData | None:
    """The plan of the chosen data folder, or None after showing why it could not be read."""
    folder = Path(st.session_state.get("data_dir", str(DEFAULT_DATA_DIR)))
    try:
        return cached_plan(str(folder), folder_stamp(folder))
    except InputError as exc:
        st.error(f"数据无法读取 The data could not be read: {len(exc.problems)} problem(s)")
        st.dataframe(pd.DataFrame([p.to_dict() for p in exc.problems]), hide_index=True)
        return None


def findings_frame(findings: list[Finding]) -> pd.DataFrame:
    return pd.DataFrame([f.to_dict() for f in findings],
                        columns=["severity", "rule", "table", "row", "column", "expected", "found", "difference",
                                 "message"]).astype({"expected": str, "found": str})


def plan_data_page() -> None:
    """The five annexes as printed, with the cells that a finding concerns highlighted."""
    st.title("计划数据 Plan data")
    plan = current_plan()
    if plan is None:
        return
    findings = check_plan_consistency(plan)
    st.caption(f"数据来源 Source: `{plan.source}` · 云人社通〔2022〕8号")
    if findings:
        st.warning(f"{len(findings)} 处不一致 inconsistencies found — highlighted below; see 检查结果 Findings.")
    for note in plan.notes:
        st.info(note)
    tabs = st.tabs(["附件1 Targets", "附件2 Schools", "附件3 Platforms", "附件4 Provincial projects",
                    "附件5 Entrepreneurship"])
    with tabs[0]:
        unit = st.radio("单位 Unit", ["万人次", "人次"], horizontal=True, key="annex1_unit")
        frame = plan.annex1 if unit == "万人次" else plan.annex1_persons()
        table = frame.set_index("label")[[f"col{i}" for i in range(1, 10)]].astype(str)
        table.columns = [str(i) for i in range(1, 10)]
        st.dataframe(_highlight(table, findings, "annex1"), key="annex1_table")
        st.caption(" · ".join(f"{i}: {v}" for i, v in enumerate(ANNEX1_COLUMNS.values(), start=1)))
    with tabs[1]:
        a2 = plan.annex2[["seq", "school", "quota_wan", "quota"]].astype({"quota_wan": str})
        a2.columns = ["序号", "单位名称", "目标任务（万人）", "人"]
        st.dataframe(a2, hide_index=True, key="annex2_table")
        st.caption(f"合计（印刷）printed total: {plan.annex2_total_wan} 万人")
    with tabs[2]:
        st.dataframe(plan.annex3, hide_index=True, key="annex3_table")
    with tabs[3]:
        wide = plan.annex4.pivot(index="label", columns="header", values="trainees")
        order = list(dict.fromkeys(plan.annex4["label"]))
        wide = wide.loc[order, list(dict.fromkeys(plan.annex4["header"]))]
        wide["全省合计"] = plan.annex4_row_totals.set_index("label")["printed"]
        st.dataframe(_highlight(wide.astype(str), findings, "annex4"), key="annex4_table")
    with tabs[4]:
        a5 = plan.annex5.set_index("label")[list(ANNEX5_COLUMNS)]
        a5.loc["合计"] = [plan.annex5_totals.get(k) for k in ANNEX5_COLUMNS]
        st.dataframe(_highlight(a5.astype(str), findings, "annex5"), key="annex5_table")


def _highlight(table: pd.DataFrame, findings: list[Finding], name: str):
    cells: dict[tuple[str, str], str] = {}
    for f in findings:
        if f.table == name and f.row in table.index:
            column = f.column if f.column in table.columns else None
            if column:
                cells[(f.row, column)] = HIGHLIGHT[f.severity]

    def style(frame: pd.DataFrame) -> pd.DataFrame:
        out = pd.DataFrame("", index=frame.index, columns=frame.columns)
        for (row, column), css in cells.items():
            out.loc[row, column] = css
        return out

    return table.style.apply(style, axis=None)


def findings_page() -> None:
    """Every inconsistency in the plan's own numbers and names, filterable by severity and rule."""
    st.title("检查结果 Consistency findings")
    plan = current_plan()
    if plan is None:
        return
    findings = check_plan_consistency(plan)
    if not findings:
        st.success("未发现不一致 No inconsistencies found.")
        return
    counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
    cols = st.columns(3)
    for col, (severity, n) in zip(cols, counts.items(), strict=True):
        col.metric(severity, n)
    chosen = st.multiselect("严重程度 Severity", list(counts), default=list(counts), key="severity_filter")
    shown = [f for f in findings if f.severity in chosen]
    for rule in dict.fromkeys(f.rule for f in shown):
        st.subheader(f"{rule} — {RULE_TITLES.get(rule, '')}")
        st.dataframe(findings_frame([f for f in shown if f.rule == rule]), hide_index=True)
    st.download_button("下载 JSON Download findings (JSON)",
                       data=findings_frame(findings).to_json(orient="records", force_ascii=False),
                       file_name="findings.json", mime="application/json", key="download_findings")


def assumed_inputs_page() -> None:
    """The inputs the notice does not give, each row with its basis."""
    st.title("假设数据 Assumed inputs")
    plan = current_plan()
    if plan is None:
        return
    st.caption("These tables are assumptions marked `assumed` in their basis column; replace them with a "
               "bureau's own data (blank templates in data/templates/).")
    for title, frame in (("课程目录 Courses", plan.courses), ("机构 Institutions", plan.institutions),
                         ("开设课程 Offers", plan.offers), ("项目单位 Units", plan.units),
                         ("经营范围 Unit scope", plan.unit_scope), ("承办县 Unit counties", plan.unit_counties),
                         ("专业需求 Profession focus", plan.focus), ("取消资格 Debarments", plan.debarments),
                         ("县 Counties", plan.counties)):
        with st.expander(f"{title} ({len(frame)})"):
            st.dataframe(frame, hide_index=True)
