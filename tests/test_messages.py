"""The message catalogue: both languages for every key, the same placeholders in each."""

import string

import pytest

from optimizer.messages import CATALOGUE, msg, set_language
from optimizer.messages.numbers import persons, yuan


def _fields(text: str) -> set[str]:
    return {f for _, f, _, _ in string.Formatter().parse(text) if f}


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_both_languages_with_the_same_placeholders(key):
    zh, en = CATALOGUE[key]
    assert zh.strip() and en.strip()
    assert _fields(zh) == _fields(en), key


def test_language_switch_and_amounts():
    set_language("en")
    try:
        assert msg("nothing_written") == "nothing was written"
        assert yuan(308_604_525) == "308.60 million yuan"
    finally:
        set_language("zh")
    assert msg("nothing_written") == "未写入任何文件"
    assert yuan(308_604_525) == "30,860.45 万元"  # 308,604,525 / 10,000
    assert persons(200_000) == "20.00 万人"


def test_a_scenario_is_named_by_its_title_where_people_read_it():
    from optimizer.messages import scenario_title

    assert scenario_title("baseline") == "基准方案（baseline）"
    assert scenario_title("cert_share_70", "en") == "Certificate share raised to 70% (cert_share_70)"
    assert scenario_title("我的方案_1") == "我的方案_1"  # a user's own: its name


def test_a_share_that_rounds_to_nothing_has_no_sign():
    """The re-plan's integer gap, a rounding error below its LP bound, read 整数差距：-0.00% in runs show."""
    from optimizer.messages.numbers import share

    assert share(-1e-9, 2) == "0.00%" and share(-0.00004, 1) == "0.0%"
    assert share(-0.0001, 2) == "-0.01%" and share(0.0004, 2) == "0.04%" and share(0.6) == "60.0%"
