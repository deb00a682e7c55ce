"""Method and budget ceiling of every lot, and the lawful route of a lot with too few qualified schools.

Legal rules applied here (national government-procurement law; the notice itself says only 竞争性谈判、
竞争性磋商等方式, 三(二)):
- 公开招标 is compulsory for an item above the province's open-tender threshold for services
  (政府采购法 第二十七条; the amount is data: ``procurement_thresholds.csv``). The value that counts is the
  whole procurement item — all lots of one profession group in one area — because splitting an item to stay
  under the threshold is 化整为零 (政府采购法实施条例 第二十八条). An item above it is one tender with lots.
- Below the threshold: 竞争性磋商 for purchased services (财库〔2014〕214号 第三条(一)) or 竞争性谈判
  (政府采购法 第三十条; 财政部令第74号), as the user chooses.
- Below the decentralised-procurement limit (分散采购限额标准, data) the law's methods are not compulsory; the
  tool still proposes one and says so.
- Fewer than three qualified suppliers: a consultation of purchased services may proceed with two
  (财库〔2015〕124号); an open tender with fewer than three fails (政府采购法 第三十六条) and, with approval,
  becomes a consultation; one supplier: single source (政府采购法 第三十一条第一项) after public notice and
  approval (政府采购法实施条例 第三十八条); none: no lawful purchase, the demand must be re-planned.
- Ceiling (最高限价) = Σ trainees × the subsidy standard of the course's certificate type and level
  (``subsidy_standards.csv``): the bureau cannot pay more than the subsidy it claims.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from optimizer.messages import msg
from optimizer.messages.numbers import yuan
from optimizer.procurement.lots import parse_mix
from optimizer.procurement.tables import ProcurementTables

PUBLIC_TENDER, CONSULTATION, NEGOTIATION = "public_tender", "consultation", "negotiation"
METHODS = (PUBLIC_TENDER, CONSULTATION, NEGOTIATION)
METHOD_ALIASES = {"公开招标": PUBLIC_TENDER, "竞争性磋商": CONSULTATION, "竞争性谈判": NEGOTIATION,
                  "open tender": PUBLIC_TENDER, "tender": PUBLIC_TENDER}
MIN_SUPPLIERS_BY_LAW = 3  # 政府采购法 第三十六条 (tender), 第三十八条 (negotiation); 财库〔2014〕214号 (consultation)
SERVICES_MIN_SUPPLIERS = 2  # 财库〔2015〕124号: consultation of purchased services may go on with two


def method_name(method: str) -> str:
    return msg(f"proc.method.{method}")


def ceilings(lots: pd.DataFrame, courses: pd.DataFrame, tables: ProcurementTables) -> pd.Series:
    """Σ over the lot's course mix of trainees × subsidy standard; a lot without a mix uses the highest standard
    among its courses (a ceiling must not refuse a lawful quote)."""
    std = {r.code: tables.standard(r.certificate_type, r.level) for r in courses.itertuples()}
    out = []
    for r in lots.itertuples():
        mix = parse_mix(r.course_mix)
        if mix:
            out.append(float(sum(v * std[k] for k, v in mix.items())))
        else:
            out.append(float(r.trainees) * max(std[k] for k in str(r.courses).split(",")))
    return pd.Series(out, index=lots.index, name="ceiling_yuan")


def choose_methods(lots: pd.DataFrame, tables: ProcurementTables, default: str,
                   requested: pd.Series | None = None) -> pd.DataFrame:
    """method, method_rule and item_value_yuan per lot; ``requested`` (a lots file's own methods) is honoured
    unless it is not a tender above the threshold (then the caller reports it)."""
    threshold = tables.thresholds["public_tender_services"]
    limit = tables.thresholds["procurement_limit_services"]
    item = lots["item"] if "item" in lots else lots["area"].astype(str) + "|" + lots["group"].astype(str)
    value = lots.groupby(item)["ceiling_yuan"].transform("sum")
    methods, rules_ = [], []
    for i, r in enumerate(lots.itertuples()):
        v = float(value.iloc[i])
        ask = requested.iloc[i] if requested is not None else None
        method = PUBLIC_TENDER if v > threshold else (ask or default)
        args = {"area": r.area_name, "group": r.group_name, "value": yuan(v), "threshold": yuan(threshold)}
        key = "public_tender" if v > threshold else ("tender_by_choice" if method == PUBLIC_TENDER else method)
        rule = msg(f"proc.rule.{key}", **args)
        if v < limit:
            rule += msg("proc.rule.below_limit", limit=yuan(limit))
        methods.append(method)
        rules_.append(rule)
    return pd.DataFrame({"item_value_yuan": value.to_numpy(), "method": methods, "method_rule": rules_},
                        index=lots.index)


def exception_routes(lots: pd.DataFrame, eligible_count: np.ndarray, limiting: list[str], minimum: int) -> pd.DataFrame:
    """exception (why fewer than ``minimum`` qualify) and route (what the law still allows) per lot."""
    exc, route = [], []
    for i, r in enumerate(lots.itertuples()):
        n = int(eligible_count[i])
        if n >= minimum:
            exc.append("")
            route.append("")
            continue
        exc.append(limiting[i])
        if n >= MIN_SUPPLIERS_BY_LAW:
            route.append("")  # lawful; below the bureau's own stricter minimum only
        elif n >= SERVICES_MIN_SUPPLIERS:
            route.append(msg("proc.route.two_tender" if r.method == PUBLIC_TENDER else "proc.route.two"))
        elif n == 1:
            route.append(msg("proc.route.single"))
        else:
            route.append(msg("proc.route.none"))
    return pd.DataFrame({"exception": exc, "route": route}, index=lots.index)
