"""Messages of the assumption analysis (issue 20): sourced ranges, `assumptions`, covers, Monte Carlo sweeps."""

CATALOGUE: dict[str, tuple[str, str]] = {
    # data/assumption_ranges.csv and the loader
    "asm.out_of_range": ("超出公开来源支持的范围 {low}–{high}{unit}（依据见 assumption_ranges.csv）",
                         "outside the range public sources support, {low}–{high}{unit} "
                         "(basis in assumption_ranges.csv)"),
    "asm.range_not_assumed_table": ("不是假设数据表（只有带 basis 列的假设表才有取值范围）",
                                    "not an assumed table (only the assumed tables, with a basis column, have ranges)"),
    "asm.range_not_numeric": ("不是 {table} 的数值列", "not a numeric column of {table}"),
    "asm.range_inverted": ("上限小于下限 {low}", "the high end is below the low end {low}"),
    "asm.range_no_source": ("须注明来源，或写明未找到来源及取值理由",
                            "name the source, or say that none was found and why the range was chosen"),
}
CATALOGUE.update({
    "asm.moved": ("调整 {n} 人", "{n} moved"),
    "asm.cover_first": ("提交前请核实", "check before you submit"),
    "asm.cover_label": ("　{rank}", "  {rank}"),
    "asm.infeasible_at_end": ("取到范围端点时方案不可行", "the plan becomes infeasible at an end of the range"),
    "asm.score": ("对本地区的影响约 {amount}", "moves this area by about {amount}"),
    "asm.cover_item": ("{name} {what} {value}{unit}（公开来源范围 {low}–{high}）：{score}",
                       "{name} {what} {value}{unit} (sourced range {low}–{high}): {score}"),
    "asm.col.offers.equipment_sets": ("设备套数", "equipment sets"),
    "asm.col.offers.days_available": ("可用天数", "days available"),
    "asm.col.offers.price_per_trainee": ("报价（元/人）", "price (yuan a trainee)"),
    "asm.col.courses.class_hours": ("课时", "class hours"),
    "asm.col.courses.max_class_size": ("班额", "class size"),
    "asm.col.profession_focus.share": ("专业需求占比", "profession share"),
    "asm.col.institutions.platform_teachers": ("平台注册教师数", "platform-registered teachers"),
    "asm.col.institutions.siyb_trainers": ("创业培训讲师数", "SIYB trainers"),
})
CATALOGUE.update({
    "asm.xlsx.infeasible": ("不可行", "infeasible"),
    "asm.xlsx.sheet_readme": ("说明", "read me"),
    "asm.xlsx.sheet_all": ("全部假设排序", "all assumptions"),
    "asm.xlsx.sheet_top": ("重点假设复算", "top re-solved"),
    "asm.xlsx.sheet_prefectures": ("各州市核实清单", "per prefecture"),
    "asm.xlsx.title": ("假设数据敏感性分析（供规划人员核实）", "How much the plan depends on each assumed number"),
    "asm.xlsx.scenario": ("方案", "scenario"),
    "asm.xlsx.input_id": ("输入标识", "input id"),
    "asm.xlsx.objective": ("线性规划目标值", "LP objective"),
    "asm.xlsx.count": ("进入模型的假设数", "assumed numbers in the model"),
    "asm.xlsx.how1_label": ("这是什么", "what this is"),
    "asm.xlsx.how1": ("通知未给出各院校的专业、设备、天数、报价等数据，本表列出模型使用的每一个假设数字、公开来源"
                      "支持的取值范围及其来源，"
                      "并按其对方案的影响大小排序。排名靠前的数字请在县级分解上报前与相关学校核实。",
                      "The notice gives no majors, equipment, days or prices; every assumed number the model uses is "
                      "listed with the range public sources support and ranked by how much it moves the plan."),
    "asm.xlsx.how2_label": ("敏感度怎么算", "how the sensitivity is computed"),
    "asm.xlsx.how2": ("在线性规划松弛上：容量类（设备套数、可用天数、课时、班额）用影子价格（每增加一个名额可节省"
                      "的元数）乘以取到来源范围端点时名额的变化；"
                      "增加名额只计到影子价格成立的区间为止，减少名额不截断（均为变化量的下界）。报价用学员数乘以"
                      "报价变化。"
                      "需求占比用专业结构约束的影子价格。敏感度取两端中较大者，单位万元。",
                      "On the LP relaxation: capacities by shadow price × change of places at the range ends (a rise "
                      "only up to where the shadow price holds); prices by trainees × change of price; profession "
                      "shares by the mix rows' shadow prices. The larger end, in 10,000 yuan."),
    "asm.xlsx.how3_label": ("重点复算", "top re-solved"),
    "asm.xlsx.how3": ("排名前 {top} 的假设分别取来源范围的下限和上限重新求解（从最优基热启动），列出目标值变化、"
                      "学员数变化的县和调整去向的学校。",
                      "The top {top} are re-solved at both ends of their range: change of the objective, the "
                      "counties whose trainees change and the schools that move trainees."),
    "asm.xlsx.how4_label": ("各州市清单", "per prefecture"),
    "asm.xlsx.how4": ("每个州市列出影响本地区最大的十个假设：敏感度乘以该假设涉及学员中落在本州市的比例。同一清单"
                      "印在各州市工作簿封面上。",
                      "Each prefecture's ten: sensitivity × the share of the assumption's trainees placed there; the "
                      "same list is on each workbook's cover."),
    "asm.xlsx.how5_label": ("注意", "caveats"),
    "asm.xlsx.how5": ("线性规划存在多个最优解（退化），影子价格不唯一，只在给出的区间内成立；报价的“方案不变区间”"
                      "是每个变量单独变化时的区间。"
                      "“按被挤出人数估计”用所有紧约束容量影子价格的中位数。整班取整后的方案与松弛解略有差别。",
                      "The LP is degenerate: shadow prices are not unique and hold only within their interval; "
                      "a price's stable interval is for each of its columns alone. 'displaced' uses the median "
                      "shadow price of the binding capacities. The whole-class plan differs slightly from the "
                      "relaxation."),
    "asm.xlsx.rank": ("排名", "rank"),
    "asm.xlsx.name": ("对象", "what"),
    "asm.xlsx.what": ("假设项", "assumption"),
    "asm.xlsx.value": ("取值", "value"),
    "asm.xlsx.unit": ("单位", "unit"),
    "asm.xlsx.low": ("来源范围下限", "range low"),
    "asm.xlsx.high": ("来源范围上限", "range high"),
    "asm.xlsx.sensitivity": ("敏感度（万元）", "sensitivity (10,000 yuan)"),
    "asm.xlsx.estimate": ("估计方法", "estimate"),
    "asm.xlsx.shadow": ("影子价格（元/名额）", "shadow price (yuan a place)"),
    "asm.xlsx.holds": ("影子价格成立的名额区间", "places over which it holds"),
    "asm.xlsx.stable": ("方案不变的报价区间（元）", "price interval with the same allocation"),
    "asm.xlsx.trainees": ("涉及学员数", "trainees"),
    "asm.xlsx.table": ("数据表", "table"),
    "asm.xlsx.key": ("代码", "key"),
    "asm.xlsx.basis": ("依据", "basis"),
    "asm.xlsx.source": ("范围来源", "source of the range"),
    "asm.xlsx.delta_low": ("取下限 目标变化（万元）", "at the low end: change (10,000 yuan)"),
    "asm.xlsx.delta_high": ("取上限 目标变化（万元）", "at the high end: change (10,000 yuan)"),
    "asm.xlsx.counties": ("变化县数", "counties changed"),
    "asm.xlsx.schools": ("调整学校数", "schools changed"),
    "asm.xlsx.changes_low": ("取下限时的主要变化", "main changes at the low end"),
    "asm.xlsx.changes_high": ("取上限时的主要变化", "main changes at the high end"),
    "asm.xlsx.prefecture": ("州市", "prefecture"),
    "asm.xlsx.score": ("对本州市的影响（万元）", "effect here (10,000 yuan)"),
    "asm.xlsx.global_rank": ("全省排名", "rank in the province"),
})
CATALOGUE.update({
    "asm.cli.help": ("每个假设数字对方案的影响：影子价格与成立区间、报价不变区间、取来源范围端点复算",
                     "how much the plan depends on each assumed number: shadow prices and their ranges, price "
                     "ranges, re-solves at the ends of the sourced ranges"),
    "asm.cli.description": (
        "列出进入模型的每一个假设数字（offers、courses、profession_focus、institutions），给出公开来源支持的取值范围、"
        "线性规划松弛的灵敏度（容量：影子价格及其成立区间；报价：方案不变的价格区间）并按影响排序；排名前 N 的数"
        "字分别取范围下限"
        "和上限重新求解，列出目标值、县和学校的变化。写出 assumptions.csv、assumptions_by_prefecture.csv 与中文的 "
        "assumptions.xlsx。",
        "Every assumed number that enters the model (offers, courses, profession_focus, institutions) with the range "
        "public sources support and its sensitivity on the LP relaxation (capacities: shadow price and the range "
        "where it holds; prices: the price range with the same allocation), ranked; the top N re-solved at both "
        "ends of their range (objective, counties, schools). Writes assumptions.csv, assumptions_by_prefecture.csv "
        "and assumptions.xlsx (Chinese)."),
    "asm.cli.epilog": ("退出状态：0 完成；2 输入有误（含数据目录缺少 assumption_ranges.csv）；3 线性规划无最优解"
                       "（用 solve 查看诊断）；5 无法写入。",
                       "Exit status: 0 done; 2 bad input (also: the data folder has no assumption_ranges.csv); 3 the "
                       "LP has no optimum (solve diagnoses it); 5 could not write."),
    "asm.cli.top": ("取来源范围端点重新求解的前 N 个假设", "re-solve the top N assumptions at the ends of their range"),
    "asm.cli.samples": ("蒙特卡洛抽样次数：在来源范围内随机抽取全部假设数字（取代 --param）",
                        "Monte Carlo samples: every assumed number drawn within its sourced range (instead of "
                        "--param)"),
    "asm.cli.seed": ("蒙特卡洛抽样的随机种子（同一种子结果相同）",
                     "random seed of the samples (same seed, same draws)"),
    "asm.cli.bad_count": ("{flag} {value}：应为 {low} 至 {high} 之间的整数",
                          "{flag} {value}: expected a whole number from {low} to {high}"),
    "asm.cli.no_ranges": ("数据目录没有 assumption_ranges.csv（各假设列的公开来源范围），无法分析：从发布的 data/"
                          " 复制一份",
                          "the data folder has no assumption_ranges.csv (the sourced range of each assumed column): "
                          "copy the shipped one from data/"),
    "asm.cli.no_optimum": ("线性规划没有最优解，无从分析（{reason}）；用 solve 查看诊断",
                           "the LP has no optimum, nothing to analyse ({reason}); solve diagnoses it"),
    "asm.cli.done": ("方案“{name}”：{n} 个假设数字已排序（线性规划目标 {objective}），前 {top} 个已复算，写入 {ou"
                     "t}（{seconds} 秒）",
                     "scenario '{name}': {n} assumed numbers ranked (LP objective {objective}), the top {top} "
                     "re-solved, written to {out} ({seconds} s)"),
})
CATALOGUE.update({
    "asm.ui.title": ("提交前请核实：影响本地区最大的十个假设数字",
                     "Check before you submit: the ten assumed numbers that move this area most"),
    "asm.ui.caption": ("这些数字不是通知给出的，而是假设（来源见数据目录中的来源说明）；"
                       "请与相关学校核实后再上报县级分解。同一清单印在工作簿封面上。",
                       "These numbers are assumptions, not the notice's (data/SOURCES.md): confirm them with the "
                       "schools before sending the county breakdown. The workbook's cover lists the same."),
    "asm.ui.rank": ("序号", "#"),
    "asm.ui.name": ("对象", "what"),
    "asm.ui.what": ("假设项", "assumption"),
    "asm.ui.value": ("取值", "value"),
    "asm.ui.range": ("公开来源范围", "sourced range"),
    "asm.ui.effect": ("对本地区的影响", "effect here"),
})
CATALOGUE.update({
    "asm.cli.param_or_samples": ("请给出 --param（参数网格）或 --samples（假设数字的蒙特卡洛抽样）",
                                 "give --param (a grid of settings) or --samples (Monte Carlo draws of the assumed "
                                 "numbers)"),
    "asm.cli.samples_and_param": ("--samples 与 --param 不能同时使用", "--samples and --param cannot be combined"),
    "asm.cli.mc_done": ("蒙特卡洛（线性规划松弛）：{n} 次抽样（种子 {seed}），{feasible} 次可行（{share}），"
                        "用时 {seconds} 秒，写入 {out}",
                        "Monte Carlo (LP relaxation): {n} samples (seed {seed}), {feasible} feasible ({share}), "
                        "{seconds} s, written to {out}"),
    "asm.cli.mc_counties": ("{total} 个县中有 {n} 个县的培训人数在至少一次抽样中变化；变化最频繁的县：",
                            "{n} of {total} counties change in at least one sample; the most often changed:"),
})
CATALOGUE.update({
    "asm.unit.sets": ("套", "sets"),
    "asm.unit.days": ("天", "days"),
    "asm.unit.yuan": ("元", "yuan"),
    "asm.unit.hours": ("学时", "hours"),
    "asm.unit.trainees": ("人", "trainees"),
    "asm.unit.teachers": ("人", "teachers"),
    "asm.est.ranging": ("LP 灵敏度区间", "LP ranging"),
    "asm.est.displaced": ("按被挤出人数估计", "displaced trainees"),
    "asm.est.re-solve": ("重新求解", "re-solve"),
    "asm.est.not-evaluated": ("未评估（取值为 0，模型中无此机构的相应变量）",
                              "not evaluated (a zero: the model has no such columns for the institution)"),
})
