"""Page functions for ``app.py`` (``st.navigation``). They call the package and hold no model logic."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import re
import tempfile
import zipfile
from dataclasses import dataclass
from numbers import Integral, Real
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from optimizer.data.check import Finding, check_plan_consistency
from optimizer.data.loader import PlanData, load_plan
from optimizer.data.schema import ANNEX1_COLUMNS, ANNEX5_COLUMNS, SCHEMAS
from optimizer.errors import InputError
from optimizer.messages import msg as catalogue_msg
from optimizer.messages import numbers
from optimizer.ui import charts
from optimizer.ui.i18n import bilingual, column_label, has, lang, localise, scenario_title, t
from optimizer.ui.state import (
    CONTROL_KEYS,
    NO_SCHOOL,
    WEIGHT_KEYS,
    Solved,
    changed_keys,
    current_source,
    effective_settings,
    explain_county_hook,
    from_query,
    overrides_of,
    plan_for,
    scenario_choices,
    scenario_key,
    scenario_path,
    shipped_scenarios,
    solve_now,
    source_key,
    to_query,
    user_scenario_dir,
)

SOLVER_NAMES = {"highs": "HiGHS", "cbc": "CBC"}
HIGHLIGHT = {"error": "background-color: #f8d0d0", "warning": "background-color: #fbe8b0",
             "info": "background-color: #d8e8f8"}
ASSUMED_TABLES = ["courses", "institutions", "offers", "units", "unit_scope", "unit_counties", "profession_focus",
                  "debarments", "profession_groups"]


# -- shared pieces -------------------------------------------------------------------------------------

def shown_as(mapping: dict) -> Any:
    """A widget's format function from labels worked out now, in this run's language (a format function
    may be called outside the script run, where the session's language is not known)."""
    return lambda value: mapping.get(value, str(value))


def problem_text(p) -> str:
    """One input problem as a sentence in the session's language (``Problem`` words itself from the catalogue)."""
    return str(p)


def as_code(text: object) -> str:
    """User text as a Markdown code span, shown literally: a fence longer than any run of backticks inside,
    so a value can never close it and become Markdown (a link, an image fetched from elsewhere) or HTML."""
    text = str(text).replace("\n", " ")
    runs = [len(r) for r in "".join(c if c == "`" else " " for c in text).split()]
    fence = "`" * (max(runs, default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def show_problems(exc: InputError, title: str) -> None:
    st.error(t("problems", title=title, n=len(exc.problems)))
    for p in exc.problems[:12]:
        st.markdown(f"- {as_code(problem_text(p))}")


def current_plan() -> PlanData | None:
    try:
        return plan_for(current_source())
    except InputError as exc:
        show_problems(exc, t("data_unreadable"))
        return None


# Numeric columns that are codes or ranks, not amounts: shown as they are (no thousands separator).
NOT_AMOUNTS = {"seq", "rank", "adcode", "county_adcode", "year", "lot"}
SHARES = {"utilisation"}  # fractions shown as percentages (0.793 → 79.30%)
MISSING = "—"  # an empty cell (Streamlit's own word for one is the English "None")


def amount_columns(frame: pd.DataFrame) -> dict[str, Any]:
    """Column settings that print a table's amounts with thousands separators (5,669,060, not 5669060); the
    keys are the frame's own (untranslated) column names."""
    return {c: st.column_config.NumberColumn(format="percent" if c in SHARES else "localized") for c in frame.columns
            if c not in NOT_AMOUNTS and pd.api.types.is_numeric_dtype(frame[c])
            and not pd.api.types.is_bool_dtype(frame[c])}


def show_table(frame: pd.DataFrame, key: str | None = None, **kwargs: Any) -> None:
    """A table with translated headers, amounts with separators, empty cells as a dash, the width of the page,
    scrolling instead of cutting."""
    config = {column_label(c): v for c, v in amount_columns(frame).items()}
    st.dataframe(localise(frame), hide_index=True, key=key, width="stretch", placeholder=MISSING,
                 column_config=config, **kwargs)


# -- scenario settings in the sidebar ------------------------------------------------------------------

@dataclass
class Settings:
    """What the sidebar stands for: a scenario, its effective values, the controls' values, the difference."""

    scenario: str
    base: dict[str, Any]
    values: dict[str, Any]
    changed: list[str]
    overrides: str  # JSON for run_scenario

    @property
    def request(self) -> tuple[str, str, str]:
        return (self.scenario, self.overrides, source_key(current_source()))


@st.cache_data(show_spinner=False, max_entries=32)
def _effective(name: str, content: str, data_key: str, _plan: PlanData) -> dict[str, Any]:
    """Cached effective settings of a scenario (``content`` and ``data_key`` make the cache key)."""
    return effective_settings(name, _plan)


def base_settings(name: str, plan: PlanData) -> dict[str, Any]:
    return _effective(name, scenario_key(name), source_key(current_source()), plan)


def _set_controls(values: dict[str, Any]) -> None:
    for key in CONTROL_KEYS:
        st.session_state[key] = values[key]


def _on_scenario_change(plan: PlanData) -> None:
    """Picking a scenario sets every control to its effective values."""
    _set_controls(base_settings(st.session_state["scenario"], plan))


def _initialise(plan: PlanData, choices: list[str]) -> None:
    """First run of a session: the scenario and settings from the URL, else the baseline's."""
    if st.session_state.get("scenario") in choices and all(k in st.session_state for k in CONTROL_KEYS):
        return
    query = st.session_state.get("_url", {})
    scenario = query.get("scenario", "").removesuffix(".yaml")
    st.session_state["scenario"] = scenario if scenario in choices else "baseline"
    base = base_settings(st.session_state["scenario"], plan)
    values, bad = from_query(query, base, set(plan.institutions["code"]))
    if scenario and scenario not in choices:
        bad.insert(0, f"scenario={scenario}")
    st.session_state["_url_bad"] = bad
    _set_controls(values)


def scenario_sidebar(plan: PlanData) -> Settings:
    """Scenario choice and its settings in the sidebar; the URL follows them."""
    choices = scenario_choices()
    _initialise(plan, choices)
    mine = set(choices) - set(shipped_scenarios())
    sb = st.sidebar
    sb.selectbox(t("scenario"), choices, key="scenario", on_change=_on_scenario_change, args=(plan,),
                 format_func=shown_as({s: scenario_title(s) + (t("user_scenario") if s in mine else "")
                                       for s in choices}))
    for bad in st.session_state.get("_url_bad", []):
        sb.warning(t("bad_link", what=bad))
    sb.markdown(f"**{t('settings')}**")
    sb.slider(t("cert_share"), 0.0, 1.0, step=0.05, key="cert_share")
    sb.slider(t("band_delta"), 0.0, 1.0, step=0.05, key="band_delta")
    schools = plan.institutions.set_index("code")["name"].to_dict()
    sb.selectbox(t("capacity_school"), [NO_SCHOOL, *schools], key="capacity.institution",
                 format_func=shown_as({NO_SCHOOL: t("none"), **schools}))
    sb.slider(t("capacity_change"), -100, 100, step=5, key="capacity.percent")
    sb.multiselect(t("excluded"), list(schools), key="excluded", placeholder=t("choose"), format_func=shown_as(schools))
    with sb.expander(t("weights")):
        for key in WEIGHT_KEYS:
            st.number_input(t(f"w_{key.split('.')[1]}"), 0.0, 100.0, step=0.1, key=key)
    sb.selectbox(t("solver"), ["highs", "cbc"], key="solver", format_func=SOLVER_NAMES.get)
    sb.number_input(t("time_limit"), 1.0, 3600.0, step=10.0, key="time_limit")
    scenario = st.session_state["scenario"]
    base = base_settings(scenario, plan)
    values = {k: st.session_state[k] for k in CONTROL_KEYS}
    changed = changed_keys(values, base)
    st.query_params.from_dict({"scenario": scenario, **to_query(values, changed)})
    return Settings(scenario, base, values, changed, json.dumps(overrides_of(values, base), sort_keys=True))


def describe_changes(settings: Settings, plan: PlanData) -> str:
    """The controls that differ from the scenario, as 'label value' in the session's language."""
    if not settings.changed:
        return t("as_scenario")
    names = plan.institutions.set_index("code")["name"].to_dict()
    parts = []
    for key in settings.changed:
        value = settings.values[key]
        if key == "excluded":
            parts.append(f"{t('param.excluded')} {'、'.join(names.get(c, c) for c in value) or t('none')}")
        elif key == "capacity.institution":
            continue
        elif key == "capacity.percent":
            parts.append(f"{names.get(settings.values['capacity.institution'], '')} {t('param.capacity_changes')} "
                         f"{value:+d}%")
        elif key == "solver":
            parts.append(f"{t('param.solver')} {SOLVER_NAMES.get(value, value)}")
        else:
            parts.append(f"{t('param.' + key)} {value:g}")
    return t("changed", changes="；".join(parts) if lang() == "zh" else "; ".join(parts))


def save_sidebar(settings: Settings) -> None:
    """Save the sidebar's settings as a scenario in the user's own folder; never over a shipped scenario,
    and over one of the user's own only when they tick overwrite."""
    from optimizer.data.scenario import SAFE_NAME, save_scenario

    with st.sidebar.expander(t("save_scenario")):
        folder = user_scenario_dir()
        st.caption(t("save_where", folder=str(folder)))
        name = st.text_input(t("save_as"), key="save_name").strip()
        overwrite = st.checkbox(t("save_overwrite"), key="save_overwrite")
        if not st.button(t("save"), key="save_button"):
            return
        if not re.fullmatch(SAFE_NAME, name):
            st.error(t("save_bad_name"))
            return
        if name in shipped_scenarios():
            st.error(t("save_shipped", name=name))
            return
        if (folder / f"{name}.yaml").exists() and not overwrite:
            st.error(t("save_exists", name=name))
            return
        folder.mkdir(parents=True, exist_ok=True)
        overrides = json.loads(settings.overrides)
        if "capacity_changes" in overrides:
            overrides["capacity"] = overrides.pop("capacity_changes")
        try:
            path = save_scenario(name, overrides, base=str(scenario_path(settings.scenario).resolve()),
                                 folder=folder)
        except InputError as exc:
            st.error("；".join(problem_text(p) for p in exc.problems))
            return
        st.success(t("saved", path=str(path)))


def solve_with_spinner(scenario: str, overrides: str) -> Solved:
    with st.spinner(t("solving")):
        return solve_now(scenario, current_source(), overrides)


def diagnosis_lines(solved: Solved) -> list[str]:
    """The diagnosis in the session's language: built from its tables (names, not codes) in Chinese."""
    from optimizer.model.diagnose import issue_text

    d = solved.solution.diagnosis
    names = solved.problem.names  # rebuilt in both languages: a cached solve may have been made in the other
    lines = []
    short = d.shortfalls
    if not short.empty:
        have = int(d.blocking["capacity"].sum()) if not d.blocking.empty else 0
        lines.append(t("diag.summary", n=len(short), need=numbers.count(short["needed"].sum()),
                       have=numbers.count(have), short=numbers.count(short["shortfall"].sum())))
        short_prefectures = set(short.loc[short["demand"] == "pref", "code"])
        if short_prefectures and short_prefectures == set(solved.problem.targets["prefecture"]):
            lines.append(t("diag.province"))  # every prefecture short: a province-wide shortage (R4)
        for r in short.sort_values("shortfall", ascending=False).itertuples():
            if r.shortfall > 0:
                lines.append(t("diag.line", name=demand_name(r.demand, r.code, names), need=numbers.count(r.needed),
                               got=numbers.count(r.received), short=numbers.count(r.shortfall)))
    elif d.issues:
        lines += [issue_text(i, solved.problem) for i in d.issues]  # in the session's language
    elif d.messages:
        lines.append(t("diag.precheck", n=len(d.messages)))
    if not d.violations.empty and short.empty:
        rows = "；".join(f"{constraint_name(r.kind, r.codes, names)}{t('diag.' + r.direction)} "
                        f"{numbers.count(r.amount)}" for r in d.violations.head(5).itertuples())
        lines.append(t("diag.elastic", rows=rows))
    return lines


def demand_name(kind: str, code: str, names: dict[str, str]) -> str:
    """A flow-network demand (kind, code) named in words."""
    parts = code.split("/")
    n = [names.get(p, p) for p in parts]
    if kind == "pref":
        return t("diag.pref", name=n[0])
    if kind == "plan" and len(n) > 1:
        return t("diag.plan", unit=n[0], pref=n[1])
    if kind == "unit_cert":
        return t("diag.cert", name=n[0])
    if kind == "unit_rest":
        return t("diag.other", name=n[0])
    return t("diag.quota", name=n[0])


def constraint_name(kind: str, codes: list[str], names: dict[str, str]) -> str:
    """An LP row in words, from its kind (target, quota, quota_hi, cap …) and its codes (the diagnosis's table
    carries both; the row's solver name is never parsed)."""
    label = "·".join(names.get(c, c) for c in codes if c)
    return t(f"con.{kind}", name=label) if has(f"con.{kind}") else label


def show_not_solved(solved: Solved) -> bool:
    """Explain a scenario that has no allocation; True when there is nothing more to show."""
    if solved.error:
        st.error(solved.error)
        return True
    sol = solved.solution
    if sol.status == "infeasible":
        st.error(t("infeasible", scenario=scenario_title(solved.scenario)))
        show_diagnosis(solved)
        return True
    if not sol.ok:
        st.error(t("stopped", why=t(f"status.{sol.status}") if has(f"status.{sol.status}") else sol.status))
        return True
    return False


def show_diagnosis(solved: Solved) -> None:
    d, names = solved.solution.diagnosis, solved.problem.names
    st.markdown(f"**{t('diagnosis')}**")
    for line in diagnosis_lines(solved):
        st.markdown(f"- {line}")
    if lang() == "zh" and d.shortfalls.empty and d.messages:
        with st.expander("English"):
            for line in d.messages:
                st.markdown(f"- {line}")
    if not d.shortfalls.empty:
        st.caption(t("shortfalls"))
        short = d.shortfalls.assign(demand=[demand_name(k, c, names) for k, c in zip(d.shortfalls["demand"],
                                                                                        d.shortfalls["code"],
                                                                                        strict=True)])
        show_table(short.drop(columns=["code", "name"]), key="diag_shortfalls")
    if not d.blocking.empty:
        st.caption(t("blocking"))
        show_table(d.blocking, key="diag_blocking")
    if not d.violations.empty:
        st.caption(t("violations"))
        v = d.violations.assign(constraint=[constraint_name(k, c, names) for k, c in
                                            zip(d.violations["kind"], d.violations["codes"], strict=True)],
                                direction=d.violations["direction"].map(lambda s: t(f"diag.{s}")))
        v = v.drop(columns=["family", "kind", "codes"], errors="ignore")
        show_table(v, key="diag_violations")


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
    source = t("shipped_data") if not st.session_state.get("uploads") else t("upload_ok")
    st.caption(f"{t('source')}: {source} · {plan.notice.number}")
    if findings:
        st.warning(t("findings_banner", n=len(findings)))
    for note in plan.notes:
        st.info(note)
    annex_tabs(plan, findings)
    st.header(t("findings"))
    findings_section(findings, plan.units.set_index("code")["name"].to_dict())
    st.header(t("assumed_inputs"))
    upload_section(plan)


def annex_tabs(plan: PlanData, findings: list[Finding]) -> None:
    tabs = st.tabs([t("annex", n=i) for i in range(1, 6)])
    with tabs[0]:
        unit = st.radio(t("unit"), ["wan", "persons"], horizontal=True, key="annex1_unit",
                        format_func=shown_as({"wan": t("wan_persons_unit"), "persons": t("persons_unit")}))
        frame = plan.annex1 if unit == "wan" else plan.annex1_persons()
        table = frame.set_index("label")[[f"col{i}" for i in range(1, 10)]].astype(str)
        table.columns = [str(i) for i in range(1, 10)]
        st.dataframe(_highlight(table, findings, "annex1"), key="annex1_table", width="stretch")
        st.caption(" · ".join(f"{i}: {bilingual(v)}" for i, v in enumerate(ANNEX1_COLUMNS.values(), start=1)))
    with tabs[1]:
        a2 = plan.annex2[["seq", "school", "quota_wan", "quota"]].astype({"quota_wan": str})
        a2.columns = [t("col.seq"), column_label("school"), t("wan_persons_unit"), t("persons_unit")]
        st.dataframe(a2, hide_index=True, key="annex2_table", width="stretch")
        st.caption(f"{t('total')}: {plan.annex2_total_wan} {t('wan_persons_unit')}")
    with tabs[2]:
        show_table(plan.annex3.fillna(""), key="annex3_table")
    with tabs[3]:
        wide = plan.annex4.pivot(index="label", columns="header", values="trainees")
        wide = wide.loc[list(dict.fromkeys(plan.annex4["label"])), list(dict.fromkeys(plan.annex4["header"]))]
        wide["全省合计"] = plan.annex4_row_totals.set_index("label")["printed"]
        wide.columns.name = None
        wide.index.name = None
        st.dataframe(_highlight(wide.astype(str), findings, "annex4"), key="annex4_table", width="stretch")
    with tabs[4]:
        a5 = plan.annex5.set_index("label")[list(ANNEX5_COLUMNS)]
        a5.loc["合计"] = [plan.annex5_totals.get(k) for k in ANNEX5_COLUMNS]
        labels = {k: bilingual(v) for k, v in ANNEX5_COLUMNS.items()}
        st.dataframe(_highlight(a5.astype(str), findings, "annex5", labels), key="annex5_table", width="stretch")


def _highlight(table: pd.DataFrame, findings: list[Finding], name: str, labels: dict[str, str] | None = None):
    """The table styled with the findings' colours; ``labels`` renames columns for display."""
    labels = labels or {}
    cells = {(f.row, labels.get(f.column, f.column)): HIGHLIGHT[f.severity] for f in findings
             if f.table == name and f.row in table.index and f.column in table.columns}
    table = table.rename(columns=labels)
    table.index.name = None

    def style(frame: pd.DataFrame) -> pd.DataFrame:
        out = pd.DataFrame("", index=frame.index, columns=frame.columns)
        for (row, column), css in cells.items():
            out.loc[row, column] = css
        return out

    return table.style.apply(style, axis=None)


def findings_table(findings: list[Finding], names: dict[str, str]) -> pd.DataFrame:
    """Findings as a reader sees them: the rule's title, where, expected and found (English: the message)."""
    frame = pd.DataFrame([f.to_dict() for f in findings])
    for col in ("expected", "found"):  # persons with separators (10,100), names as they are
        frame[col] = frame[col].map(lambda v: f"{v:,}" if isinstance(v, Integral) and not isinstance(v, bool)
                                    else str(v))
    frame["rule"] = frame["rule"].map(lambda r: t(f"rule.{r}") if has(f"rule.{r}") else r)
    frame["severity"] = frame["severity"].map(lambda s: t(f"sev.{s}"))
    frame["table"] = frame["table"].map(lambda n: t("annex", n=n[-1]) if re.fullmatch(r"annex\d", n) else n)
    frame["column"] = frame["column"].map(lambda c: column_label(c) if has(f"col.{c}") else c)
    frame["row"] = frame["row"].map(lambda r: names.get(r, r))
    frame["difference"] = frame["difference"].map(lambda d: "—" if d is None or pd.isna(d) else f"{int(d):+,}")
    keep = ["severity", "rule", "table", "row", "column", "expected", "found", "difference"]
    if lang() == "en":
        keep.append("message")
    return frame[keep]


def findings_section(findings: list[Finding], names: dict[str, str]) -> None:
    if not findings:
        st.success(t("no_findings"))
        return
    counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
    for col, (severity, n) in zip(st.columns(3), counts.items(), strict=True):
        col.metric(t(f"sev.{severity}"), n)
    chosen = st.multiselect(t("severity"), list(counts), default=list(counts), key="severity_filter",
                            placeholder=t("choose"),
                            format_func=shown_as({s: t(f"sev.{s}") for s in counts}))
    shown = [f for f in findings if f.severity in chosen]
    if shown:
        frame = findings_table(shown, names)
        st.dataframe(frame.rename(columns={c: column_label(c) for c in frame.columns}), hide_index=True,
                     placeholder=MISSING,
                     key="findings_table", width="stretch")
    st.download_button(t("download", file="findings.json"),
                       json.dumps([f.to_dict() for f in findings], ensure_ascii=False, indent=2),
                       file_name="findings.json", mime="application/json", key="download_findings")


def upload_section(plan: PlanData | None = None) -> None:
    """Each assumed table: view and edit, replace by an upload, or download a blank template.

    A rejected upload is cleared from the uploader (a new uploader key) and its error stays on the page
    until the next upload of that table."""
    from optimizer.data.templates import write_csv_template

    name = st.selectbox(t("table"), ASSUMED_TABLES, key="assumed_table",
                        format_func=shown_as({n: bilingual(SCHEMAS[n].title) for n in ASSUMED_TABLES}))
    generation = st.session_state.setdefault("upload_generation", {}).get(name, 0)
    key = f"upload_{name}" if not generation else f"upload_{name}_{generation}"  # a new key empties the uploader
    file = st.file_uploader(t("upload"), type=["csv", "xlsx"], key=key)
    if file is not None and st.session_state.get(f"done_{name}") != file.file_id:
        st.session_state[f"done_{name}"] = file.file_id
        apply_table(name, file.name, file.getvalue())
        if name in st.session_state.get("upload_errors", {}):
            st.session_state["upload_generation"][name] = generation + 1
            st.rerun()
    error = st.session_state.get("upload_errors", {}).get(name)
    if error:
        st.error(t("upload_bad", file=error["file"]))
        for line in error["lines"]:
            st.markdown(f"- {as_code(line)}")
    if plan is not None:
        frame = _frame_of(plan, name)
        edited = st.data_editor(frame, num_rows="dynamic", hide_index=True, key=f"editor_{name}", width="stretch",
                                placeholder="", column_config=editor_columns(frame, plan))
        if st.button(t("apply_edits"), key=f"apply_{name}"):
            apply_table(name, f"{name}.csv", edited.to_csv(index=False).encode("utf-8"))
    if st.session_state.get("uploads"):
        st.info(t("upload_used", tables="、".join(bilingual(SCHEMAS[n].title) for n in st.session_state["uploads"])))
        if st.button(t("reset_data"), key="reset_data"):
            st.session_state["uploads"] = {}
            st.rerun()
    with tempfile.TemporaryDirectory(prefix="yunnan-plan-template-") as private:  # 0700, removed at once
        path = Path(private) / f"{name}.csv"
        write_csv_template(SCHEMAS[name], path)
        template = path.read_bytes()
    st.download_button(t("template", file=f"{name}.csv"), template, file_name=f"{name}.csv",
                       mime="text/csv", key=f"template_{name}")


def editor_columns(frame: pd.DataFrame, plan: PlanData) -> dict[str, Any]:
    """The data editor's columns: a column holding another table's codes shows their names (建筑施工, not
    construction) and offers them in a list; the table keeps the codes."""
    groups = plan.groups.set_index("code")["name"].to_dict()
    names = {"group": groups, "major": groups,
             "institution": plan.institutions.set_index("code")["name"].to_dict(),
             "unit": plan.units.set_index("code")["name"].to_dict(),
             "course": {r.code: f"{r.profession}（{r.level}）" if r.level else r.profession
                        for r in plan.courses.itertuples()}}
    config: dict[str, Any] = {}
    for c in frame.columns:
        if c in names:
            config[c] = st.column_config.SelectboxColumn(column_label(c), options=list(names[c]),
                                                         format_func=shown_as(names[c]))
        else:
            config[c] = st.column_config.Column(label=column_label(c))
    return config


def apply_table(name: str, filename: str, data: bytes) -> None:
    """Validate a replacement table with the same loader as the command line; keep it only if valid.
    The outcome is kept in session state so it outlives the next click."""
    errors = st.session_state.setdefault("upload_errors", {})
    uploads = dict(st.session_state.get("uploads", {}))
    uploads[name] = (filename, data)
    source = tuple((n, *uploads[n]) if n in uploads else (n, f, d) for n, f, d in current_source())
    try:
        load_plan({n: (f, d) for n, f, d in source})
    except InputError as exc:
        errors[name] = {"file": filename, "lines": [problem_text(p) for p in exc.problems[:20]]}
        return
    errors.pop(name, None)
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
    """Solve a scenario (with the sidebar's settings) and see the allocation, named and marked stale when the
    settings on screen are not the ones it was solved with."""
    st.title(t("page_allocate"))
    plan = current_plan()
    if plan is None:
        return
    settings = scenario_sidebar(plan)
    save_sidebar(settings)
    if st.button(t("solve"), key="solve", type="primary"):
        st.session_state["alloc_result"] = {"request": settings.request, "settings": settings,
                                            "solved": solve_with_spinner(settings.scenario, settings.overrides)}
    held = st.session_state.get("alloc_result")
    if not held:
        st.info(t("press_solve"))
        return
    solved, scenario = held["solved"], held["request"][0]
    if held["request"] != settings.request:
        st.warning(t("stale", changes=describe_changes(settings, plan)))
    banner = f"{t('result_of', scenario=scenario_title(scenario))} · {describe_changes(held['settings'], plan)}"
    if solved.input_id:
        banner += f" · {t('input_id', id=solved.input_id)}"
    st.info(banner)
    if show_not_solved(solved):
        return
    show_allocation(solved)


def result_banner(settings: Settings, plan: PlanData, solved: Solved) -> None:
    """Which result this is: the scenario, the settings that differ from it, the input ID."""
    banner = f"{t('result_of', scenario=scenario_title(settings.scenario))} · {describe_changes(settings, plan)}"
    if solved.input_id:
        banner += f" · {t('input_id', id=solved.input_id)}"
    st.info(banner)


def key_figures(solved: Solved) -> None:
    """Objective, costs, trainee-km and utilisation in 万元 / 万, two rows so they stay readable at 768 px."""
    s = solved.solution.summary
    load = solved.solution.institution_load
    top = st.columns(3)
    top[0].metric(t("objective"), numbers.yuan(s["objective"]))
    top[1].metric(t("cost"), numbers.yuan(s["objective_terms"]["cost"]))
    top[2].metric(t("travel"), numbers.yuan(s["objective_terms"]["travel"]))
    low = st.columns(3)
    km = s["trainee_km"]
    low[0].metric(t("trainee_km"), t("metric_km", n=f"{km / 10_000:,.1f}") if lang() == "zh" else f"{km:,.0f}")
    low[1].metric(t("utilisation"), numbers.share(load["used"].sum() / load["capacity"].sum()))
    low[2].metric(t("tech"), numbers.persons(int(solved.solution.school_allocation["trainees"].sum())))


def show_allocation(solved: Solved) -> None:
    sol, problem = solved.solution, solved.problem
    s = sol.summary
    if solved.violations:
        st.error(t("violations_found", what="; ".join(str(v) for v in solved.violations[:5])))
    else:
        gap = f"{s['integer_gap']:.1e}"
        st.success(f"{t('verified')} · {t('solver_line', solver=SOLVER_NAMES.get(s['solver'], s['solver']), gap=gap)}")
    key_figures(solved)
    st.subheader(t("map"))
    metric = st.radio(t("map_metric"), ["tech", "project"], horizontal=True, key="map_metric",
                      format_func=shown_as({m: t(m) for m in ("tech", "project")}))
    frame = county_frame(problem, sol)
    boundaries = county_boundaries(problem)
    title = f"{t(metric)}（{t('trainees_unit')}）" if lang() == "zh" else f"{t(metric)} ({t('trainees_unit')})"
    chart = charts.county_map(frame, metric, title, boundaries, labels=(column_label("county"),
                                                                         column_label("prefecture")), select=True)
    event = st.altair_chart(chart, key="county_map", on_select="rerun", selection_mode="county", width="stretch")
    explain_section(solved, frame, picked_county(event))
    st.subheader(t("flows"))
    flows = sol.school_allocation.groupby(["school", "prefecture"], as_index=False)["trainees"].sum()
    st.altair_chart(charts.flow_heatmap(flows, t("trainees_unit")), key="flow_heatmap", width="stretch")
    st.subheader(t("capacity_table"))
    load = sol.institution_load
    st.altair_chart(charts.utilisation_bars(load, t("utilisation")), key="utilisation_chart", width="stretch")
    show_table(load.sort_values("shadow_price", ascending=False), key="load_table")
    st.subheader(t("cert_chart"))
    shares = pd.DataFrame([{"unit": problem.names[u], "share": v} for u, v in s["certificate_share"].items()])
    st.altair_chart(charts.cert_share_bars(shares, problem.params.cert_share, t("cert_share")), key="cert_chart",
                    width="stretch")
    st.subheader(t("tables"))
    for name, table in (("school_allocation", sol.school_allocation), ("project_allocation", sol.project_allocation),
                        ("institution_load", load), ("county_totals", frame)):
        st.download_button(t("download", file=f"{name}.csv"), csv_bytes(table), file_name=f"{name}.csv",
                           mime="text/csv", key=f"dl_{name}")
    st.download_button(t("download", file="summary.json"),
                       json.dumps({**s, "input_id": solved.input_id}, ensure_ascii=False, indent=2, default=str),
                       file_name="summary.json", key="dl_summary")


def county_boundaries(problem) -> dict | None:
    """The user's county GeoJSON (optional upload), matched by adcode; problems shown, never raised."""
    from optimizer.data.geo import load_county_geojson

    geo = st.file_uploader(t("geojson"), type=["geojson", "json"], key="geojson")
    if geo is None:
        st.caption(t("map_points"))
        return None
    try:
        loaded = load_county_geojson(geo.name, problem.counties, geo.getvalue())
    except InputError as exc:
        show_problems(exc, "GeoJSON")
        return None
    if loaded.missing:
        st.caption(t("map_missing", n=len(loaded.missing)))
    return loaded.geojson


def picked_county(event) -> str | None:
    """The adcode of the county clicked on the map, if any."""
    try:
        rows = event.selection["county"]
    except (AttributeError, KeyError, TypeError):
        return None
    for row in rows or []:  # Vega escapes the dot of a nested field: {"properties\\.adcode": "530111"}
        for key, code in row.items():
            if key.replace("\\", "").endswith("adcode") and code:
                return str(code)
    return None


def explain_section(solved: Solved, frame: pd.DataFrame, clicked: str | None) -> None:
    """A county picked on the map (or in the list) explained by ``explain_county`` (issue 13)."""
    names = dict(zip(frame["adcode"], frame["prefecture"] + " " + frame["county"], strict=True))
    codes = ["", *sorted(names, key=lambda c: names[c])]
    if clicked in names and clicked != st.session_state.get("_map_click"):  # a new click picks the county
        st.session_state["_map_click"] = clicked
        st.session_state["explain_county"] = clicked
    with st.expander(t("explain_county"), expanded=bool(st.session_state.get("explain_county"))):
        adcode = st.selectbox(t("explain_pick"), codes, key="explain_county",
                              format_func=shown_as({"": t("none"), **names}))
        if not adcode:
            return
        hook = explain_county_hook()
        if hook is None:
            st.info(t("explain_missing"))
            return
        st.markdown(hook(solved, adcode, lang()).text())


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
    """Two scenarios side by side: key figures, a difference map, the largest changes; an infeasible one
    shows its diagnosis instead."""
    from optimizer.analysis.compare import compare

    st.title(t("page_compare"))
    files = scenario_choices()
    left, right = st.columns(2)
    a = left.selectbox(t("scenario_a"), files, index=files.index("baseline"), key="cmp_a",
                        format_func=shown_as({s: scenario_title(s) for s in files}))
    b = right.selectbox(t("scenario_b"), files, index=files.index("capacity_loss"), key="cmp_b",
                        format_func=shown_as({s: scenario_title(s) for s in files}))
    if st.button(t("compare"), key="compare_button", type="primary"):
        st.session_state["cmp_request"] = (a, b)
    if "cmp_request" not in st.session_state:
        return
    a, b = st.session_state["cmp_request"]
    sa, sb = solve_with_spinner(a, "{}"), solve_with_spinner(b, "{}")
    st.info(f"{t('scenario_a')}：{scenario_title(a)} · {t('scenario_b')}：{scenario_title(b)}")
    bad = [s for s in (sa, sb) if s.error or not s.solution.ok]
    for solved in bad:
        st.warning(t("cmp_infeasible", scenario=scenario_title(solved.scenario)))
        show_not_solved(solved)
    if bad:
        return
    c = compare((sa.scenario, sa.problem, sa.solution), (sb.scenario, sb.problem, sb.solution))
    show_table(figures_table(c.figures), key="cmp_figures")
    fa, fb = county_frame(sa.problem, sa.solution), county_frame(sb.problem, sb.solution)
    diff = fa[["adcode", "county", "prefecture", "lon", "lat"]].copy()
    diff["difference"] = (fb["tech"] + fb["project"]) - (fa["tech"] + fa["project"])
    st.subheader(t("difference_map"))
    st.altair_chart(charts.county_map(diff, "difference", t("difference"), diverging=True,
                                      labels=(column_label("county"), column_label("prefecture"))),
                    key="cmp_map", width="stretch")
    st.subheader(t("largest_changes"))
    tabs = st.tabs([t("by_school"), t("by_prefecture"), t("by_county"), t("by_course")])
    for tab, frame in zip(tabs, (c.by_school, c.by_prefecture, c.by_county, c.by_course), strict=True):
        with tab:
            unit = f"（{t('trainees_unit')}）" if lang() == "zh" else f" ({t('trainees_unit')})"
            shown = frame.drop(columns=["code"])  # persons: the unit in the headers, as the figures table has it
            show_table(shown.rename(columns={c: column_label(c) + unit for c in ("a", "b", "difference")}))
    st.download_button(t("download", file="comparison.json"), c.to_json(), file_name="comparison.json",
                       key="dl_comparison")


MONEY_FIGURES = {"objective", "cost", "travel", "band", "mix", "lp_bound"}


def figure_label(figure: str) -> str:
    """A key figure's name and unit in the session's language ('cert_share u01 name' → the unit's share)."""
    if figure.startswith("cert_share "):
        parts = figure.split(" ", 2)
        return t("fig.cert_share_of", name=parts[2] if len(parts) > 2 and parts[2] else parts[1])
    return t(f"fig.{figure}") if has(f"fig.{figure}") else figure


def figures_table(figures: pd.DataFrame) -> pd.DataFrame:
    """Compare's key figures with names and units in the session's language (money in 万元)."""
    out = figures.copy()

    def cell(fig: str, value: object) -> str:
        if value is None or (isinstance(value, float) and pd.isna(value)) or value == "":
            return "—"
        if fig == "status":
            return t(f"status.{value}") if has(f"status.{value}") else str(value)
        if fig in MONEY_FIGURES and isinstance(value, int | float):
            return f"{value / 10_000:,.2f}"
        if fig.startswith("cert_share") or fig in ("capacity_utilisation", "min_cert_share"):
            return f"{value:.1%}" if isinstance(value, int | float) else str(value)
        if isinstance(value, float):
            return f"{value:,.4g}" if abs(value) < 10 else f"{value:,.0f}"
        return str(value)

    for col in ("a", "b", "difference"):
        out[col] = [cell(f, v) for f, v in zip(out["figure"], out[col], strict=True)]
    out["figure"] = out["figure"].map(figure_label)
    return out


# -- 4. procurement ------------------------------------------------------------------------------------

@dataclass
class ProcurementView:
    result: object  # optimizer.procurement.shortlist.ShortlistResult
    excel: bytes


@st.cache_resource(show_spinner=False, max_entries=8)
def procurement_data(request: tuple[str, str, str], params_json: str, language: str,
                     _solved: Solved) -> ProcurementView:
    """The one place the page reads procurement: the shortlist of a solved request and settings with its
    workbook (采购需求, 评审表 …), cached so that a filter click only re-renders."""
    import tempfile

    from optimizer.procurement.shortlist import ShortlistParams, shortlist
    from optimizer.procurement.workbook import write_workbook

    result = shortlist(_solved.problem, _solved.solution, ShortlistParams.model_validate_json(params_json))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "shortlists.xlsx"
        write_workbook(result, None, path)
        return ProcurementView(result, path.read_bytes())


def procurement_page() -> None:
    """Lots with their method, ceiling and qualified schools; reasons for every exclusion; the score breakdown."""
    from pydantic import ValidationError

    from optimizer.procurement.shortlist import ShortlistParams

    st.title(t("page_procurement"))
    plan = current_plan()
    if plan is None:
        return
    settings = scenario_sidebar(plan)
    method = st.radio(t("method"), ["consultation", "negotiation"], horizontal=True, key="proc_method",
                      format_func=shown_as({m: t(m) for m in ("consultation", "negotiation")}))
    c1, c3 = st.columns(2)
    negotiation = method == "negotiation"
    price = c1.slider(t("price_weight"), 0.10, 0.30, 0.30, 0.05, key="proc_price", disabled=negotiation,
                      help=t("price_weight_off") if negotiation else None)
    minimum = c3.number_input(t("min_suppliers"), 1, 10, 3, key="proc_min")
    # technical points only about the service (政府采购法实施条例 第二十条: no size or location factor)
    technical = {"training_plan": round(max(0.0, 60.0 - price * 100), 2), "teachers": 15.0, "equipment": 15.0,
                 "exam_separation": 10.0}
    try:
        params = ShortlistParams(method=method, price_weight=price, min_suppliers=int(minimum),
                                 technical_weights=technical)
    except ValidationError as exc:
        from optimizer.messages.data import validation_message

        for err in exc.errors():
            st.error(validation_message(err))
        return
    if negotiation:
        st.caption(t("price_weight_off"))
    else:
        st.caption(t("tech_points", plan=f"{technical['training_plan']:g}", teachers="15", equipment="15",
                     exam="10"))
    solved = solve_with_spinner(settings.scenario, settings.overrides)
    result_banner(settings, plan, solved)
    if show_not_solved(solved):
        return
    with st.spinner(t("solving")):
        view = procurement_data(settings.request, params.model_dump_json(), lang(), solved)
    procurement_tables(view, int(minimum))


def procurement_tables(view: ProcurementView, minimum: int) -> None:
    """Filters over the cached shortlist (a pure function of the package), the chosen lot's candidates with
    their score breakdown, the workbook."""
    from optimizer.procurement.shortlist import filter_summary, lot_entries

    summary = view.result.summary
    f1, f2, f3 = st.columns(3)
    prefs = f1.multiselect(t("prefecture"), sorted(summary["area"].unique()), key="proc_pref", placeholder=t("choose"))
    groups = f2.multiselect(t("group"), sorted(summary["group"].unique()), key="proc_group", placeholder=t("choose"))
    flagged = f3.checkbox(t("only_flagged"), key="proc_flagged")
    shown = filter_summary(summary, prefs, groups, flagged)
    short = int((summary["flag"] != "").sum())
    m1, m2 = st.columns(2)
    m1.metric(t("lots"), f"{len(shown)} / {len(summary)}")
    m2.metric(t("lots_short", n=short, m=minimum), short)
    lot_names = {r.lot: t("lot_name", area=r.area, group=r.group) for r in summary.itertuples()}
    table = shown.assign(lot=shown["lot"].map(lot_names),
                         flag=shown["flag"].map(lambda f: t("fewer_than", n=minimum) if f else ""))
    show_table(table, key="proc_summary")
    if shown.empty:
        return
    lot = st.selectbox(t("lot"), list(shown["lot"]), key="proc_lot", format_func=shown_as(lot_names))
    st.subheader(t("shortlist", lot=lot_names[lot]))
    entries = lot_entries(view.result, lot)
    score_cols = [c for c in entries.columns if c.endswith("_score")]
    ranked = entries[entries["rank"].notna()]
    if not ranked.empty:
        st.caption(t("score_breakdown"))
        show_table(ranked[["rank", "school", "quote_yuan", *score_cols]], key="proc_scores")
    show_table(entries[[c for c in ("school", "eligible", "reasons", "flags", "quote_yuan", "rank") if c in entries]],
               key="proc_entries")
    st.download_button(t("export_xlsx"), view.excel, file_name="shortlists.xlsx", key="dl_shortlists")


# -- 5. county breakdown and export --------------------------------------------------------------------

@st.cache_data(show_spinner=False, max_entries=4)
def workbooks_zip(scenario: str, overrides: str, data_key: str, as_of: dt.date, _solved: Solved) -> dict[str, bytes]:
    """Every workbook of a solved scenario, as bytes by file name (cached per scenario and date)."""
    import tempfile

    from optimizer.analysis.assumptions import covers
    from optimizer.outputs.breakdown import county_breakdown
    from optimizer.outputs.workbook import export_workbooks

    b = county_breakdown(_solved.plan, _solved.problem, _solved.solution)
    report = assumption_report(scenario, overrides, data_key, _solved)  # issue 20: each cover's top ten
    with tempfile.TemporaryDirectory() as tmp:
        paths = export_workbooks(Path(tmp) / "out", b, _solved.plan, _solved.scenario, _solved.problem.params, as_of,
                                 input_id=_solved.input_id,
                                 cover_rows_by_prefecture=covers(report, _solved.problem.targets["prefecture"]))
        return {p.name: p.read_bytes() for p in paths}


@st.cache_resource(show_spinner=False, max_entries=4)
def assumption_report(scenario: str, overrides: str, data_key: str, _solved: Solved):
    """Issue 20: the ranking of the assumed numbers of a solved scenario (the package's; cached per scenario)."""
    from optimizer.analysis.assumptions import assumption_lists

    return assumption_lists(_solved.plan, _solved.problem, _solved.scenario, _solved.input_id)


def check_before_submit(report, workbook_name: str) -> None:
    """Issue 20: the ten assumed numbers that move the chosen prefecture most, as on its workbook's cover."""
    from optimizer.analysis.assumptions import check_list
    from optimizer.messages import msg

    if report is None:
        return
    adcode = workbook_name.split("_", 1)[0]
    frame = check_list(report, adcode, lang())
    if frame.empty:
        return
    with st.expander(msg("asm.ui.title", lang()), expanded=True):
        st.caption(msg("asm.ui.caption", lang()))
        show_table(frame, key="exp_assumptions")


def cell_text(value: object) -> str:
    """A workbook cell as the workbook shows it: whole numbers with thousands separators (155,000), the
    rest as written (pandas reads a column with blanks as floats: 155000.0)."""
    if isinstance(value, bool) or not isinstance(value, Real):
        return str(value)
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.2f}"


def export_page() -> None:
    """Pick a prefecture, preview its workbook, download it or all of them."""
    st.title(t("page_export"))
    plan = current_plan()
    if plan is None:
        return
    settings = scenario_sidebar(plan)
    solved = solve_with_spinner(settings.scenario, settings.overrides)
    result_banner(settings, plan, solved)
    if show_not_solved(solved):
        return
    notice = solved.plan.notice
    as_of = st.date_input(t("as_of"), value=notice.date, key="as_of")
    left = (notice.breakdown_due - as_of).days
    due = f"{notice.breakdown_due.month}月{notice.breakdown_due.day}日" if lang() == "zh" else \
        notice.breakdown_due.strftime("%-d %B")
    (st.warning if left >= 0 else st.error)(
        t("deadline_banner", due=due, n=left) if left >= 0 else t("deadline_passed", due=due, n=-left))
    books = workbooks_zip(settings.scenario, settings.overrides, source_key(current_source()), as_of, solved)
    names = sorted(n for n in books if n.endswith(".xlsx"))
    choice = st.selectbox(t("prefecture"), names, key="exp_pref",
                          format_func=lambda n: n.removesuffix(".xlsx").split("_", 1)[-1])
    check_before_submit(assumption_report(settings.scenario, settings.overrides, source_key(current_source()), solved),
                        choice)
    workbook = pd.read_excel(io.BytesIO(books[choice]), sheet_name=None, header=None)
    sheets = list(workbook)
    first = next((i for i, name in enumerate(sheets) if name.startswith("附件")), 0)  # the task table itself
    sheet = st.selectbox(t("preview"), sheets, index=first, key="exp_sheet")
    preview = workbook[sheet].fillna("").map(cell_text)
    preview.columns = [str(i + 1) for i in range(preview.shape[1])]
    st.dataframe(preview, hide_index=True, key="exp_preview", width="stretch")
    st.download_button(t("prefecture_workbook"), books[choice], file_name=choice, key="dl_workbook",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in sorted(books.items()):
            z.writestr(name, data)
    st.download_button(t("all_workbooks", n=len(names)), buffer.getvalue(), file_name="county_breakdown.zip",
                       key="dl_zip", mime="application/zip")


# -- 6. sweep ------------------------------------------------------------------------------------------

def sweep_page() -> None:
    """Choose a parameter and a range, run with a progress bar from the first point, see the plot and the
    table; the results stay in the session when another figure is picked."""
    from optimizer.analysis.sweep import FIGURES, SWEEPABLE, parse_param

    st.title(t("page_sweep"))
    files = scenario_choices()
    scenario = st.selectbox(t("scenario"), files, index=files.index("baseline"), key="sw_scenario",
                            format_func=shown_as({s: scenario_title(s) for s in files}))
    c1, c2, c3, c4 = st.columns(4)
    param = c1.selectbox(t("sweep_param"), SWEEPABLE, key="sw_param",
                         format_func=shown_as({p: t(f"param.{p}") for p in SWEEPABLE}))
    start = c2.number_input(t("sweep_from"), value=0.6, key="sw_from")
    stop = c3.number_input(t("sweep_to"), value=0.9, key="sw_to")
    step = c4.number_input(t("sweep_step"), value=0.1, min_value=0.001, key="sw_step")
    if st.button(t("run_sweep"), key="run_sweep", type="primary"):
        try:
            params = [parse_param(f"{param}={start}:{stop}:{step}")]
        except InputError as exc:
            show_problems(exc, t("sweep_error"))
            return
        try:
            table = run_sweep_with_progress(scenario, params)
        except InputError as exc:
            show_problems(exc, t("sweep_error"))
            return
        except Exception:  # a friendly message on the page, the details in the server's log
            logging.getLogger(__name__).exception("sweep failed")
            st.error(catalogue_msg("limits.ui_failed"))
            return
        st.session_state["sweep_result"] = {"table": table, "param": param,
                                            "scenario": scenario, "start": start, "stop": stop}
    held = st.session_state.get("sweep_result")
    if not held:
        return
    table, param = held["table"], held["param"]
    st.info(t("sweep_of", scenario=scenario_title(held["scenario"]), param=t(f"param.{param}"),
              start=f"{held['start']:g}", stop=f"{held['stop']:g}"))
    figure = st.selectbox(t("figure"), FIGURES, key="sw_figure",
                          format_func=shown_as({f: t(f"fig.{f}") for f in FIGURES}))
    plotted = table.copy()
    if figure in MONEY_FIGURES:
        plotted[figure] = plotted[figure] / 10_000
    st.altair_chart(charts.sweep_chart(plotted, param, figure, t(f"param.{param}"), t(f"fig.{figure}")),
                    key="sweep_chart", width="stretch")
    shown = table.copy()
    for money in MONEY_FIGURES & set(shown.columns):  # the headers say 万元, as the chart's axis does
        shown[money] = (shown[money] / 10_000).round(2)
    shown = shown.rename(columns={c: t(f"fig.{c}") for c in table.columns if has(f"fig.{c}") and c != "status"})
    shown = shown.rename(columns={param: t(f"param.{param}")})
    show_table(shown, key="sweep_table")
    st.download_button(t("download", file="sweep.csv"), csv_bytes(table), file_name="sweep.csv", key="dl_sweep")


def run_sweep_with_progress(scenario: str, params: list) -> pd.DataFrame:
    """Run the sweep in one worker pool with a bar shown before the first point and moved as each finishes
    (points already in the cache count at once)."""
    from optimizer.analysis.sweep import DEFAULT_CACHE, grid, run_sweep, sweep_table

    total = len(grid(params))
    bar = st.progress(0.0, text=t("sweep_progress", done=0, total=total))
    results = run_sweep(scenario_path(scenario), params, workers=2, cache_dir=DEFAULT_CACHE, progress=False,
                        on_progress=lambda done, n: bar.progress(done / n, text=t("sweep_progress", done=done,
                                                                                  total=n)))
    bar.empty()
    return sweep_table(results)
