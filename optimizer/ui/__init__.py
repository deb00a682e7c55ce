"""Streamlit pages. They call the package and hold no model logic."""
