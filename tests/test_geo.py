"""A user-supplied county GeoJSON is matched by adcode (tests may use the shared reference file)."""

import json

import pytest

from optimizer.data.geo import load_county_geojson
from optimizer.data.loader import load_plan
from optimizer.errors import InputError
from tests.conftest import ROOT

# CI lays ../shared beside the clone; the file is third-party map data and is not committed.
SHARED_GEOJSON = ROOT.parent / "shared" / "reference" / "yunnan_counties.geojson"


@pytest.fixture(scope="module")
def counties():
    return load_plan().counties


def test_shared_geojson_matches_every_county(counties):
    b = load_county_geojson(SHARED_GEOJSON, counties)
    assert len(b.geojson["features"]) == 129 and b.missing == []


def test_partial_geojson_reports_missing_and_unknown(counties, tmp_path):
    doc = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"adcode": 530102}, "geometry": None},
        {"type": "Feature", "properties": {"adcode": "999999"}, "geometry": None},
    ]}
    path = tmp_path / "mine.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_county_geojson(path, counties)
    (p,) = exc.value.problems
    assert (p.file, p.row, p.value) == ("mine.geojson", 2, "999999")
    doc["features"].pop()
    path.write_text(json.dumps(doc), encoding="utf-8")
    b = load_county_geojson(path, counties)
    assert len(b.missing) == 128 and "530102" not in b.missing


def test_not_geojson(counties, tmp_path):
    path = tmp_path / "x.geojson"
    path.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(InputError, match="FeatureCollection"):
        load_county_geojson(path, counties)
