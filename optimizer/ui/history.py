"""History page of the workspace (issue 18): the plan store's runs, one run's details, two runs' differences,
and marking an export as submitted. ``render()`` is the page; the workspace wires it into its navigation.
It calls the store only and holds no logic of its own; a store that cannot be opened is a warning, not a crash.
"""

from __future__ import annotations

import json

import pandas as pd
import streamlit as st

from optimizer.messages import msg


def runs_frame(runs) -> pd.DataFrame:
    """The list of runs as a table (newest first)."""
    rows = [{msg("track.ui.id"): r.id, msg("track.ui.created"): r.created, msg("track.ui.command"): r.command,
             msg("track.ui.status"): r.status, msg("track.ui.input_id"): r.input_id or "",
             msg("track.ui.submitted"): r.submitted or "", msg("track.ui.parent"): r.parent_id or ""}
            for r in runs]
    return pd.DataFrame(rows)


def render() -> None:
    """The page: list, details, diff, submit."""
    from optimizer.store import diff_runs, open_store

    st.header(msg("track.ui.title"))
    try:
        store = open_store()
        runs = store.runs(limit=500)
    except Exception as exc:  # the page must not crash on an unreachable database
        st.warning(msg("track.ui.store_unavailable", reason=f"{type(exc).__name__}: {exc}"))
        return
    st.caption(msg("track.ui.location", url=store.engine.url.render_as_string(hide_password=True)))
    if not runs:
        st.info(msg("store.no_runs"))
        return
    commands = sorted({r.command for r in runs})
    chosen = st.multiselect(msg("track.ui.filter"), commands, default=commands, key="history_commands")
    shown = [r for r in runs if r.command in chosen]
    st.dataframe(runs_frame(shown), hide_index=True, key="history_runs")
    ids = [r.id for r in shown]
    if not ids:
        return
    one = st.selectbox(msg("track.ui.details_of"), ids, key="history_one")
    view = store.get(one)
    left, right = st.columns(2)
    left.markdown(f"**{msg('track.ui.settings')}**")
    left.json(view.settings)
    right.markdown(f"**{msg('track.ui.key_figures')}**")
    right.json(view.key_figures)
    if view.outputs:
        st.dataframe(pd.DataFrame(view.outputs)[["name", "bytes", "sha256"]], hide_index=True, key="history_files")
    linked = store.linked(one)
    if linked:
        st.markdown(f"**{msg('track.ui.linked')}**")
        st.dataframe(runs_frame(linked), hide_index=True, key="history_linked")
    if view.command == "export" and not view.submitted and st.button(msg("track.ui.submit"), key="history_submit"):
        store.submit(one)
        st.success(msg("store.submitted", id=one))
    if len(ids) >= 2:
        st.subheader(msg("track.ui.diff"))
        a_col, b_col = st.columns(2)
        a = a_col.selectbox("A", ids, index=1, key="history_a")
        b = b_col.selectbox("B", ids, index=0, key="history_b")
        d = diff_runs(store.get(a), store.get(b))
        for section in ("settings", "key_figures"):
            st.markdown(f"**{msg('track.ui.' + section)}**")
            if d[section]:
                frame = pd.DataFrame(d[section]).astype({"a": str, "b": str})
                st.dataframe(frame, hide_index=True, key=f"history_diff_{section}")
            else:
                st.caption(msg("track.ui.no_difference"))
        st.download_button(msg("track.ui.download_diff"), json.dumps(d, ensure_ascii=False, indent=2, default=str),
                           file_name=f"runs_{a}_{b}.json", key="history_download")
