"""Page functions for ``app.py`` (``st.navigation``). They call the package and hold no model logic."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import tempfile
import zipfile
from pathlib import Path

import pandas as pd
import streamlit as st

from optimizer.data.check import RULE_TITLES, Finding, check_plan_consistency
from optimizer.data.loader import PlanData, load_plan
from optimizer.data.schema import ANNEX1_COLUMNS, ANNEX5_COLUMNS, SCHEMAS
from optimizer.errors import InputError
from optimizer.messages import msg as catalogue_msg
from optimizer.ui import charts
from optimizer.ui.i18n import t
from optimizer.ui.state import (
    SCENARIO_DIR,
    Solved,
    current_source,
    plan_for,
    scenario_files,
    solve_now,
    source_key,
)

HIGHLIGHT = {"error": "background-color: #f8d0d0", "warning": "background-color: #fbe8b0",
             "info": "background-color: #d8e8f8"}
ASSUMED_TABLES = ["courses", "institutions", "offers", "units", "unit_scope", "unit_counties", "profession_focus",
                  "debarments", "profession_groups"]


# -- shared pieces -------------------------------------------------------------------------------------

def as_code(text: object) -> str:
    """User text as a Markdown code span, shown literally: a fence longer than any run of backticks inside,
    so a value can never close it and become Markdown (a link, an image fetched from elsewhere) or HTML."""
    text = str(text).replace("\n", " ")
    runs = [len(r) for r in "".join(c if c == "`" else " " for c in text).split()]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def show_problems(exc: InputError, title: str) -> None:
    st.error(f"{title}: {len(exc.problems)} {t('problems')}")
    for p in exc.problems[:12]:
        st.markdown(f"- {as_code(p)}")
    st.dataframe(pd.DataFrame([p.to_dict() for p in exc.problems]), hide_index=True, key=f"problems_{title}")


def current_plan() -> PlanData | None:
    try:
        return plan_for(current_source())
    except InputError as exc:
        show_problems(exc, t("data_unreadable"))
        return None


def scenario_sidebar(prefix: str = "alloc") -> tuple[str, str]:
    """Scenario choice and settings in the sidebar; returns (scenario file, overrides as JSON)."""
    files = scenario_files()
    choice = st.sidebar.selectbox(t("scenario"), files, index=files.index("baseline.yaml"), key=f"{prefix}_scenario")
    st.sidebar.markdown(f"**{t('settings')}**")
    overrides: dict = {}
    rho = st.sidebar.slider(t("cert_share"), 0.0, 1.0, 0.6, 0.05, key=f"{prefix}_rho")
    if abs(rho - 0.6) > 1e-9:
        overrides["cert_share"] = rho
    delta = st.sidebar.slider(t("band_delta"), 0.0, 1.0, 0.25, 0.05, key=f"{prefix}_delta")
    if abs(delta - 0.25) > 1e-9:
        overrides["band_delta"] = delta
    plan = current_plan()
    if plan is not None:
        schools = plan.institutions.set_index("code")["name"].to_dict()
        who = st.sidebar.selectbox(t("capacity_school"), ["—", *schools], key=f"{prefix}_cap_school",
                                   format_func=lambda c: "—" if c == "—" else f"{c} {schools[c]}")
        pct = st.sidebar.slider(t("capacity_change"), -100, 100, 0, 5, key=f"{prefix}_cap_pct")
        if who != "—" and pct:
            overrides["capacity_changes"] = [{"institution": who, "percent": pct}]
        excluded = st.sidebar.multiselect(t("excluded"), list(schools), key=f"{prefix}_excluded",
                                          format_func=lambda c: f"{c} {schools[c]}")
        if excluded:
            overrides["excluded"] = excluded
    with st.sidebar.expander(t("weights")):
        weights = {k: st.number_input(k, 0.0, 100.0, 1.0, 0.1, key=f"{prefix}_w_{k}")
                   for k in ("cost", "travel", "band", "mix")}
    if any(v != 1.0 for v in weights.values()):
        overrides["weights"] = weights
    solver = st.sidebar.selectbox(t("solver"), ["highs", "cbc"], key=f"{prefix}_solver")
    if solver != "highs":
        overrides["solver"] = solver
    limit = st.sidebar.number_input(t("time_limit"), 1.0, 3600.0, 120.0, 10.0, key=f"{prefix}_limit")
    if limit != 120.0:
        overrides["time_limit"] = limit
    return choice, json.dumps(overrides, sort_keys=True)


def save_sidebar(scenario: str, overrides: str) -> None:
    """Save the sidebar's settings as a scenario file extending the chosen one (atomic, inside scenarios/)."""
    from optimizer.data.scenario import save_scenario

    with st.sidebar.expander(t("save_scenario")):
        name = st.text_input(t("save_as"), key="save_name")
        if st.button(t("save"), key="save_button"):
            settings = json.loads(overrides)
            if "capacity_changes" in settings:
                settings["capacity"] = settings.pop("capacity_changes")
            try:
                path = save_scenario(name, settings, base=scenario)
            except InputError as exc:
                st.error("; ".join(str(p) for p in exc.problems))
            else:
                st.success(f"{t('saved')}: scenarios/{path.name}")


