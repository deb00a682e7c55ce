"""County boundaries from a GeoJSON the user supplies (third-party map data is not shipped).

The file must be a FeatureCollection whose features carry an ``adcode`` property (number or text).
Features are matched to ``counties.csv`` by adcode; unknown codes are problems, counties without a
feature are reported so a map can fall back to drawing their seat as a point.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from optimizer.data import limits
from optimizer.data.limits import MAX_GEOJSON_BYTES
from optimizer.errors import ProblemList
from optimizer.messages import msg


@dataclass
class CountyBoundaries:
    geojson: dict  # FeatureCollection with properties.adcode as 6-digit text
    missing: list[str]  # county adcodes with no feature


def load_county_geojson(source: Path | str, counties: pd.DataFrame, data: bytes | None = None) -> CountyBoundaries:
    """Read and match a county GeoJSON by adcode; raises ``InputError`` listing every problem."""
    problems = ProblemList()
    file = Path(source).name
    if data is None:
        raw = limits.read_bounded(source, MAX_GEOJSON_BYTES, "limits.what_geojson", problems)
    else:
        raw = data if limits.check_size(data, file, MAX_GEOJSON_BYTES, "limits.what_geojson", problems) else None
    if raw is None:
        problems.raise_if_any()
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.add(file, None, None, None, f"not a UTF-8 GeoJSON file ({exc})")
        problems.raise_if_any()
    except RecursionError:
        problems.add(file, None, None, None, msg("limits.json_depth", limit=limits.MAX_JSON_DEPTH))
        problems.raise_if_any()
    if not limits.json_depth_ok(doc):
        problems.add(file, None, None, None, msg("limits.json_depth", limit=limits.MAX_JSON_DEPTH))
        problems.raise_if_any()
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        problems.add(file, None, "type", doc.get("type") if isinstance(doc, dict) else None,
                     msg("geo.not_collection"))
        problems.raise_if_any()
    known = set(counties["adcode"])
    features, seen = [], set()
    raw_features = doc.get("features", [])
    if not isinstance(raw_features, list):
        problems.add(file, None, "features", None, msg("geo.not_list"))
        problems.raise_if_any()
    for i, feature in enumerate(raw_features, start=1):
        props = (feature.get("properties") or {}) if isinstance(feature, dict) else None
        if not isinstance(props, dict):
            problems.add(file, i, "properties", None, msg("limits.json_shape"))
            continue
        code = str(props.get("adcode", "")).strip()
        if code not in known:
            problems.add(file, i, "properties.adcode", code or None,
                         msg("geo.unknown_county"))
            continue
        if code in seen:
            problems.add(file, i, "properties.adcode", code, msg("geo.twice"))
            continue
        seen.add(code)
        features.append({**feature, "properties": {**props, "adcode": code}})
    problems.raise_if_any()
    missing = sorted(known - seen)
    return CountyBoundaries({"type": "FeatureCollection", "features": features}, missing)
