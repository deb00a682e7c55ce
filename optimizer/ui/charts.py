"""Altair charts for the workspace; each takes a plain table and returns a chart (no model logic)."""

from __future__ import annotations

import altair as alt
import pandas as pd
from shapely.geometry import mapping, shape
from shapely.geometry.polygon import orient

# d3-geo (which Vega-Lite draws maps with) treats a ring as spherical: the polygon is the area on the
# ring's right-hand side (exterior rings CLOCKWISE in lon/lat). RFC 7946's right-hand rule is the
# opposite, so a standards-conforming county (counter-clockwise) is drawn as "the whole globe minus the
# county", i.e. a solid square over the map. We orient every ring for d3 whatever the file's order.
D3_EXTERIOR_SIGN = -1.0  # shapely: sign < 0 → exterior rings clockwise, holes counter-clockwise


# A legend's numbers with thousands separators. labelExpr, not format: Streamlit's chart theme otherwise prints
# gradient labels as 2e+3.
SEPARATED = "format(datum.value, ',')"
# School names are up to ~16 characters (云南锡业集团高级技工学校…); Vega-Lite cuts axis labels at 180 px.
NAME_LIMIT = 320


def orient_for_d3(geometry: dict) -> dict:
    """A Polygon or MultiPolygon with rings wound as d3-geo expects (other geometries unchanged)."""
    if geometry.get("type") == "Polygon":
        return mapping(orient(shape(geometry), sign=D3_EXTERIOR_SIGN))
    if geometry.get("type") == "MultiPolygon":
        from shapely.geometry import MultiPolygon

        parts = [orient(p, sign=D3_EXTERIOR_SIGN) for p in shape(geometry).geoms]
        return mapping(MultiPolygon(parts))
    return geometry


def _json_geometry(geometry: dict) -> dict:
    """shapely's mapping() gives tuples; Vega wants plain lists."""
    def lists(x):
        return [lists(v) for v in x] if isinstance(x, list | tuple) else x

    return {"type": geometry["type"], "coordinates": lists(geometry["coordinates"])}


def county_features(frame: pd.DataFrame, value: str, geojson: dict) -> list[dict]:
    """Features of ``geojson`` (keyed by properties.adcode) carrying the frame's county, prefecture and value,
    their rings oriented for d3."""
    rows = frame.set_index("adcode")
    out = []
    for feature in geojson["features"]:
        code = str(feature["properties"]["adcode"])
        if code not in rows.index or not feature.get("geometry"):
            continue
        row = rows.loc[code]
        out.append({"type": "Feature", "geometry": _json_geometry(orient_for_d3(feature["geometry"])),
                    "properties": {"adcode": code, "county": str(row["county"]), "prefecture": str(row["prefecture"]),
                                   "value": float(row[value])}})
    return out


def county_map(frame: pd.DataFrame, value: str, title: str, geojson: dict | None = None,
               diverging: bool = False, labels: tuple[str, str] = ("county", "prefecture"),
               select: bool = False) -> alt.Chart:
    """Counties of Yunnan: a choropleth when boundaries are given (keyed by adcode), else county seats as
    points sized by ``value``. ``frame`` has adcode, county, prefecture, lon, lat and ``value``; ``title``
    names the value with its unit (the legend's title). ``select`` adds a click selection named county."""
    scheme = alt.Scale(scheme="redblue", domainMid=0) if diverging else alt.Scale(scheme="yelloworangered")
    legend = alt.Legend(orient="bottom", titleLimit=400, labelExpr=SEPARATED)
    if geojson:
        data = alt.Data(values=county_features(frame, value, geojson))
        tooltip = [alt.Tooltip("properties.county:N", title=labels[0]),
                   alt.Tooltip("properties.prefecture:N", title=labels[1]),
                   alt.Tooltip("properties.value:Q", title=title, format=",")]
        chart = (alt.Chart(data).mark_geoshape(stroke="white", strokeWidth=0.4)
                 .encode(color=alt.Color("properties.value:Q", scale=scheme, title=title, legend=legend),
                         tooltip=tooltip)
                 .project("mercator").properties(height=480, width="container"))
        if select:
            pick = alt.selection_point(name="county", fields=["properties.adcode"], on="click")
            chart = chart.add_params(pick).encode(
                opacity=alt.condition(pick, alt.value(1.0), alt.value(0.55)))
        return chart
    tooltip = [alt.Tooltip("county:N", title=labels[0]), alt.Tooltip("prefecture:N", title=labels[1]),
               alt.Tooltip(f"{value}:Q", title=title, format=",")]
    size = alt.Size(f"{value}:Q", title=title, scale=alt.Scale(range=[10, 900]), legend=legend) if not diverging \
        else alt.Size(f"abs_{value}:Q", title=f"|{title}|", scale=alt.Scale(range=[10, 900]), legend=legend)
    data = frame.assign(**{f"abs_{value}": frame[value].abs()}) if diverging else frame
    chart = (alt.Chart(data).mark_circle(opacity=0.75, stroke="#333", strokeWidth=0.3)
             .encode(longitude="lon:Q", latitude="lat:Q", size=size,
                     color=alt.Color(f"{value}:Q", scale=scheme, title=title, legend=legend), tooltip=tooltip)
             .project("mercator").properties(height=480, width="container"))
    if select:
        pick = alt.selection_point(name="county", fields=["adcode"], on="click")
        chart = chart.add_params(pick)
    return chart