def solve_with_spinner(scenario: str, overrides: str) -> Solved:
    with st.spinner(t("solving")):
        return solve_now(scenario, current_source(), overrides)


def show_not_solved(solved: Solved) -> bool:
    """Explain a scenario that has no allocation; True when there is nothing more to show."""
    if solved.error:
        st.error(solved.error)
        return True
    sol = solved.solution
    if sol.status == "infeasible":
        st.error(f"{t('infeasible')}: {solved.scenario}")
        st.markdown(f"**{t('diagnosis')}**")
        for line in sol.diagnosis.messages:
            st.markdown(f"- {line}")
        st.markdown(f"**{t('blocking')}**")
        if not sol.diagnosis.shortfalls.empty:
            st.caption(t("shortfalls"))
            st.dataframe(sol.diagnosis.shortfalls, hide_index=True, key="diag_shortfalls")
        if not sol.diagnosis.blocking.empty:
            st.dataframe(sol.diagnosis.blocking, hide_index=True, key="diag_blocking")
        if not sol.diagnosis.violations.empty:
            st.caption(t("violations"))
            st.dataframe(sol.diagnosis.violations, hide_index=True, key="diag_violations")
        return True
    if not sol.ok:
        st.error(f"{t('stopped')}: {sol.summary.get('message', sol.status)}")
        return True
    return False


def csv_bytes(frame: pd.DataFrame) -> bytes:
    from optimizer.outputs.files import neutralise_text

    return neutralise_text(frame).to_csv(index=False).encode("utf-8-sig")


# -- 1. plan data and checks ---------------------------------------------------------------------------

def plan_data_page() -> None:
    """The five annexes, the consistency findings on the cells they concern, the assumed inputs."""
    st.title(t("page_plan"))
    plan = current_plan()
    if plan is None:
        upload_section()
        return
    findings = check_plan_consistency(plan)
    st.caption(f"{t('source')}: {'data/' if not st.session_state.get('uploads') else t('upload_ok')} · "
               f"{plan.notice.number}")
    if findings:
        st.warning(f"{len(findings)} {t('findings_banner')}")
    for note in plan.notes:
        st.info(note)
    annex_tabs(plan, findings)
    st.header(t("findings"))
    findings_section(findings)
    st.header(t("assumed_inputs"))
    upload_section(plan)


