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

from optimizer.data.tables import MAX_INPUT_BYTES
from optimizer.errors import ProblemList

# Boundary files are larger than tables (the province's counties are ~1.1 MB simplified).
MAX_GEOJSON_BYTES = 5 * MAX_INPUT_BYTES


@dataclass
class CountyBoundaries:
    geojson: dict  # FeatureCollection with properties.adcode as 6-digit text
    missing: list[str]  # county adcodes with no feature


def load_county_geojson(source: Path | str, counties: pd.DataFrame, data: bytes | None = None) -> CountyBoundaries:
    """Read and match a county GeoJSON by adcode; raises ``InputError`` listing every problem."""
    problems = ProblemList()
    file = Path(source).name
    raw = data if data is not None else Path(source).read_bytes()
    if len(raw) > MAX_GEOJSON_BYTES:
        problems.add(file, None, None, f"{len(raw):,} bytes", "GeoJSON is larger than the size limit")
        problems.raise_if_any()
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        problems.add(file, None, None, None, f"not a UTF-8 GeoJSON file ({exc})")
        problems.raise_if_any()
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        problems.add(file, None, "type", doc.get("type") if isinstance(doc, dict) else None,
                     "expected a GeoJSON FeatureCollection")
        problems.raise_if_any()
    known = set(counties["adcode"])
    features, seen = [], set()
    for i, feature in enumerate(doc.get("features", []), start=1):
        props = feature.get("properties") or {}
        code = str(props.get("adcode", "")).strip()
        if code not in known:
            problems.add(file, i, "properties.adcode", code or None,
                         "feature's adcode is not a county of counties.csv")
            continue
        if code in seen:
            problems.add(file, i, "properties.adcode", code, "two features for the same county")
            continue
        seen.add(code)
        features.append({**feature, "properties": {**props, "adcode": code}})
    problems.raise_if_any()
    missing = sorted(known - seen)
    return CountyBoundaries({"type": "FeatureCollection", "features": features}, missing)
