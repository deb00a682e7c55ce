"""The rules of notice 云人社通〔2022〕8号, each named after the rule, in one place.

Every number the code uses because the notice says so lives here, with the section it comes
from. Numbers the notice does not give are data (``data/``), never constants in code.
"""

from __future__ import annotations

from decimal import Decimal

# Units of the annexes: Annex 1 in 万人次, Annex 2 in 万人; 1 万 = 10,000 (exact, Decimal).
WAN = Decimal(10000)

# R1 (Annex 4 note): certificate-class training ≥ 60% of each provincial-project unit's plan.
MIN_CERTIFICATE_SHARE = Decimal("0.60")

# R5 (三(五)): at most 60 trainees a class; entrepreneurship classes at most 30.
MAX_CLASS_SIZE = 60
MAX_CLASS_SIZE_ENTREPRENEURSHIP = 30

# R6 (三(五)): certificate-class courses ≥ 120 class hours per level; ≤ 8 class hours a day.
MIN_CERTIFICATE_CLASS_HOURS = 120
MAX_CLASS_HOURS_PER_DAY = 8

# R14 (四(三)): institutions caught faking or subcontracting are excluded for three years.
DEBARMENT_YEARS = 3

# R17 (四, last paragraph; 三(九)): the deadlines (county breakdown due, the two tracking reports, the
# subsidy approval limit in working days) change with every year's notice, so they are data: data/notice.csv,
# loaded as ``PlanData.notice``.

# R18 (四(二)): track the five institutions with the most subsidised training per locality.
TOP_INSTITUTIONS_TRACKED = 5

# Certificate types (三(十一)). Certificate-class in the sense of Annex 1 column 2 and R1 are the
# first two: 职业资格证书 and 职业技能等级证书.
CERTIFICATE_TYPES = (
    "职业资格证书",
    "职业技能等级证书",
    "专项职业能力证书",
    "培训合格证书",
    "创业培训",
)
CERTIFICATE_CLASS_TYPES = frozenset({"职业资格证书", "职业技能等级证书"})
ENTREPRENEURSHIP_TYPE = "创业培训"

# Skill levels; 高级工 (三级) and above count for Annex 1 column 3.
LEVELS = ("五级", "四级", "三级", "二级", "一级")
ADVANCED_LEVELS = frozenset({"三级", "二级", "一级"})

# School types of Annex 2.
SCHOOL_TYPES = ("技师学院", "高级技工学校", "技工学校")


def max_class_size(certificate_type: str) -> int:
    """R5: the largest class allowed for a course of this certificate type."""
    if certificate_type == ENTREPRENEURSHIP_TYPE:
        return MAX_CLASS_SIZE_ENTREPRENEURSHIP
    return MAX_CLASS_SIZE


def is_certificate_class(certificate_type: str) -> bool:
    """R1 / Annex 1 column 2: does this certificate type count as certificate-class?"""
    return certificate_type in CERTIFICATE_CLASS_TYPES


def is_advanced(level: str | None) -> bool:
    """Annex 1 column 3: 高级工 (三级) and above."""
    return level in ADVANCED_LEVELS


def days_per_class(class_hours: int) -> int:
    """R6: a class of ``class_hours`` needs ⌈hours / 8⌉ training days."""
    return -(-int(class_hours) // MAX_CLASS_HOURS_PER_DAY)


def wan_to_persons(value: Decimal) -> int:
    """Convert 万 (人次) to persons exactly; refuses a value that is not a whole number of persons."""
    persons = value * WAN
    if persons != persons.to_integral_value():
        raise ValueError(f"{value} 万 is not a whole number of persons ({persons})")
    return int(persons)