def annex_tabs(plan: PlanData, findings: list[Finding]) -> None:
    tabs = st.tabs(["附件1", "附件2", "附件3", "附件4", "附件5"])
    with tabs[0]:
        unit = st.radio(t("unit"), ["万人次", "人次"], horizontal=True, key="annex1_unit")
        frame = plan.annex1 if unit == "万人次" else plan.annex1_persons()
        table = frame.set_index("label")[[f"col{i}" for i in range(1, 10)]].astype(str)
        table.columns = [str(i) for i in range(1, 10)]
        st.dataframe(_highlight(table, findings, "annex1"), key="annex1_table")
        st.caption(" · ".join(f"{i}: {v}" for i, v in enumerate(ANNEX1_COLUMNS.values(), start=1)))
    with tabs[1]:
        a2 = plan.annex2[["seq", "school", "quota_wan", "quota"]].astype({"quota_wan": str})
        a2.columns = ["序号", "单位名称", "目标任务（万人）", "人"]
        st.dataframe(a2, hide_index=True, key="annex2_table")
        st.caption(f"合计: {plan.annex2_total_wan} 万人")
    with tabs[2]:
        st.dataframe(plan.annex3, hide_index=True, key="annex3_table")
    with tabs[3]:
        wide = plan.annex4.pivot(index="label", columns="header", values="trainees")
        wide = wide.loc[list(dict.fromkeys(plan.annex4["label"])), list(dict.fromkeys(plan.annex4["header"]))]
        wide["全省合计"] = plan.annex4_row_totals.set_index("label")["printed"]
        st.dataframe(_highlight(wide.astype(str), findings, "annex4"), key="annex4_table")
    with tabs[4]:
        a5 = plan.annex5.set_index("label")[list(ANNEX5_COLUMNS)]
        a5.loc["合计"] = [plan.annex5_totals.get(k) for k in ANNEX5_COLUMNS]
        st.dataframe(_highlight(a5.astype(str), findings, "annex5"), key="annex5_table")


def _highlight(table: pd.DataFrame, findings: list[Finding], name: str):
    cells = {(f.row, f.column): HIGHLIGHT[f.severity] for f in findings
             if f.table == name and f.row in table.index and f.column in table.columns}

    def style(frame: pd.DataFrame) -> pd.DataFrame:
        out = pd.DataFrame("", index=frame.index, columns=frame.columns)
        for (row, column), css in cells.items():
            out.loc[row, column] = css
        return out

    return table.style.apply(style, axis=None)


def findings_section(findings: list[Finding]) -> None:
    if not findings:
        st.success(t("no_findings"))
        return
    counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
    for col, (severity, n) in zip(st.columns(3), counts.items(), strict=True):
        col.metric(severity, n)
    chosen = st.multiselect(t("severity"), list(counts), default=list(counts), key="severity_filter")
    shown = [f for f in findings if f.severity in chosen]
    frame = pd.DataFrame([f.to_dict() for f in shown]).astype({"expected": str, "found": str}) if shown else None
    if frame is not None:
        frame["rule"] = frame["rule"] + " — " + frame["rule"].map(RULE_TITLES)
        st.dataframe(frame, hide_index=True, key="findings_table")
    st.download_button(f"{t('download')} findings.json",
                       json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2),
                       file_name="findings.json", mime="application/json", key="download_findings")


def upload_section(plan: PlanData | None = None) -> None:
    """Each assumed table: view and edit, replace by an upload, or download a blank template."""
    from optimizer.data.templates import write_csv_template

    name = st.selectbox("table", ASSUMED_TABLES, key="assumed_table",
                        format_func=lambda n: f"{n} — {SCHEMAS[n].title}")
    file = st.file_uploader(t("upload"), type=["csv", "xlsx"], key=f"upload_{name}")
    if file is not None and st.session_state.get(f"done_{name}") != file.file_id:
        st.session_state[f"done_{name}"] = file.file_id
        apply_table(name, file.name, file.getvalue())
    if plan is not None:
        frame = _frame_of(plan, name)
        edited = st.data_editor(frame, num_rows="dynamic", hide_index=True, key=f"editor_{name}")
        if st.button(t("apply_edits"), key=f"apply_{name}"):
            apply_table(name, f"{name}.csv", edited.to_csv(index=False).encode("utf-8"))
    if st.session_state.get("uploads"):
        st.info(f"{t('upload_ok')}: {', '.join(st.session_state['uploads'])}")
        if st.button(t("reset_data"), key="reset_data"):
            st.session_state["uploads"] = {}
            st.rerun()
    with tempfile.TemporaryDirectory(prefix="yunnan-plan-template-") as private:  # 0700, removed at once
        path = Path(private) / f"{name}.csv"
        write_csv_template(SCHEMAS[name], path)
        template = path.read_bytes()
    st.download_button(f"{t('template')} ({name}.csv)", template, file_name=f"{name}.csv",
                       mime="text/csv", key=f"template_{name}")
    for message in st.session_state.pop("upload_messages", []):
        st.error(message)


