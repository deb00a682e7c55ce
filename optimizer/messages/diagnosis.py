"""Messages of the infeasibility diagnosis (optimizer.model.diagnose): pre-checks, the flow network's min cut, the
elastic LP. Amounts come as ``numbers.persons_exact`` (万人 in Chinese); names, never codes, except the elastic
LP's row names, which are the model's own."""

CATALOGUE: dict[str, tuple[str, str]] = {
    # pre-checks (one Issue each)
    "diag.school_blocked": ("{school}已被取消资格或被排除，但附件2给它的指标为 {quota}",
                            "{school} is debarred or excluded but Annex 2 gives it {quota}"),
    "diag.school_capacity": ("{school}须培训 {need}（附件2），但其课程只能容纳 {have}（缺 {short}）",
                             "{school} must train {need} (Annex 2) but its courses have places for {have} "
                             "(short {short})"),
    "diag.quota_vs_target": ("在册院校的附件2指标合计 {quota}，但附件1第5栏需要 {target}",
                             "the active schools' Annex 2 quotas sum to {quota} but Annex 1 column 5 needs {target}"),
    "diag.unit_capacity": ("{unit}须培训 {need}（附件4），但开设其经营范围内课程的机构只能容纳 {have}（缺 {short}）",
                           "{unit} must train {need} (Annex 4) but institutions offering its business scope have "
                           "places for {have} (short {short})"),
    "diag.unit_certificate": ("{unit}须有 {need} 参加等级证书类培训（R1，ρ = {rho}），但其经营范围内的等级证书类课程"
                              "只能容纳 {have}",
                              "{unit} needs certificate-class training for {need} (R1, ρ = {rho}) but its business "
                              "scope has certificate-class places for only {have}"),
    "diag.unit_no_option": ("{unit}在{pref}的任务为 {n}，但没有允许的（县、课程、机构）组合",
                            "{unit} has {n} to train in {pref} but no allowed (county, course, institution) "
                            "combination"),
    # the demands of the flow network
    "diag.pref": ("{name}技工院校目标任务（附件1第5栏）", "{name} tech-school target (Annex 1 column 5)"),
    "diag.plan": ("{unit}在{pref}的任务（附件4）", "{unit} in {pref} (Annex 4)"),
    "diag.cert": ("{name}等级证书类培训人次（R1）", "{name} certificate-class trainees (R1)"),
    "diag.other": ("{name}其他培训人次", "{name} other trainees"),
    "diag.quota": ("{name}名额（附件2）", "{name} quota (Annex 2)"),
    # the min cut
    "diag.summary": ("{n} 项需求无法同时满足：共需 {need}，至多只能安排 {have}{parts}，共缺 {short}。",
                     "{n} demand(s) cannot all be met: together they need {need}, at most {have} can be placed{parts}; "
                     "short {short} in all."),
    "diag.parts_one": ("（{part}）", " ({part})"),
    "diag.parts_sum": ("（= {parts}）", " (= {parts})"),
    "diag.plus": (" + ", " + "),
    "diag.part_capacity": ("能承担的机构与课程可容纳 {have}",
                           "places for {have} at the institutions and courses able to serve them"),
    "diag.part_quota": ("能承担的院校名额 {total}：{schools}{more}",
                        "{total} of quota at the schools able to serve them: {schools}{more}"),
    "diag.part_nothing": ("没有任何机构能承担", "nothing can serve them"),
    "diag.join": ("；", "; "),
    "diag.list_sep": ("、", ", "),
    "diag.more": ("等", " …"),
    "diag.province": ("任一院校都可在任一州（市）培训（R4），所以这是全省性的缺口：下面哪个州（市）缺额只是多种等价"
                      "安排之一，并非原因。",
                      "Every school may train in every prefecture (R4), so this is a province-wide shortage: "
                      "which prefecture is left short below is one of many equal choices, not a cause."),
    "diag.line": ("{name}需要 {need}，最多可安排 {got}（缺 {short}）。",
                  "{name} needs {need}; the flow could place {got} (short {short})."),
    # the elastic LP
    "diag.elastic": ("计划的各项约束无法同时成立；放松量最小的方案需要：{rows}",
                     "the plan's rows cannot all hold; the smallest total violation needs: {rows}"),
    "diag.elastic_row": ("{constraint} {direction} {amount}", "{constraint} {direction} by {amount}"),
    # the elastic LP's rows in words (their solver names quota_s02, qual_p530800 mean nothing to a bureau)
    "diag.con.target": ("{name}技工院校目标任务（附件1第5栏）", "{name} tech-school target (Annex 1 column 5)"),
    "diag.con.quota": ("{name}名额（附件2）", "{name} quota (Annex 2)"),
    "diag.con.quota_hi": ("{name}名额上限（附件2）", "{name} quota ceiling (Annex 2)"),
    "diag.con.plan": ("{name}的项目任务（附件4）", "{name} project plan (Annex 4)"),
    "diag.con.cert": ("{name}等级证书类比例", "{name} certificate share"),
    "diag.con.cap": ("{name}培训能力", "{name} capacity"),
    "diag.con.adv": ("{name}高技能人才培训（附件1第3栏）", "{name} advanced training (Annex 1 column 3)"),
    "diag.con.certfl": ("{name}等级证书类培训（附件1第2栏）", "{name} certificate-class training (Annex 1 column 2)"),
    "diag.con.qual": ("{name}培训合格证书类培训上限（三(三)）",
                      "{name} training-certificate ceiling (三(三))"),
    "diag.under": ("少", "under"),
    "diag.over": ("多", "over"),
    "diag.no_cause": ("求解器报告模型不可行，但未发现能力或指标的缺口",
                      "the solver reports the model infeasible, but no capacity or quota shortfall was found"),
    # how a solve ended without a plan (model/solve.py, model/ranging.py)
    "diag.classes_infeasible": (
        "按人次可行，但按整班不可行：没有一种分配能让每个班的人数都在 [{low}, 班额] 之内、每门课程都不超过其可开班数"
        "（R5–R7）；请降低最小开班人数（min_class_size），或增加设备套数、培训天数（线性松弛下界 {bound}）",
        "the plan holds in persons but not in whole classes: no allocation puts every class within [{low}, class "
        "size] and every course within its class slots (R5–R7); lower min_class_size or add equipment sets / days "
        "(LP bound {bound})"),
    "diag.classes_not_found": ("在时间上限内未找到按整班的方案",
                               "no plan in whole classes found within the time limit"),
    "diag.time_limit": ("求解器在时间上限（{limit} 秒）前未能证明最优，因此不报告任何分配"
                        "（限时停止的点可能连可行都不是）",
                        "the solver stopped at its time limit ({limit} s) before proving an optimum; no allocation is "
                        "reported (a time-limited point may not even be feasible)"),
    "diag.solver_failed": ("求解器失败，没有给出解", "the solver failed without a solution"),
    "diag.no_lp_optimum": ("线性松弛没有已证明的最优解，无从做灵敏度分析",
                           "the LP relaxation has no proven optimum: nothing to range"),
    "diag.solver_unknown": ("未知的求解器“{name}”：请选 highs 或 cbc", "unknown solver '{name}': choose highs or cbc"),
    "diag.solver_missing": ("本机没有求解器“{name}”（{fix}）",
                            "solver '{name}' is not available on this machine ({fix})"),
    "diag.solver_fix_highs": ("请安装：pip install highspy", "pip install highspy"),
    "diag.solver_fix_cbc": ("CBC 随 PuLP 提供：请重新安装 PuLP", "PuLP bundles CBC: reinstall PuLP"),
}
