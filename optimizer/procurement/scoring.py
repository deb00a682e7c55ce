"""Lawful scoring and ranking of a lot's responsive suppliers.

Legal rules applied here:
- 综合评分 (consultation, 财库〔2014〕214号 第二十四条; open tender, 财政部令第87号 第五十五条):
  price score = 评标基准价 / 报价 × price weight × 100, where the base price is the lowest responsive quote
  (满足磋商文件要求且最后报价最低的供应商的价格为磋商基准价); for services the price weight lies in 10%–30%.
  Ties: the lower final quote first, then the better technical score (214号 第二十四条); then the order the
  procurement documents fix (a draw) — shown here by school code and marked as a tie.
- 竞争性谈判 (政府采购法 第三十八条第五项): the lowest responsive quote wins among suppliers meeting the
  requirements; equal quotes are a tie the documents resolve (here by school code, marked).
- Technical factors must concern the service: 政府采购法实施条例 第二十条 bars conditions unrelated to
  performing the contract, 政府采购促进中小企业发展管理办法 第五条 bars supplier size (注册资本、资产总额、
  营业收入、从业人员、利润、纳税额) as qualification or evaluation factors, and the notice bars regional
  barriers (R4). So no criterion measures distance, location or school size: the data-scored criteria measure
  sufficiency for THIS lot and are capped at full points once the lot's need is met.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, model_validator

from optimizer.messages import msg
from optimizer.procurement.methods import CONSULTATION, NEGOTIATION

# 财库〔2014〕214号 第二十四条 / 财政部令第87号 第五十五条: services' price weight 10%–30%.
PRICE_WEIGHT_RANGE_SERVICES = (0.10, 0.30)


@dataclass(frozen=True)
class Criterion:
    code: str
    scored_by: Literal["panel", "data"]  # experts' points, or computed from the data for the simulation
    default_points: float


CRITERIA = (
    Criterion("training_plan", "panel", 30.0),
    Criterion("teachers", "data", 15.0),
    Criterion("equipment", "data", 15.0),
    Criterion("exam_separation", "panel", 10.0),
    Criterion("past_delivery", "panel", 0.0),  # no delivery records in the data: weight it when they exist
)
CRITERION_CODES = tuple(c.code for c in CRITERIA)
# Factors that measure size or place: refused with the rule that bars them.
FORBIDDEN_FACTORS = ("distance", "location", "proximity", "local", "capacity_margin", "size", "scale",
                     "registered_capital", "revenue", "staff", "employees")


class ShortlistParams(BaseModel):
    """Settings of a shortlist run; criterion weights are points out of 100."""

    model_config = ConfigDict(extra="forbid")

    method: Literal["consultation", "negotiation"] = Field(
        CONSULTATION, description="method for lots below the open-tender threshold")
    price_weight: float = Field(0.30, description="share of price in a comprehensive score (services: 10%–30%)")
    technical_weights: dict[str, float] = Field(
        default_factory=lambda: {c.code: c.default_points for c in CRITERIA},
        description="points of each technical criterion; with price_weight × 100 they make 100")
    min_suppliers: int = Field(3, ge=1, description="qualified schools a lot should have")
    lot_date: dt.date | None = Field(None, description="date of the lots, for debarments (R14); default: the "
                                     "allocation's as-of date")
    area: Literal["prefecture", "county"] = Field("prefecture", description="area of a lot")
    thin_lots: Literal["province", "area"] = Field(
        "province", description="courses too few schools teach: one province-wide lot, or one lot per area")

    @model_validator(mode="after")
    def _check_weights(self) -> ShortlistParams:
        low, high = PRICE_WEIGHT_RANGE_SERVICES
        # every run may have open-tender lots, scored comprehensively: the services range always applies
        if not low <= self.price_weight <= high:
            raise ValueError(msg("proc.params.price_weight", weight=f"{self.price_weight:.0%}", low=f"{low:.0%}",
                                 high=f"{high:.0%}"))
        for name, w in self.technical_weights.items():
            if any(word in name.lower() for word in FORBIDDEN_FACTORS):
                raise ValueError(msg("proc.params.size_location", name=name))
            if name not in CRITERION_CODES:
                raise ValueError(msg("proc.params.unknown_criterion", name=name, codes=", ".join(CRITERION_CODES)))
            if w < 0:
                raise ValueError(msg("proc.params.negative", name=name, w=w))
        total = self.price_weight * 100 + sum(self.technical_weights.values())
        if abs(total - 100) > 1e-9:
            raise ValueError(msg("proc.params.total", price=f"{self.price_weight * 100:g}",
                                 tech=f"{sum(self.technical_weights.values()):g}", total=f"{total:g}"))
        return self

    def points(self, code: str) -> float:
        return float(self.technical_weights.get(code, 0.0))


def criteria_table(params: ShortlistParams) -> pd.DataFrame:
    """The evaluation criteria with their points and what earns them (the 评审表's rows)."""
    rows = [{"criterion": "price", "name": msg("proc.criterion.price"), "max_points": params.price_weight * 100,
             "scored_by": "formula", "standard": msg("proc.criterion_rule.price")}]
    for c in CRITERIA:
        if params.points(c.code) > 0:
            rows.append({"criterion": c.code, "name": msg(f"proc.criterion.{c.code}"),
                         "max_points": params.points(c.code), "scored_by": c.scored_by,
                         "standard": msg(f"proc.criterion_rule.{c.code}")})
    return pd.DataFrame(rows)


def price_scores(quotes: pd.Series, lots: pd.Series, valid: pd.Series, weight: float) -> pd.Series:
    """214号: lowest valid quote of the lot / quote × weight × 100 for valid entries; NaN elsewhere."""
    base = quotes.where(valid).groupby(lots).transform("min")
    return (base / quotes * weight * 100).where(valid)


def rank(frame: pd.DataFrame, comprehensive: pd.Series) -> pd.DataFrame:
    """``rank`` (1 = first) and ``tie`` per valid entry; comprehensive lots by total, negotiation by quote.

    Needs columns lot, school_code, valid, quote_yuan, total_score, technical_score.
    """
    f = frame.assign(_comp=comprehensive.to_numpy(), _neg_total=-frame["total_score"].fillna(-1e18),
                     _neg_tech=-frame["technical_score"].fillna(-1e18))
    f["_k1"] = np.where(f["_comp"], f["_neg_total"], f["quote_yuan"])
    f["_k2"] = np.where(f["_comp"], f["quote_yuan"], 0.0)
    f["_k3"] = np.where(f["_comp"], f["_neg_tech"], 0.0)
    valid = f[f["valid"]].sort_values(["lot", "_k1", "_k2", "_k3", "school_code"])
    ranks = valid.groupby("lot", sort=False).cumcount() + 1
    keys = valid[["lot", "_k1", "_k2", "_k3"]].round(9)
    tie = keys.duplicated(keep=False)
    out = frame.copy()
    out["rank"] = pd.Series(ranks, index=valid.index).reindex(frame.index).astype("Int64")
    out["tie"] = pd.Series(tie, index=valid.index).reindex(frame.index).fillna(False).astype(bool)
    return out


def score_entries(entries: pd.DataFrame, params: ShortlistParams) -> pd.DataFrame:
    """Simulated scores of every qualified, responsive entry: price by formula; data criteria from the lot's need
    (teachers_value, equipment_value in [0, 1]); panel criteria at full points for all (they cannot change the
    order, and real panels replace them in ``evaluate``)."""
    e = entries.copy()
    comp = e["method"] != NEGOTIATION
    valid = e["eligible"] & e["responsive"]
    e["valid"] = valid
    e["price_score"] = price_scores(e["quote_yuan"], e["lot"], valid & comp, params.price_weight).round(4)
    tech = pd.Series(0.0, index=e.index)
    for c in CRITERIA:
        pts = params.points(c.code)
        if pts <= 0:
            continue
        value = e[f"{c.code}_value"] if c.scored_by == "data" else pd.Series(1.0, index=e.index)
        col = (pts * value).where(valid & comp).round(4)
        e[f"{c.code}_score"] = col
        tech = tech + col.fillna(0.0)
    e["technical_score"] = tech.where(valid & comp).round(4)
    e["total_score"] = (e["price_score"] + e["technical_score"]).where(valid & comp).round(4)
    return rank(e, comp)
