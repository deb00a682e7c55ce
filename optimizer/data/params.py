"""Parameters of one allocation run (a scenario's model settings), validated with pydantic.

The defaults are the tool's assumptions, each with its reason in the field description; the rules of
the notice (ρ = 60%, class sizes …) come from ``rules``. A scenario file overrides any of them.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

from optimizer import rules
from optimizer.data import limits
from optimizer.messages import msg

# Sane ranges of the settings (docs/errors.md): dates of a plan, persons, percentages, yuan.
FIRST_DATE = dt.date(1990, 1, 1)
LAST_DATE = dt.date(2100, 12, 31)
MAX_PERSONS = 10_000_000  # more than a fifth of Yunnan's population
MAX_PERCENT = 1000.0  # a change of at most ×11
MAX_PENALTY = 10_000_000.0  # yuan per trainee
MAX_WEIGHT = 1000.0
MAX_TIME_LIMIT = 86_400.0  # a day, in seconds
MAX_DEBARMENT_YEARS = 50


def _date_in_range(value: dt.date) -> dt.date:
    if not FIRST_DATE <= value <= LAST_DATE:
        raise ValueError(msg("limits.date_range", first=FIRST_DATE.isoformat(), last=LAST_DATE.isoformat()))
    return value


def _name_ok(value: str) -> str:
    problem = limits.text_problem(value, limits.MAX_NAME_LENGTH, is_name=True)
    if problem:
        raise ValueError(problem)
    return value


def _text_ok(value: str) -> str:
    problem = limits.text_problem(value, limits.MAX_TEXT_LENGTH)
    if problem:
        raise ValueError(problem)
    return value


SaneDate = Annotated[dt.date, AfterValidator(_date_in_range)]
Name = Annotated[str, AfterValidator(_name_ok)]  # a school, prefecture, county, unit, course, group
Text = Annotated[str, AfterValidator(_text_ok)]  # a description or reason
# Every model refuses nan and infinity (pydantic accepts them by default).
STRICT = ConfigDict(extra="forbid", allow_inf_nan=False)


class ObjectiveWeights(BaseModel):
    """Weights of the objective's terms (each term is reported separately)."""

    model_config = STRICT

    cost: float = Field(1.0, ge=0, le=MAX_WEIGHT, description="weight of training cost (price × trainees, yuan)")
    travel: float = Field(1.0, ge=0, le=MAX_WEIGHT,
                          description="weight of travel cost (trainee-km × travel_cost_per_km)")
    band: float = Field(1.0, ge=0, le=MAX_WEIGHT, description="weight of county-band slack penalties")
    mix: float = Field(1.0, ge=0, le=MAX_WEIGHT, description="weight of profession-mix slack penalties")
    balance: float = Field(1.0, ge=0, le=MAX_WEIGHT,
                           description="weight of the county-deviation cost inside the band")


class CapacityChange(BaseModel):
    """Change of an institution's capacity: all its courses, one course, or one profession group."""

    model_config = STRICT

    institution: Name
    course: Name | None = None
    group: Name | None = None
    percent: float | None = Field(None, ge=-100, le=MAX_PERCENT,
                                  description="change in percent (−50 = half the places)")
    value: int | None = Field(None, ge=0, le=MAX_PERSONS,
                              description="places a year, replacing the computed capacity")

    @model_validator(mode="after")
    def _one_change(self) -> CapacityChange:
        if (self.percent is None) == (self.value is None):
            raise ValueError(msg("scen.one_of", names=msg("scen.or").join(("percent", "value"))))
        if self.course and self.group:
            raise ValueError(msg("params.course_or_group"))
        if self.value is not None and not self.course:
            raise ValueError(msg("params.value_needs_course"))
        return self


class Lock(BaseModel):
    """School s must / must not serve an area: at least / at most N of its own quota there."""

    model_config = STRICT

    school: Name
    prefecture: Name | None = None
    county: Name | None = None
    at_least: int | None = Field(None, ge=0, le=MAX_PERSONS)
    at_most: int | None = Field(None, ge=0, le=MAX_PERSONS)

    @model_validator(mode="after")
    def _area_and_bound(self) -> Lock:
        if (self.prefecture is None) == (self.county is None):
            raise ValueError(msg("scen.one_of", names=msg("scen.or").join(("prefecture", "county"))))
        if self.at_least is None and self.at_most is None:
            raise ValueError(msg("params.lock_bound"))
        if self.at_least is not None and self.at_most is not None and self.at_least > self.at_most:
            raise ValueError(msg("params.lock_order", a=self.at_least, b=self.at_most))
        return self

    @property
    def area(self) -> str:
        return self.county or self.prefecture or ""


