"""The limits and bounds of issue 17, each against a value worked out by hand, and docs/errors.md listing them."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from pydantic import ValidationError

from optimizer.analysis.sweep import MAX_POINTS, grid, parse_param, range_count
from optimizer.data import limits
from optimizer.data.params import ModelParams
from optimizer.data.schema import SCHEMAS
from optimizer.errors import InputError
from optimizer.messages import set_language
from tests.conftest import ROOT


@pytest.fixture(autouse=True)
def english():
    set_language("en")
    yield
    set_language("zh")


def test_dimension_size_by_hand():
    assert limits.dimension_size("A1:XFD1048576") == (1_048_576, 16_384)  # XFD = 24·26² + 6·26 + 4
    assert limits.dimension_size("B2:D20") == (19, 3)
    assert limits.dimension_size("A1") == (1, 1)
    assert limits.dimension_size("ZZ10") == (1, 1)
    assert limits.dimension_size("nonsense") is None


def test_alias_expansion_is_counted_without_building_it():
    laughs = "a: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b]\n"
    import yaml

    node = yaml.compose(laughs, Loader=yaml.SafeLoader)
    # c's list: 1 + 3·(1 + 3·(1 + 3)) = 40; b's: 1 + 3·4 = 13; a's: 4; three keys; the mapping itself
    assert limits.expanded_size(node) == 1 + 3 + 4 + 13 + 40
    with pytest.raises(limits.YamlLimit):
        limits.load_yaml("v: &v 1\nl: [" + ", ".join(["*v"] * (limits.MAX_YAML_ALIASES + 1)) + "]\n")
    doc, _ = limits.load_yaml("v: &v 1\nl: [" + ", ".join(["*v"] * limits.MAX_YAML_ALIASES) + "]\n")
    assert doc["l"] == [1] * limits.MAX_YAML_ALIASES
    assert limits.load_yaml("as_of: 2022-02-30\n")[0] == {"as_of": "2022-02-30"}  # a date stays text


def test_text_rules():
    assert limits.text_problem("昆明市", 100, is_name=True) is None
    assert "control" in limits.text_problem("昆明\x00市", 100, is_name=True)
    assert "control" in limits.text_problem("木\u200b工", 100)
    assert "path separator" in limits.text_problem("a/b", 100, is_name=True)
    assert limits.text_problem("a/b", 100) is None  # a URL or a basis may hold a slash
    assert limits.text_problem("two\nlines", 100) is None  # a description may have lines
    assert "control" in limits.text_problem("two\nlines", 100, is_name=True)
    assert "longer than 3" in limits.text_problem("abcd", 3)


def test_sweep_size_is_arithmetic():
    assert range_count(Decimal("0.6"), Decimal("0.9"), Decimal("0.05")) == 7  # 0.60 … 0.90
    assert parse_param("cert_share=0.6:0.9:0.05")[1][-1] == pytest.approx(0.9)
    with pytest.raises(InputError, match="1,000,000,001 points"):
        parse_param("cert_share=0:1:1e-9")  # refused at once: 10⁹ values are never built
    with pytest.raises(InputError, match=r"1\.000e\+30 points"):
        parse_param("cert_share=0:1:1e-30")
    with pytest.raises(InputError, match="441 points"):
        grid([parse_param("cert_share=0.5:0.7:0.01"), parse_param("band_delta=0:0.2:0.01")])  # 21 · 21
    assert len(grid([parse_param("cert_share=0.5:0.7:0.01"), parse_param("band_delta=0:0.18:0.01")])) == 21 * 19
    assert MAX_POINTS == 400


@pytest.mark.parametrize("field", ["cert_share", "band_penalty", "time_limit", "travel_cost_per_km"])
@pytest.mark.parametrize("value", [math.nan, math.inf])
def test_settings_refuse_nan_and_infinity(field, value):
    with pytest.raises(ValidationError):
        ModelParams(**{field: value})


def test_docs_list_every_bound():
    """Every numeric column's range and every limit constant appears in docs/errors.md."""
    from optimizer.data.tables import bound_text

    docs = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    lines = docs.splitlines()
    for schema in SCHEMAS.values():
        for column in schema.columns:
            if column.kind in ("int", "wan", "float"):
                top = column.maximum if column.maximum is not None else limits.MAX_ANY_NUMBER
                name = "col1` … `col9" if column.name[3:].isdigit() and column.name[:3] == "col" else column.name
                assert any(f"`{schema.name}." in line and name in line and f" – {bound_text(top)} |" in line
                           for line in lines), (schema.name, column.name)
    for text in ("20 MB", "100,000 rows, 500 columns, 2,000,000 cells", "1,000 parts; 100 MB unpacked", "256 kB",
                 "100 aliases", "20,000 values", "20 levels", "8 files", "400 points", "at most 100 characters",
                 "1990-01-01 – 2100-12-31", "2,000,000 strings; 20,000,000 characters"):
        assert text in docs, text
    assert (limits.MAX_INPUT_BYTES, limits.MAX_XLSX_PARTS, limits.MAX_YAML_BYTES, limits.MAX_YAML_ALIASES,
            limits.MAX_YAML_NODES, limits.MAX_YAML_DEPTH, limits.MAX_BASE_CHAIN, limits.MAX_NAME_LENGTH,
            limits.MAX_SHARED_STRINGS, limits.MAX_SHARED_STRING_CHARS) == (
        20 * 1024 * 1024, 1000, 256 * 1024, 100, 20_000, 20, 8, 100, 2_000_000, 20_000_000)


SST = b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">%s</sst>'


def _count(part: bytes, **bounds):
    import io

    return limits.count_shared_strings(lambda: io.BytesIO(part), **bounds)


def test_shared_strings_are_counted_on_the_bytes_and_by_expat_alike():
    """Three strings; text 'ab' + '云南' + 'x&amp;y' (an entity is 5 bytes for 1 character, so the byte count is
    an upper bound: 2 + 6 bytes of UTF-8 + 7 = 15, plus the declaration's nothing) vs expat's exact 2 + 2 + 3."""
    items = "<si><t>ab</t></si><si><t>云南</t></si><si><r><t>x&amp;y</t></r></si>".encode()
    assert _count(SST % items) == (3, 15)
    assert _count(SST % (items + b"<!-- a comment sends it to expat -->")) == (3, 7)
    assert _count(SST % b"<x:si><x:t>abc</x:t></x:si>") == (1, 3)


def test_shared_strings_bounds_stop_at_the_first_string_or_character_past_them():
    one = b"<si><t>abcd</t></si>"
    assert _count(SST % (one * 3), max_strings=3, max_chars=12) == (3, 12)
    with pytest.raises(limits._SharedStringsLimit, match="strings"):
        _count(SST % (one * 4), max_strings=3, max_chars=100)
    with pytest.raises(limits._SharedStringsLimit, match="chars"):
        _count(SST % (one * 4), max_strings=10, max_chars=15)
    with pytest.raises(limits._SharedStringsLimit, match="chars"):  # CDATA cannot hide text from the count
        _count(SST % b"<si><t><![CDATA[" + b"x" * 20 + b"]]></t></si>", max_chars=15)


def test_a_doctype_in_the_shared_strings_is_refused():
    laughs = b'<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">]><sst><si><t>&a;</t></si></sst>'
    with pytest.raises(ValueError, match="DOCTYPE"):
        _count(laughs)
