"""Streamlit workspace: ``streamlit run app.py``. A router only; pages live in ``optimizer.ui.pages``."""

import streamlit as st

from optimizer.ui import pages
from optimizer.ui.i18n import t

st.set_page_config(page_title="云南职业培训规划 Yunnan training planner", layout="wide")
st.sidebar.radio("语言 Language", ["中文", "English"], horizontal=True, key="lang")
st.sidebar.caption(t("app_title"))
navigation = st.navigation([
    st.Page(pages.plan_data_page, title=t("page_plan"), url_path="plan", default=True),
    st.Page(pages.allocate_page, title=t("page_allocate"), url_path="allocate"),
    st.Page(pages.compare_page, title=t("page_compare"), url_path="compare"),
    st.Page(pages.procurement_page, title=t("page_procurement"), url_path="procurement"),
    st.Page(pages.export_page, title=t("page_export"), url_path="export"),
    st.Page(pages.sweep_page, title=t("page_sweep"), url_path="sweep"),
])
navigation.run()