def apply_table(name: str, filename: str, data: bytes) -> None:
    """Validate a replacement table with the same loader as the command line; keep it only if valid."""
    uploads = dict(st.session_state.get("uploads", {}))
    uploads[name] = (filename, data)
    source = tuple((n, *uploads[n]) if n in uploads else (n, f, d) for n, f, d in current_source())
    try:
        load_plan({n: (f, d) for n, f, d in source})
    except InputError as exc:
        st.error(f"{t('upload_bad')}: {filename}")
        for p in exc.problems[:20]:
            st.markdown(f"- {as_code(p)}")
        return
    st.session_state["uploads"] = uploads
    st.success(f"{t('upload_ok')}: {filename}")


def _frame_of(plan: PlanData, name: str) -> pd.DataFrame:
    frames = {"courses": plan.courses, "institutions": plan.institutions, "offers": plan.offers,
              "units": plan.units, "unit_scope": plan.unit_scope, "unit_counties": plan.unit_counties,
              "profession_focus": plan.focus, "debarments": plan.debarments, "profession_groups": plan.groups}
    columns = SCHEMAS[name].column_names
    return frames[name][[c for c in columns if c in frames[name].columns]].copy()


# -- 2. allocate ---------------------------------------------------------------------------------------

def allocate_page() -> None:
    """Solve a scenario (with the sidebar's settings) and see the allocation."""
    st.title(t("page_allocate"))
    scenario, overrides = scenario_sidebar("alloc")
    save_sidebar(scenario, overrides)
    if st.button(t("solve"), key="solve", type="primary"):
        st.session_state["alloc_request"] = (scenario, overrides)
    request = st.session_state.get("alloc_request")
    if not request:
        return
    solved = solve_with_spinner(*request)
    if request != (scenario, overrides):
        st.info(f"{request[0]} · {request[1]}")
    if show_not_solved(solved):
        return
    show_allocation(solved)


def show_allocation(solved: Solved) -> None:
    sol, problem = solved.solution, solved.problem
    s = sol.summary
    if solved.violations:
        st.error(f"{t('violations_found')}: " + "; ".join(str(v) for v in solved.violations[:5]))
    else:
        st.success(f"{solved.scenario}: {t('verified')} · {s['solver']} · gap {s['integer_gap']:.1e}")
    cols = st.columns(5)
    cols[0].metric(t("objective"), f"{s['objective']:,.0f}")
    cols[1].metric(t("cost"), f"{s['objective_terms']['cost']:,.0f}")
    cols[2].metric(t("travel"), f"{s['objective_terms']['travel']:,.0f}")
    cols[3].metric(t("trainee_km"), f"{s['trainee_km']:,.0f}")
    load = sol.institution_load
    cols[4].metric(t("utilisation"), f"{load['used'].sum() / load['capacity'].sum():.1%}")
    st.subheader(t("map"))
    metric = st.radio(t("map_metric"), ["tech", "project"], horizontal=True, key="map_metric",
                      format_func=t)
    frame = county_frame(problem, sol)
    geo = st.file_uploader(t("geojson"), type=["geojson", "json"], key="geojson")
    boundaries = None
    if geo is not None:
        from optimizer.data.geo import load_county_geojson

        try:
            boundaries = load_county_geojson(geo.name, problem.counties.rename(columns={}), geo.getvalue()).geojson
        except InputError as exc:
            show_problems(exc, "GeoJSON")
    st.altair_chart(charts.county_map(frame, metric, t(metric), boundaries), key="county_map")
    st.subheader(t("flows"))
    flows = sol.school_allocation.groupby(["school", "prefecture"], as_index=False)["trainees"].sum()
    st.altair_chart(charts.flow_heatmap(flows), key="flow_heatmap")
    st.subheader(t("capacity_table"))
    st.altair_chart(charts.utilisation_bars(load), key="utilisation_chart")
    st.dataframe(load.sort_values("shadow_price", ascending=False), hide_index=True, key="load_table")
    st.subheader(t("cert_chart"))
    shares = pd.DataFrame([{"unit": f"{u} {problem.names[u]}", "share": v} for u, v in s["certificate_share"].items()])
    st.altair_chart(charts.cert_share_bars(shares, problem.params.cert_share), key="cert_chart")
    st.subheader(t("tables"))
    for name, table in (("school_allocation", sol.school_allocation), ("project_allocation", sol.project_allocation),
                        ("institution_load", load), ("county_totals", frame)):
        st.download_button(f"{t('download')} {name}.csv", csv_bytes(table), file_name=f"{name}.csv",
                           mime="text/csv", key=f"dl_{name}")
    st.download_button(f"{t('download')} summary.json", json.dumps(s, ensure_ascii=False, indent=2, default=str),
                       file_name="summary.json", key="dl_summary")