class ModelParams(BaseModel):
    """Everything the allocation model needs besides the data."""

    model_config = STRICT

    cert_share: float = Field(float(rules.MIN_CERTIFICATE_SHARE), ge=0, le=1,
                              description="R1: minimum certificate-class share of each unit's plan (ρ)")
    cert_share_by_unit: dict[str, float] = Field(default_factory=dict,
                                                 description="ρ for named units (unit code → share)")
    quota_mode: Literal["eq", "ge", "band"] = Field(
        "eq", description="school quota: exactly (eq), at least (ge), or within ±quota_band (band)")
    quota_band: float = Field(0.0, ge=0, le=1, description="relative band for quota_mode=band")
    indicator: str = Field("population_2020", description="county column whose shares set the county band")
    band_delta: float = Field(0.25, ge=0, le=1, description=(
        "assumed: county band is relative — a county with indicator share w hosts between (1−δ)w and (1+δ)w "
        "of its prefecture's tech-school trainees; 0.25 keeps training spread without forcing small counties"))
    band_penalty: float = Field(5000.0, ge=0, le=MAX_PENALTY, description=(
        "assumed: yuan per trainee outside the county band — above any price or travel saving, so the band "
        "is left only when nothing else works"))
    mix_tolerance: float = Field(0.05, ge=0, le=1, description=(
        "assumed: each profession group's share of a prefecture's tech-school trainees may differ from the "
        "focus share by this many share points"))
    mix_penalty: float = Field(2000.0, ge=0, le=MAX_PENALTY, description=(
        "assumed: yuan per trainee outside the mix tolerance — about one course price, so a planner sees "
        "where capacity cannot follow demand"))
    balance_inner: float = Field(0.10, ge=0, le=1, description=(
        "assumed: a county's school trainees within ±10% of its indicator share of the prefecture's target cost "
        "balance_cost_inner a trainee; beyond that, up to the band, balance_cost_outer (piecewise-linear)"))
    balance_cost_inner: float = Field(20.0, ge=0, description=(
        "assumed: yuan per trainee of deviation within ±balance_inner of a county's share — about 67 km of travel "
        "at 0.3 yuan/km, so a county leaves its share only for a real travel saving"))
    balance_cost_outer: float = Field(100.0, ge=0, description=(
        "assumed: yuan per trainee of deviation between balance_inner and the band — a county sits on a band "
        "limit only where that saves more than 100 yuan a trainee (≈ 330 km of travel, 5–10% of a course price)"))
    replan_change_cost: float = Field(1000.0, ge=0, le=MAX_PENALTY, description=(
        "assumed: yuan per trainee by which a re-plan changes a county's or an institution's total against the "
        "original plan (a trainee moved counts twice) — above the price gaps of the 2018 Yunnan catalogue "
        "(300–1,600 yuan, calibration.md), below band_penalty: a mid-year re-plan moves trainees where the "
        "records force it or a county would leave its band, never to save a course price"))
    advanced_floor: float | None = Field(None, ge=0, le=1, description=(
        "share of each prefecture's Annex 1 column 3 (高级工 and above) to be delivered by technical-school "
        "training placed there; default (None): the schools' share of that prefecture's training, column 5 / "
        "column 1 (notice 三(二): technical schools are the main force of training)"))
    certificate_floor: float | None = Field(None, ge=0, le=1, description=(
        "share of each prefecture's Annex 1 column 2 (certificate-class) delivered by technical-school training "
        "placed there; default (None): column 5 / column 1, as advanced_floor"))
    qualification_cap: float = Field(0.10, ge=0, le=1, description=(
        "assumed: at most this share of a prefecture's technical-school trainees in 培训合格证书 courses; notice "
        "三(三) asks to cut those classes; 10% is below the 15.6% the plan placed without a cap (issue 13)"))
    min_class_size: int = Field(15, ge=1, le=rules.MAX_CLASS_SIZE_ENTREPRENEURSHIP, description=(
        "assumed: smallest class that may open; 15 is half of R5's entrepreneurship class (30), the smallest "
        "size at which every total of at least one class splits into classes within [15, 30] and [15, 60]"))
    class_fill: float = Field(0.8, gt=0, le=1, description=(
        "assumed: share of an offer's seats (class slots × class size) the plan may fill; whole classes are "
        "rarely full and a course taught in several counties has part-filled classes (R5–R7 in classes)"))
    travel_cost_per_km: float = Field(0.3, ge=0, le=MAX_WEIGHT, description=(
        "assumed: yuan per trainee-km between the institution's home county and the training county "
        "(teachers' and equipment travel, straight-line distance)"))
    weights: ObjectiveWeights = Field(default_factory=ObjectiveWeights)
    excluded: list[str] = Field(default_factory=list, description="institution codes excluded from this run")
    as_of: SaneDate | None = Field(None, description="date for debarments (R14): decision + years; default: the "
                                   "notice's own date (data/notice.csv)")
    capacity_changes: list[CapacityChange] = Field(default_factory=list,
                                                   description="capacity changes (codes), applied in order")
    locks: list[Lock] = Field(default_factory=list, description="school must / must not serve an area (codes)")
    solver: Literal["highs", "cbc"] = Field("highs", description="LP solver (measured faster: see docs/model.md)")
    time_limit: float = Field(120.0, gt=0, le=MAX_TIME_LIMIT, description="seconds per solver call")

    @field_validator("cert_share_by_unit")
    @classmethod
    def _shares_in_range(cls, value: dict[str, float]) -> dict[str, float]:
        for unit, share in value.items():
            if not 0 <= share <= 1:
                raise ValueError(msg("params.unit_share", unit=unit, share=share))
        return value

    def cert_share_of(self, unit: str) -> float:
        return self.cert_share_by_unit.get(unit, self.cert_share)
