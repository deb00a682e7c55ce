"""The workspace's language: ``t(key)`` reads ``ui.<key>`` from the message catalogue (optimizer/messages/ui.py)
in the session's language, which the language switch sets with ``optimizer.messages.set_language``."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from optimizer.messages import CATALOGUE, msg, set_language

LANG_CHOICES = {"中文": "zh", "English": "en"}


def apply_language() -> str:
    """Set the catalogue's language from the session's switch (run at the top of every script run)."""
    lang = LANG_CHOICES.get(st.session_state.get("lang", "中文"), "zh")
    set_language(lang)
    return lang


def lang() -> str:
    return apply_language()


def t(key: str, **kwargs: object) -> str:
    """The workspace text ``ui.<key>`` in the session's language."""
    apply_language()
    return msg(f"ui.{key}", **kwargs)


def has(key: str) -> bool:
    return f"ui.{key}" in CATALOGUE


def column_label(column: str) -> str:
    """A table column's header in the session's language (the column name itself when none is defined)."""
    return t(f"col.{column}") if has(f"col.{column}") else column


def localise(frame: pd.DataFrame, drop_codes: bool = True) -> pd.DataFrame:
    """A table as a reader sees it: code columns dropped where a name column sits beside them, headers
    translated, yes/no and statuses in words."""
    out = frame.copy()
    if drop_codes:
        out = out.drop(columns=[c for c in out.columns if c.endswith("_code") and c[:-5] in out.columns])
    for c in out.columns:
        if out[c].dtype == bool:
            out[c] = out[c].map({True: t("yes"), False: t("no")})
    if "status" in out.columns:
        out["status"] = out["status"].map(lambda s: t(f"status.{s}") if has(f"status.{s}") else s)
    return out.rename(columns={c: column_label(c) for c in out.columns})


def scenario_title(file: str) -> str:
    """A scenario file's title: the catalogue's for shipped ones, the file's stem for the user's own."""
    stem = file.removesuffix(".yaml")
    return t(f"scen.{stem}") if has(f"scen.{stem}") else stem


CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def chinese_part(text: str) -> str:
    """The Chinese words of a bilingual title such as '其中: SIYB创业培训任务 SIYB': up to its last Chinese
    character (with a closing bracket after it)."""
    last = max((m.end() for m in CJK.finditer(text)), default=0)
    return text[:last].strip() or text


def bilingual(text: str) -> str:
    """A bilingual title in the session's language."""
    if lang() == "zh":
        return chinese_part(text)
    english = text[len(chinese_part(text)):].strip()
    return english or text