def county_frame(problem, sol) -> pd.DataFrame:
    c = problem.counties.set_index("adcode")
    out = pd.DataFrame({"adcode": c.index, "county": c["county"].to_numpy(),
                        "prefecture": c["prefecture_adcode"].map(problem.names).to_numpy(),
                        "lon": c["lon"].to_numpy(), "lat": c["lat"].to_numpy()})
    tech = sol.school_allocation.groupby("adcode")["trainees"].sum()
    proj = sol.project_allocation.groupby("adcode")["trainees"].sum()
    out["tech"] = out["adcode"].map(tech).fillna(0).astype(int)
    out["project"] = out["adcode"].map(proj).fillna(0).astype(int)
    return out


# -- 3. compare ----------------------------------------------------------------------------------------

def compare_page() -> None:
    """Two scenarios side by side: key figures, a difference map, the largest changes."""
    from optimizer.analysis.compare import compare

    st.title(t("page_compare"))
    files = scenario_files()
    left, right = st.columns(2)
    a = left.selectbox(t("scenario_a"), files, index=files.index("baseline.yaml"), key="cmp_a")
    b = right.selectbox(t("scenario_b"), files, index=files.index("capacity_loss.yaml"), key="cmp_b")
    if not st.button(t("compare"), key="compare_button", type="primary") and "cmp_done" not in st.session_state:
        return
    st.session_state["cmp_done"] = True
    sa, sb = solve_with_spinner(a, "{}"), solve_with_spinner(b, "{}")
    for solved in (sa, sb):
        if solved.error or not solved.solution.ok:
            st.warning(f"{solved.scenario}: {solved.error or solved.solution.status}")
            show_not_solved(solved)
    if sa.error or sb.error:
        return
    c = compare((sa.scenario, sa.problem, sa.solution), (sb.scenario, sb.problem, sb.solution))
    st.dataframe(c.figures.astype(str), hide_index=True, key="cmp_figures")
    if sa.solution.ok and sb.solution.ok:
        fa, fb = county_frame(sa.problem, sa.solution), county_frame(sb.problem, sb.solution)
        diff = fa[["adcode", "county", "prefecture", "lon", "lat"]].copy()
        diff["difference"] = (fb["tech"] + fb["project"]) - (fa["tech"] + fa["project"])
        st.subheader(t("difference_map"))
        st.altair_chart(charts.county_map(diff, "difference", "B − A", diverging=True), key="cmp_map")
    st.subheader(t("largest_changes"))
    tabs = st.tabs(["school", "prefecture", "county", "course"])
    for tab, frame in zip(tabs, (c.by_school, c.by_prefecture, c.by_county, c.by_course), strict=True):
        with tab:
            st.dataframe(frame, hide_index=True)
    st.download_button(f"{t('download')} comparison.json", c.to_json(), file_name="comparison.json",
                       key="dl_comparison")