def flow_heatmap(frame: pd.DataFrame, title: str) -> alt.Chart:
    """School → prefecture trainees (frame: school, prefecture, trainees); ``title`` names the unit."""
    return (alt.Chart(frame).mark_rect()
            .encode(x=alt.X("prefecture:N", title=None),
                    y=alt.Y("school:N", title=None, sort="-x", axis=alt.Axis(labelLimit=NAME_LIMIT)),
                    color=alt.Color("trainees:Q", scale=alt.Scale(scheme="blues"), title=title,
                                    legend=alt.Legend(labelExpr=SEPARATED)),
                    tooltip=["school", "prefecture", alt.Tooltip("trainees:Q", format=",", title=title)])
            .properties(height=max(300, 16 * frame["school"].nunique()), width="container"))


def utilisation_bars(frame: pd.DataFrame, title: str) -> alt.Chart:
    """Capacity utilisation per institution (frame: institution, used, capacity)."""
    agg = frame.groupby("institution", as_index=False)[["used", "capacity"]].sum()
    agg["utilisation"] = agg["used"] / agg["capacity"]
    return (alt.Chart(agg).mark_bar()
            .encode(x=alt.X("utilisation:Q", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]), title=title),
                    y=alt.Y("institution:N", sort="-x", title=None, axis=alt.Axis(labelLimit=NAME_LIMIT)),
                    tooltip=["institution", alt.Tooltip("used:Q", format=","), alt.Tooltip("capacity:Q", format=","),
                             alt.Tooltip("utilisation:Q", format=".1%", title=title)])
            .properties(height=max(300, 14 * len(agg)), width="container"))


def cert_share_bars(frame: pd.DataFrame, rho: float, title: str) -> alt.Chart:
    """Certificate share per unit against ρ (frame: unit, share)."""
    bars = alt.Chart(frame).mark_bar().encode(
        x=alt.X("share:Q", axis=alt.Axis(format="%"), scale=alt.Scale(domain=[0, 1]), title=title),
        y=alt.Y("unit:N", title=None, axis=alt.Axis(labelLimit=NAME_LIMIT)),
        tooltip=["unit", alt.Tooltip("share:Q", format=".1%", title=title)])
    rule = alt.Chart(pd.DataFrame({"rho": [rho]})).mark_rule(color="red", strokeDash=[4, 3]).encode(x="rho:Q")
    return (bars + rule).properties(height=40 * len(frame) + 40, width="container")


def sweep_chart(frame: pd.DataFrame, x: str, y: str, x_title: str, y_title: str) -> alt.Chart:
    """A figure against the swept parameter; infeasible points as red dashed rules."""
    ok = frame[frame["status"] == "optimal"]
    line = alt.Chart(ok).mark_line(point=True).encode(
        x=alt.X(f"{x}:Q", title=x_title), y=alt.Y(f"{y}:Q", scale=alt.Scale(zero=False), title=y_title),
        tooltip=[alt.Tooltip(f"{x}:Q", title=x_title), alt.Tooltip(f"{y}:Q", title=y_title, format=",")])
    bad = frame[frame["status"] != "optimal"]
    if bad.empty:
        return line.properties(width="container")
    marks = alt.Chart(bad).mark_rule(color="red", strokeDash=[4, 3]).encode(
        x=f"{x}:Q", tooltip=[alt.Tooltip(f"{x}:Q", title=x_title)])
    return (line + marks).properties(width="container")
