"""Streamlit workspace: ``streamlit run app.py``. A router only; pages live in ``optimizer.ui.pages``."""

import streamlit as st

from optimizer.ui import pages

st.set_page_config(page_title="云南职业培训规划 Yunnan training planner", layout="wide")
navigation = st.navigation([
    st.Page(pages.plan_data_page, title="计划数据 Plan data", url_path="plan", default=True),
    st.Page(pages.findings_page, title="检查结果 Findings", url_path="findings"),
    st.Page(pages.assumed_inputs_page, title="假设数据 Assumed inputs", url_path="inputs"),
])
navigation.run()