# -- 4. procurement ------------------------------------------------------------------------------------

def procurement_page() -> None:
    """Lots and their shortlists, reasons for every exclusion, flags, the score breakdown; export."""
    from pydantic import ValidationError

    from optimizer.procurement.shortlist import ShortlistParams, shortlist

    st.title(t("page_procurement"))
    scenario, overrides = scenario_sidebar("proc")
    method = st.radio(t("method"), ["consultation", "negotiation"], horizontal=True, key="proc_method", format_func=t)
    c1, c2, c3 = st.columns(3)
    price = c1.slider(t("price_weight"), 0.0, 1.0, 0.30, 0.05, key="proc_price")
    share = c2.slider(t("capacity_share"), 0.05, 1.0, 1.0, 0.05, key="proc_share")
    minimum = c3.number_input(t("min_suppliers"), 1, 10, 3, key="proc_min")
    try:
        params = ShortlistParams(method=method, price_weight=price, capacity_share=share, min_suppliers=int(minimum),
                                 technical_weights={"capacity_margin": 30.0, "distance": 20.0,
                                                    "teachers_per_class": max(0.0, 50.0 - price * 100)}
                                 if method == "consultation" else {})
        st.caption("技术分 technical points: capacity margin 30, distance 20, teachers per class "
                   f"{params.technical_weights.get('teachers_per_class', 0):g}")
    except ValidationError as exc:
        for err in exc.errors():
            st.error(err["msg"].removeprefix("Value error, "))
        return
    solved = solve_with_spinner(scenario, overrides)
    if show_not_solved(solved):
        return
    result = shortlist(solved.problem, solved.solution, params)
    summary = result.summary
    f1, f2, f3 = st.columns(3)
    prefs = f1.multiselect(t("prefecture"), sorted(summary["area"].unique()), key="proc_pref")
    groups = f2.multiselect(t("group"), sorted(summary["group"].unique()), key="proc_group")
    flagged = f3.checkbox(t("only_flagged"), key="proc_flagged")
    shown = summary
    if prefs:
        shown = shown[shown["area"].isin(prefs)]
    if groups:
        shown = shown[shown["group"].isin(groups)]
    if flagged:
        shown = shown[shown["flag"] != ""]
    st.metric(t("lots"), f"{len(shown)} / {len(summary)}",
              f"{int((summary['flag'] != '').sum())} < {params.min_suppliers}", delta_color="inverse")
    st.dataframe(shown, hide_index=True, key="proc_summary")
    if shown.empty:
        return
    lot = st.selectbox(t("lot"), list(shown["lot"]), key="proc_lot")
    st.subheader(f"{t('shortlist')}: {lot}")
    st.dataframe(result.entries[result.entries["lot"] == lot], hide_index=True, key="proc_entries")
    st.subheader(t("conflicts"))
    st.dataframe(result.conflicts, hide_index=True, key="proc_conflicts")
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="xlsxwriter",
                        engine_kwargs={"options": {"strings_to_formulas": False}}) as xw:
        summary.to_excel(xw, sheet_name="summary", index=False)
        result.entries.to_excel(xw, sheet_name="entries", index=False)
        result.conflicts.to_excel(xw, sheet_name="conflicts", index=False)
    st.download_button(t("export_xlsx"), buffer.getvalue(), file_name="shortlists.xlsx", key="dl_shortlists")


# -- 5. county breakdown and export --------------------------------------------------------------------

@st.cache_data(show_spinner=False, max_entries=4)
def workbooks_zip(scenario: str, overrides: str, data_key: str, as_of: dt.date, _solved: Solved) -> dict[str, bytes]:
    """Every workbook of a solved scenario, as bytes by file name (cached per scenario and date)."""
    import tempfile

    from optimizer.outputs.breakdown import county_breakdown
    from optimizer.outputs.workbook import export_workbooks

    b = county_breakdown(_solved.plan, _solved.problem, _solved.solution)
    with tempfile.TemporaryDirectory() as tmp:
        paths = export_workbooks(Path(tmp) / "out", b, _solved.plan, _solved.scenario, _solved.problem.params, as_of,
                                 input_id=_solved.input_id)
        return {p.name: p.read_bytes() for p in paths}


