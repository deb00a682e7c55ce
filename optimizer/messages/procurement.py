"""Procurement messages: eligibility reasons, methods and their legal basis, exception routes, evaluation checks."""

CATALOGUE: dict[str, tuple[str, str]] = {
    "proc.province": ("全省", "province"),
    "proc.method.public_tender": ("公开招标", "open tender"),
    "proc.method.consultation": ("竞争性磋商", "competitive consultation"),
    "proc.method.negotiation": ("竞争性谈判", "competitive negotiation"),
    "proc.rule.public_tender": (
        "同一品目（{area}{group}）预算 {value} 超过公开招标数额标准 {threshold}：公开招标，可分包；不得化"
        "整为零规避（政府采购法实施条例第二十八条）",
        "the item ({area} {group}) is worth {value}, above the open-tender threshold {threshold}: open te"
        "nder, lots allowed; splitting to avoid it is barred (Implementing Regulations Art. 28)"),
    "proc.rule.consultation": (
        "同一品目（{area}{group}）预算 {value} 未超过公开招标数额标准 {threshold}：政府购买服务项目可采用"
        "竞争性磋商（财库〔2014〕214号第三条）",
        "the item ({area} {group}) is worth {value}, not above the open-tender threshold {threshold}: pur"
        "chased services may be bought by competitive consultation (财库〔2014〕214号 Art. 3)"),
    "proc.rule.negotiation": (
        "同一品目（{area}{group}）预算 {value} 未超过公开招标数额标准 {threshold}：竞争性谈判（政府采购法"
        "第三十条、财政部令第74号），最低报价成交",
        "the item ({area} {group}) is worth {value}, not above the open-tender threshold {threshold}: com"
        "petitive negotiation (Procurement Law Art. 30, MOF Order 74), lowest responsive quote wins"),
    "proc.rule.tender_by_choice": (
        "同一品目（{area}{group}）预算 {value} 未超过公开招标数额标准 {threshold}，采购人选择公开招标",
        "the item ({area} {group}) is worth {value}, not above the open-tender threshold {threshold}; the"
        " buyer chose an open tender"),
    "proc.rule.below_limit": (
        "；低于分散采购限额标准 {limit}，法定方式非强制，仍建议按此方式采购",
        "; below the decentralised-procurement limit {limit} the law's methods are not compulsory, the to"
        "ol still proposes this one"),
    "proc.reason.R3_major": ("R3：未开设{group}专业", "R3: does not offer the {group} major"),
    "proc.reason.R3_course": ("R3：未开设课程 {courses}", "R3: does not teach {courses}"),
    "proc.reason.R7": (
        "R5–R7：{courses} 的教学设备不足以开一个班",
        "R5–R7: equipment for {courses} cannot run one class"),
    "proc.reason.R14": ("R14：{date} 处于取消资格期内", "R14: debarred on {date}"),
    "proc.reason.R15": ("R15：无在省培训平台登记的师资", "R15: no teachers registered on the provincial platform"),
    "proc.reason.R16": ("R16：无创业培训讲师", "R16: no teacher holds an entrepreneurship-trainer certificate"),
    "proc.reason.excluded": ("方案设定排除该校", "excluded by the scenario"),
    "proc.reason.quote_over_ceiling": (
        "报价 {quote} 超过最高限价 {ceiling}，无效",
        "quote {quote} above the ceiling {ceiling}: not responsive"),
    "proc.flag.R13": (
        "R13 考培分离：本校为{course}评价机构，学员须到其他机构评价",
        "R13: also an evaluator for {course}; its trainees must be assessed elsewhere"),
    "proc.exception.few": (
        "全省仅 {n} 所技工院校具备{what}的资格",
        "only {n} technical school(s) in the province qualify for {what}"),
    "proc.exception.excluded": ("（另有 {m} 所开设但因 {codes} 不合格）", " ({m} more offer it but fail {codes})"),
    "proc.route.two": (
        "两家合格：政府购买服务项目采用竞争性磋商，合格供应商只有2家的，磋商可继续进行（财库〔2015〕124号"
        "）",
        "two qualify: a purchased service bought by competitive consultation may proceed with two supplie"
        "rs (财库〔2015〕124号)"),
    "proc.route.two_tender": (
        "两家合格：公开招标不足三家将废标（政府采购法第三十六条）；经批准改为竞争性磋商，两家可继续（财库"
        "〔2015〕124号）",
        "two qualify: an open tender with fewer than three bidders fails (Procurement Law Art. 36); with "
        "approval switch to consultation, which may proceed with two (财库〔2015〕124号)"),
    "proc.route.single": (
        "仅一家合格：单一来源采购（政府采购法第三十一条第一项），须公示并经财政部门批准（实施条例第三十八"
        "条）",
        "one qualifies: single-source procurement (Procurement Law Art. 31(1)), after public notice and t"
        "he finance department's approval (Implementing Regulations Art. 38)"),
    "proc.route.none": (
        "无合格技工院校：无法依法采购，须调整计划（改开其他课程或由其他备案机构承担）",
        "no technical school qualifies: no lawful purchase; re-plan (another course or another filed inst"
        "itution)"),
    "proc.criterion.price": ("价格", "price"),
    "proc.criterion.training_plan": ("培训方案", "training plan"),
    "proc.criterion.teachers": ("师资（平台登记教师）", "teachers registered on the platform"),
    "proc.criterion.equipment": ("教学设备", "teaching equipment"),
    "proc.criterion.exam_separation": ("考培分离", "separation of training and assessment"),
    "proc.criterion.past_delivery": ("以往履约", "past delivery"),
    "proc.criterion_rule.price": (
        "评标基准价/报价×价格权值×100（财库〔2014〕214号第二十四条），基准价为有效最低报价",
        "base price / quote × price weight × 100 (财库〔2014〕214号 Art. 24); the base is the lowest resp"
        "onsive quote"),
    "proc.criterion_rule.training_plan": (
        "课程设置、教学计划、学时安排（每级≥120课时、每天≤8课时）满足采购需求的程度",
        "courses, schedule and hours (≥ 120 per level, ≤ 8 a day) against the need"),
    "proc.criterion_rule.teachers": (
        "在省职业技能网络培训平台登记的授课教师数与本包班次之比，达到每班一名得满分",
        "platform-registered teachers per class of the lot; full points at one per class"),
    "proc.criterion_rule.equipment": (
        "本包各课程的教学设备套数能否在年内开完本包班次，满足得满分",
        "whether the equipment sets for the lot's courses can run its classes within the year; full point"
        "s when they can"),
    "proc.criterion_rule.exam_separation": (
        "考培分离安排（本校为评价机构时须安排其他机构评价）",
        "arrangements for separate assessment (an evaluator school must send its trainees elsewhere)"),
    "proc.criterion_rule.past_delivery": (
        "以往补贴性培训的履约情况（需平台数据）",
        "delivery of past subsidised training (needs platform data)"),
    "proc.award.unawarded": ("容量不足，无法授予", "no qualified school has the capacity left"),
    "proc.table.missing_threshold": ("缺少限额标准 {item}", "threshold {item} is missing"),
    "proc.table.no_standard": (
        "课程 {course} 的 {ctype}{level} 没有补贴标准",
        "course {course}: no subsidy standard for {ctype} {level}"),
    "proc.table.not_a_school": ("不是附件2的技工院校", "not an Annex 2 technical school"),
    "proc.lots.unknown_area": ("未知的州（市）或县（市、区）{hint}", "unknown prefecture or county{hint}"),
    "proc.lots.did_you_mean": ("；是否为 {name}？", "; did you mean {name}?"),
    "proc.lots.unknown_course": (
        "不是课程代码、课程名称或专业大类：{item}",
        "not a course code, course name or profession group: {item}"),
    "proc.lots.bad_mix": (
        "课程构成应为 课程:人数;…，人数之和等于 trainees",
        "course mix must be course:trainees;… adding up to trainees"),
    "proc.lots.mixed_groups": (
        "一个包的课程须属于同一专业大类",
        "a lot's courses must belong to one profession group"),
    "proc.lots.bad_method": (
        "采购方式应为 公开招标、竞争性磋商 或 竞争性谈判",
        "method must be open tender, consultation or negotiation"),
    "proc.lots.missing_column": ("缺少必需的列", "required column is missing"),
    "proc.lots.unknown_column": ("未知的列", "unknown column"),
    "proc.lots.bad_date": ("日期应为 YYYY-MM-DD", "expected a date as YYYY-MM-DD"),
    "proc.eval.unknown_lot": ("未知的包号", "unknown lot"),
    "proc.eval.unknown_school": ("未知的学校{hint}", "unknown school{hint}"),
    "proc.eval.not_qualified": (
        "该校不具备本包资格：{reasons}",
        "the school does not qualify for this lot: {reasons}"),
    "proc.eval.bad_number": ("应为正数", "expected a positive number"),
    "proc.eval.over_ceiling": ("报价超过本包最高限价 {ceiling}", "quote above the lot's ceiling {ceiling}"),
    "proc.eval.duplicate": ("重复：与第 {row} 行相同", "duplicate of row {row}"),
    "proc.eval.unknown_criterion": ("未知的评审因素；可选：{choices}", "unknown criterion; choose from {choices}"),
    "proc.eval.price_is_computed": (
        "价格分由报价计算，不由评委打分",
        "the price score is computed from the quote, not scored by experts"),
    "proc.eval.over_max": ("分数超过该因素满分 {max}", "points above the criterion's maximum {max}"),
    "proc.eval.no_quote": ("该校在本包没有报价", "the school has no quote in this lot"),
    "proc.eval.incomplete": (
        "评委 {expert} 未给 {school} 打分：{criteria}",
        "expert {expert} did not score {school} on {criteria}"),
    "proc.eval.missing_file": (
        "缺少 {name}：请指定 shortlist 的输出目录",
        "{name} is missing: give the folder a shortlist run wrote"),
    "proc.cli.summary": (
        "{lots} 个采购包；{ok} 个（{share}）有不少于 {m} 所合格学校；已写入 {out}/",
        "{lots} lots; {ok} ({share}) with at least {m} qualified schools; written to {out}/"),
    "proc.cli.exception_line": (
        "  {lot} {area} {group}：{n} 所合格；{route}",
        "  {lot} {area} {group}: {n} qualify; {route}"),
    "proc.cli.awards": (
        "中标模拟：预计 {cost}，最高限价合计 {ceiling}；{over} 所学校若不受容量约束将超额中标",
        "award simulation: expected {cost} against ceilings of {ceiling}; {over} school(s) would be over-"
        "committed without the capacity check"),
    "proc.cli.unawarded": (
        "  {n} 个包共 {classes} 个班无合格学校有余力承担（award_shortfall.csv）",
        "  {n} lot(s) keep {classes} class(es) no qualified school has room for (award_shortfall.csv)"),
    "proc.cli.evaluate_help": (
        "按 shortlist 的输出目录核对真实报价与评委打分，给出排名及各项得分",
        "score real quotes and panel points against a shortlist run's folder; ranking with every part"),
    "proc.cli.needs_scores": (
        "其中 {lots} 个包按综合评分法评审，须有评审小组的技术分才能排名：请用 --scores 给出评分表（现只算了价格分）",
        "{lots} lot(s) are scored (综合评分) and need the panel's technical scores to be ranked: give them with "
        "--scores (only the price scores are computed)"),
    "proc.cli.evaluated": (
        "已评 {lots} 个包、{quotes} 份报价；结果写入 {out}/",
        "{lots} lots, {quotes} quotes evaluated; written to {out}/"),
    "proc.note.simulated": (
        "评委打分因素（培训方案、考培分离）在模拟中按满分计，不影响排序",
        "panel criteria (training plan, assessment separation) are simulated at full points: they do not "
        "change the order"),
    "proc.note.no_size": (
        "评审因素只涉及服务本身；不含学校规模、距离或所在地（政府采购法实施条例第二十条；政府采购促进中小"
        "企业发展管理办法第五条；通知R4）",
        "criteria concern the service only: no school size, distance or location (Implementing Regulation"
        "s Art. 20; SME Measures Art. 5; notice R4)"),
    "proc.xlsx.summary": ("汇总", "Summary"),
    "proc.xlsx.summary_title": ("采购包汇总（技工院校补贴性培训）", "Lots (technical schools' subsidised training)"),
    "proc.xlsx.requirements": ("采购需求", "Requirements"),
    "proc.xlsx.requirements_title": (
        "采购需求：每包的课程、人数、班数、县（市、区）、期限与最高限价",
        "What each lot buys: courses, trainees, classes, counties, period, ceiling"),
    "proc.xlsx.evaluation": ("评审表", "Evaluation sheet"),
    "proc.xlsx.awards": ("中标模拟", "Awards (simulated)"),
    "proc.xlsx.capacity": ("容量核对", "Capacity check"),
    "proc.xlsx.entries": ("候选明细", "Entries"),
    "proc.xlsx.lot": ("包号", "lot"),
    "proc.xlsx.area": ("采购区域", "area"),
    "proc.xlsx.item": ("品目", "item"),
    "proc.xlsx.courses": ("课程及人数", "courses and trainees"),
    "proc.xlsx.trainees": ("人数", "trainees"),
    "proc.xlsx.classes": ("班数", "classes"),
    "proc.xlsx.counties": ("县（市、区）及人数", "counties and trainees"),
    "proc.xlsx.period": ("培训期限", "period"),
    "proc.xlsx.ceiling": ("最高限价（元）", "ceiling (yuan)"),
    "proc.xlsx.method": ("采购方式", "method"),
    "proc.xlsx.method_rule": ("方式依据", "why this method"),
    "proc.xlsx.eligible": ("合格学校数", "qualified schools"),
    "proc.xlsx.exception": ("不足三家的原因", "why fewer than three"),
    "proc.xlsx.route": ("可行的依法途径", "lawful route"),
    "proc.xlsx.criterion": ("评审因素", "criterion"),
    "proc.xlsx.points": ("分值", "points"),
    "proc.xlsx.standard": ("评分标准", "how points are earned"),
    "proc.xlsx.total": ("合计", "total"),
    "proc.xlsx.no_school": ("（无合格学校）", "(no qualified school)"),
    "proc.xlsx.responsive": ("是否满足采购需求", "meets the requirements"),
    "proc.xlsx.responsive_rule": (
        "资格、课程、师资、设备均满足采购需求填“是”",
        "yes when qualification, courses, teachers and equipment meet the need"),
    "proc.xlsx.final_quote": ("最后报价（元）", "final quote (yuan)"),
    "proc.xlsx.negotiation_rule": (
        "满足需求且报价最低者成交（政府采购法第三十八条）",
        "lowest responsive quote wins (Procurement Law Art. 38)"),
    "proc.xlsx.signature": (
        "评审小组成员签名：　　　　　　　　日期：",
        "Panel member's signature:                 Date:"),
    # column headers of the 汇总, 中标模拟, 容量核对 and 候选明细 sheets (the CSV files keep their English names)
    "proc.xlsx.col.courses": ("课程", "courses"),
    "proc.xlsx.col.flag": ("提示", "flag"),
    "proc.xlsx.col.flag_few": ("不足三家", "fewer than three"),
    "proc.xlsx.col.top_three": ("模拟排名前三的合格学校", "top three qualified schools (simulated)"),
    "proc.xlsx.col.school_code": ("学校代码", "school code"),
    "proc.xlsx.col.school": ("学校", "school"),
    "proc.xlsx.col.course_code": ("课程代码", "course code"),
    "proc.xlsx.col.course": ("课程", "course"),
    "proc.xlsx.col.rank": ("模拟排名", "simulated rank"),
    "proc.xlsx.col.cost_yuan": ("预计中标金额（元）", "expected award (yuan)"),
    "proc.xlsx.col.capacity_classes": ("可开班数", "class capacity"),
    "proc.xlsx.col.reserved_classes": ("包外已占班数", "classes reserved outside the lots"),
    "proc.xlsx.col.available_classes": ("可供采购班数", "classes available to the lots"),
    "proc.xlsx.col.awarded_classes": ("中标班数", "classes awarded"),
    "proc.xlsx.col.first_ranked_classes": ("仅按排名第一所需班数", "classes the first-ranked alone would need"),
    "proc.xlsx.col.qualified": ("是否合格", "qualified"),
    "proc.xlsx.col.reasons": ("不合格原因", "why not qualified"),
    "proc.xlsx.col.flags": ("提示", "flags"),
    "proc.xlsx.col.quote_yuan": ("模拟报价（元）", "simulated quote (yuan)"),
    "proc.xlsx.col.price_score": ("价格分", "price points"),
    "proc.xlsx.col.training_plan_score": ("培训方案分", "training plan points"),
    "proc.xlsx.col.teachers_score": ("师资分", "teachers points"),
    "proc.xlsx.col.equipment_score": ("教学设备分", "equipment points"),
    "proc.xlsx.col.exam_separation_score": ("考培分离分", "assessment separation points"),
    "proc.xlsx.col.technical_score": ("技术分合计", "technical points"),
    "proc.xlsx.col.total_score": ("总分", "total points"),
    "proc.xlsx.col.tie": ("并列", "tie"),
}

