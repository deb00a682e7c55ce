"""Altair charts for the workspace; each takes a plain table and returns a chart (no model logic)."""

from __future__ import annotations

import altair as alt
import pandas as pd


def county_map(frame: pd.DataFrame, value: str, title: str, geojson: dict | None = None,
               diverging: bool = False) -> alt.Chart:
    """Counties of Yunnan: a choropleth when boundaries are given (keyed by adcode), else county seats as
    points sized by ``value``. ``frame`` has adcode, county, prefecture, lon, lat and ``value``."""
    scheme = alt.Scale(scheme="redblue", domainMid=0) if diverging else alt.Scale(scheme="yelloworangered")
    tooltip = [alt.Tooltip("county:N"), alt.Tooltip("prefecture:N"), alt.Tooltip(f"{value}:Q", format=",")]
    if geojson:
        data = alt.Data(values=geojson["features"])
        return (alt.Chart(data).mark_geoshape(stroke="white", strokeWidth=0.3)
                .transform_lookup(lookup="properties.adcode",
                                  from_=alt.LookupData(frame, "adcode", [value, "county", "prefecture"]))
                .encode(color=alt.Color(f"{value}:Q", scale=scheme, title=title), tooltip=tooltip)
                .project("mercator").properties(height=480, title=title))
    size = alt.Size(f"{value}:Q", title=title, scale=alt.Scale(range=[10, 900])) if not diverging else \
        alt.Size(f"abs_{value}:Q", title=f"|{title}|", scale=alt.Scale(range=[10, 900]))
    data = frame.assign(**{f"abs_{value}": frame[value].abs()}) if diverging else frame
    return (alt.Chart(data).mark_circle(opacity=0.75, stroke="#333", strokeWidth=0.3)
            .encode(longitude="lon:Q", latitude="lat:Q", size=size,
                    color=alt.Color(f"{value}:Q", scale=scheme, title=title), tooltip=tooltip)
            .project("mercator").properties(height=480, title=title))


def flow_heatmap(frame: pd.DataFrame) -> alt.Chart:
    """School → prefecture trainees (frame: school, prefecture, trainees)."""
    return (alt.Chart(frame).mark_rect()
            .encode(x=alt.X("prefecture:N", title=None), y=alt.Y("school:N", title=None, sort="-x"),
                    color=alt.Color("trainees:Q", scale=alt.Scale(scheme="blues"), title="trainees"),
                    tooltip=["school", "prefecture", alt.Tooltip("trainees:Q", format=",")])
            .properties(height=max(300, 16 * frame["school"].nunique())))


def utilisation_bars(frame: pd.DataFrame) -> alt.Chart:
    """Capacity utilisation per institution (frame: institution, used, capacity)."""
    agg = frame.groupby("institution", as_index=False)[["used", "capacity"]].sum()
    agg["utilisation"] = agg["used"] / agg["capacity"]
    return (alt.Chart(agg).mark_bar()
            .encode(x=alt.X("utilisation:Q", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
                    y=alt.Y("institution:N", sort="-x", title=None),
                    tooltip=["institution", alt.Tooltip("used:Q", format=","), alt.Tooltip("capacity:Q", format=","),
                             alt.Tooltip("utilisation:Q", format=".1%")])
            .properties(height=max(300, 14 * len(agg))))


def cert_share_bars(frame: pd.DataFrame, rho: float) -> alt.Chart:
    """Certificate share per unit against ρ (frame: unit, share)."""
    bars = alt.Chart(frame).mark_bar().encode(
        x=alt.X("share:Q", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1])),
        y=alt.Y("unit:N", title=None), tooltip=["unit", alt.Tooltip("share:Q", format=".1%")])
    rule = alt.Chart(pd.DataFrame({"rho": [rho]})).mark_rule(color="red", strokeDash=[4, 3]).encode(x="rho:Q")
    return (bars + rule).properties(height=40 * len(frame) + 40)


def sweep_chart(frame: pd.DataFrame, x: str, y: str) -> alt.Chart:
    ok = frame[frame["status"] == "optimal"]
    line = alt.Chart(ok).mark_line(point=True).encode(x=alt.X(f"{x}:Q"), y=alt.Y(f"{y}:Q", scale=alt.Scale(zero=False)),
                                                       tooltip=[x, y, "status"])
    bad = frame[frame["status"] != "optimal"]
    if bad.empty:
        return line
    marks = alt.Chart(bad).mark_rule(color="red", strokeDash=[4, 3]).encode(x=f"{x}:Q", tooltip=[x, "status"])
    return line + marks