def export_page() -> None:
    """Pick a prefecture, preview its workbook, download it or all of them."""
    st.title(t("page_export"))
    scenario, overrides = scenario_sidebar("exp")
    solved = solve_with_spinner(scenario, overrides)
    if show_not_solved(solved):
        return
    as_of = st.date_input(t("as_of"), value=solved.plan.notice.date, key="as_of")
    left = (solved.plan.notice.breakdown_due - as_of).days
    (st.warning if left >= 0 else st.error)(
        t("deadline_banner", n=left) if left >= 0 else t("deadline_passed", n=-left))
    books = workbooks_zip(scenario, overrides, source_key(current_source()), as_of, solved)
    names = sorted(n for n in books if n.endswith(".xlsx"))
    choice = st.selectbox(t("prefecture"), names, key="exp_pref", format_func=lambda n: n.removesuffix(".xlsx"))
    workbook = pd.read_excel(io.BytesIO(books[choice]), sheet_name=None, header=None)
    sheet = st.selectbox(t("preview"), list(workbook), key="exp_sheet")
    st.dataframe(workbook[sheet].fillna(""), hide_index=True, key="exp_preview")
    st.download_button(t("prefecture_workbook"), books[choice], file_name=choice, key="dl_workbook",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in sorted(books.items()):
            z.writestr(name, data)
    st.download_button(t("all_workbooks"), buffer.getvalue(), file_name="county_breakdown.zip", key="dl_zip",
                       mime="application/zip")


# -- 6. sweep ------------------------------------------------------------------------------------------

def sweep_page() -> None:
    """Choose a parameter and a range, run with a progress bar, see the plot and the table."""
    from optimizer.analysis.sweep import DEFAULT_CACHE, FIGURES, SWEEPABLE, run_sweep, sweep_table

    st.title(t("page_sweep"))
    files = scenario_files()
    scenario = st.selectbox(t("scenario"), files, index=files.index("baseline.yaml"), key="sw_scenario")
    c1, c2, c3, c4 = st.columns(4)
    param = c1.selectbox(t("sweep_param"), SWEEPABLE, key="sw_param")
    start = c2.number_input(t("sweep_from"), value=0.6, key="sw_from")
    stop = c3.number_input(t("sweep_to"), value=0.9, key="sw_to")
    step = c4.number_input(t("sweep_step"), value=0.1, min_value=0.001, key="sw_step")
    if not st.button(t("run_sweep"), key="run_sweep", type="primary"):
        return
    from optimizer.analysis.sweep import parse_param

    try:
        params = [parse_param(f"{param}={start}:{stop}:{step}")]
    except InputError as exc:
        show_problems(exc, "sweep")
        return
    bar = st.progress(0.0, text=t("solving"))
    try:
        results = run_sweep(SCENARIO_DIR / scenario, params, workers=2, cache_dir=DEFAULT_CACHE, progress=False,
                            on_progress=lambda done, total: bar.progress(done / total, text=f"{done}/{total}"))
    except InputError as exc:
        show_problems(exc, "sweep")
        return
    except Exception:  # a friendly message on the page, the details in the server's log
        logging.getLogger(__name__).exception("sweep failed")
        st.error(catalogue_msg("limits.ui_failed"))
        return
    table = sweep_table(results)
    figure = st.selectbox(t("figure"), FIGURES, key="sw_figure")
    st.altair_chart(charts.sweep_chart(table, param, figure), key="sweep_chart")
    st.dataframe(table, hide_index=True, key="sweep_table")
    st.download_button(f"{t('download')} sweep.csv", csv_bytes(table), file_name="sweep.csv", key="dl_sweep")