CATALOGUE.update({
    "proc.params.price_weight": ("价格分权重 {weight} 超出服务类采购的 {low}–{high} 范围（财库〔2014〕214号第二十四条；"
                                 "财政部令第87号第五十五条）",
                                 "price weight {weight} is outside {low}–{high}, the range for services "
                                 "(财库〔2014〕214号 Art. 24; MOF Order 87 Art. 55)"),
    "proc.params.size_location": ("评审因素“{name}”衡量规模或所在地，不得作为评审因素（政府采购法实施条例第二十条；"
                                  "中小企业办法第五条；通知 R4）",
                                  "criterion '{name}' measures size or location, which may not be an evaluation "
                                  "factor (政府采购法实施条例 Art. 20; 中小企业办法 Art. 5; notice R4)"),
    "proc.params.unknown_criterion": ("未知的技术评审因素“{name}”：可选 {codes}",
                                      "unknown technical criterion '{name}': choose from {codes}"),
    "proc.params.negative": ("“{name}”的分值为负（{w}）", "weight of {name} is negative ({w})"),
    "proc.params.total": ("价格分 {price} 与技术分 {tech} 合计 {total} 分，不是 100 分",
                          "price weight {price} and technical weights {tech} make {total} points, not 100"),
    "proc.params.name_points": ("应为 名称=分值", "expected NAME=POINTS"),
})
