"""Streamlit workspace: ``streamlit run app.py``. A router only; pages live in ``optimizer.ui.pages``.

Each page has a URL path (/plan, /allocate, …); the allocate, procurement and export pages take the
scenario and changed settings from the URL (``/allocate?scenario=cert_share_70&cert_share=0.65``).
"""

import logging

import streamlit as st

from optimizer.messages import msg
from optimizer.ui import history, pages
from optimizer.ui.i18n import apply_language, t
from optimizer.ui.state import CONTROL_KEYS

# Key figures wrap instead of being cut ("316,60…") on narrow screens; wide tables scroll inside their frame.
RESPONSIVE_CSS = """<style>
[data-testid="stMetricValue"] > div { white-space: normal; overflow-wrap: anywhere; }
[data-testid="stMetricValue"] { font-size: clamp(1.1rem, 2.4vw, 2rem); }
[data-testid="stMetricLabel"] p { white-space: normal; }
</style>"""



def uploader_css(button: str, hint: str) -> str:
    """Streamlit's file uploader writes its own English ("Upload", "… per file"); show ours instead."""
    return f"""<style>
[data-testid="stFileUploaderDropzoneInstructions"] > div > span,
[data-testid="stFileUploaderDropzoneInstructions"] > div > small {{ display: none; }}
[data-testid="stFileUploaderDropzoneInstructions"] > div::after {{ content: "{hint}"; font-size: 0.85rem; }}
[data-testid="stFileUploaderDropzone"] button[data-testid="stBaseButton-secondary"] [data-testid="stMarkdownContainer"]
  {{ display: none; }}
[data-testid="stFileUploaderDropzone"] button[data-testid="stBaseButton-secondary"]::after {{
  content: "{button}"; font-size: 0.9rem; }}
</style>"""


def no_match_css(text: str) -> str:
    """Streamlit's drop-down lists say "No results" (in English, whatever the language) when nothing is left to
    choose: every option of a multiselect chosen, or typed text in no option's name. Say ours instead."""
    return f"""<style>
[role="listbox"][data-empty="true"] > [role="option"] > span {{ display: none; }}
[role="listbox"][data-empty="true"]::after {{ content: "{text}"; display: block; padding: 0.75rem 1rem;
  font-size: 0.875rem; text-align: center; opacity: 0.8; }}
</style>"""


st.set_page_config(page_title="云南职业培训规划 Yunnan training planner", layout="wide")
st.html(RESPONSIVE_CSS)
if "_url" not in st.session_state:  # the link this session was opened with (read once)
    st.session_state["_url"] = {k: st.query_params[k] for k in st.query_params}
for key in (*CONTROL_KEYS, "scenario"):  # keep the sidebar's settings while pages without a sidebar are shown
    if key in st.session_state:
        st.session_state[key] = st.session_state[key]
apply_language()
st.sidebar.radio(t("language"), ["中文", "English"], horizontal=True, key="lang")
apply_language()
st.html(uploader_css(t("upload_button"), t("upload_hint")))
st.html(no_match_css(t("no_match")))
st.sidebar.caption(t("app_title"))
navigation = st.navigation([
    # the default page is served at "/" whatever its url_path; the hidden twin answers /plan (README, bookmarks),
    # which would otherwise open Streamlit's English "Page not found" dialog
    st.Page(pages.plan_data_page, title=t("page_plan"), url_path="start", default=True),
    st.Page(pages.plan_data_page, title=t("page_plan"), url_path="plan", visibility="hidden"),
    st.Page(pages.allocate_page, title=t("page_allocate"), url_path="allocate"),
    st.Page(pages.compare_page, title=t("page_compare"), url_path="compare"),
    st.Page(pages.procurement_page, title=t("page_procurement"), url_path="procurement"),
    st.Page(pages.export_page, title=t("page_export"), url_path="export"),
    st.Page(pages.sweep_page, title=t("page_sweep"), url_path="sweep"),
    st.Page(history.render, title=msg("track.ui.title"), url_path="history"),
])
try:
    navigation.run()
except Exception:  # no traceback reaches the page: a message there, the details in the server's log
    logging.getLogger("optimizer.ui").exception("page failed")
    st.error(msg("limits.ui_failed"))
