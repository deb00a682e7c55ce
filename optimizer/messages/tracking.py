"""Messages of the year's tracking: actual records, progress, R18 reports, re-plans and the plan store."""

CATALOGUE: dict[str, tuple[str, str]] = {
    # actual training records (optimizer/data/actuals.py)
    "track.unknown_institution": ("未知的培训机构{hint}", "unknown institution{hint}"),
    "track.unknown_course": ("未知的培训课程{hint}", "unknown course{hint}"),
    "track.unknown_county": ("未知的县（市、区）{hint}", "unknown county{hint}"),
    "track.unknown_unit": ("未知的省级项目单位{hint}", "unknown provincial-project unit{hint}"),
    "track.did_you_mean": ("；是否指 {name}？", "; did you mean {name}?"),
    "track.end_before_start": ("结束日期早于开始日期 {start}", "ends before it starts ({start})"),
    "track.future_start": ("开班日期晚于统计日 {as_of}", "starts after the as-of date {as_of}"),
    "track.future_date": ("日期晚于统计日 {as_of}", "is after the as-of date {as_of}"),
    "track.outside_year": ("日期不在计划年度 {year} 内", "is outside the plan year {year}"),
    "track.as_of_outside": ("截至日期须在 {year} 年度计划的跟踪期内（{first} 至 {last}，含年末补贴申领的审批期）",
                            "the as-of date must lie in the tracking period of the {year} plan ({first} to {last}, "
                            "with the approval period of the year's last claims)"),
    "track.certified_over": ("取证人数多于培训人数 {trainees}", "more certified than trained ({trainees})"),
    "track.class_too_big": ("R5：{type}每班不超过 {size} 人", "R5: a {type} class holds at most {size}"),
    "track.unit_required": ("省级项目（unit）的班次须填写 unit_code", "a unit class needs its unit_code"),
    "track.unit_not_allowed": ("只有省级项目（unit）的班次填写 unit_code", "only unit classes have a unit_code"),
    "track.not_a_school": ("技工院校（school）的班次须由附件2的技工院校承担",
                           "a school class must be run by an Annex 2 technical school"),
    "track.approval_before_claim": ("审核日期早于申请日期 {claim}", "approved before it was claimed ({claim})"),
    "track.duplicate": ("班次编号重复：已在第 {row} 行", "duplicate class id: already on row {row}"),
    # progress and reports
    "track.progress_done": ("截至 {as_of}：已完成 {done}，在训 {running}，全年已过 {elapsed}；"
                            "{lagging} 处进度滞后；{overdue} 笔补贴超过 30 个工作日未审核；文件写入 {out}/",
                            "as of {as_of}: {done} done, {running} in training, {elapsed} of the year gone; "
                            "{lagging} places lagging; {overdue} subsidy claims past 30 working days; "
                            "files in {out}/"),
    "track.lagging_line": ("  滞后：{area} {measure} 完成 {share}（应 {expected}）",
                           "  lagging: {area} {measure} done {share} (expected {expected})"),
    "track.replan_done": ("重新规划（截至 {as_of}）：保留已完成及在训 {kept}；调整 {changed} 项；"
                          "附件总数全部相符；文件写入 {out}/",
                          "re-plan as of {as_of}: {kept} done or in training kept; {changed} changes; "
                          "every Annex total met exactly; files in {out}/"),
    "track.replan_infeasible": ("重新规划不可行（截至 {as_of}），诊断如下：",
                                "the re-plan as of {as_of} is infeasible. Diagnosis:"),
    "track.annex_mismatch": ("附件总数不符：{what} 应为 {expected}，实际 {found}",
                             "Annex total not met: {what} expected {expected}, found {found}"),
    # plan store
    "store.record_failed": ("警告：未能记录本次运行（{reason}）；命令结果不受影响",
                            "warning: the run was not recorded ({reason}); the command's result stands"),
    "store.no_run": ("没有编号为 {id} 的运行记录", "no run with id {id}"),
    "store.no_runs": ("尚无运行记录", "no runs recorded yet"),
    "store.submitted": ("运行 {id} 已标记为已报送", "run {id} marked as submitted"),
    "store.not_export": ("只有 export 的运行可以标记为已报送（运行 {id} 是 {command}）",
                         "only an export run can be marked as submitted (run {id} is {command})"),
}
CATALOGUE.update({
    "track.cli.progress": ("实际培训与计划对比；R18 前五位机构；逾期补贴审核；6月30日/10月30日跟踪报告",
                           "actual training against the plan; R18 top five; overdue subsidy claims; the 30 June / "
                           "30 October reports"),
    "track.cli.replan": ("保留已完成及在训班次，重新规划全年剩余任务",
                         "re-plan the rest of the year keeping what is done"),
    "track.cli.runs": ("方案库：已记录的运行（list、show、diff、submit）",
                       "the plan store: recorded runs (list, show, diff, submit)"),
    "track.cli.actuals": ("实际培训班次表（CSV 或 .xlsx；templates 命令给出空白模板）",
                          "actual training records (CSV or .xlsx; `templates` writes a blank one)"),
    "track.cli.as_of": ("统计截至日期（YYYY-MM-DD）", "the date the records stand at (YYYY-MM-DD)"),
    "track.cli.lag_threshold": ("完成比例低于时间进度的此倍数即为滞后",
                                "lagging below this share of the elapsed year's pace"),
    "track.cli.runs_list": ("已记录的运行，最新在前", "recorded runs, newest first"),
    "track.cli.of_command": ("只列出此命令的运行", "only runs of this command"),
    "track.cli.limit": ("最多列出的条数", "at most this many runs"),
    "track.cli.runs_show": ("一次运行：设置、关键数字、文件、关联运行",
                            "one run: settings, key figures, files, linked runs"),
    "track.cli.runs_diff": ("两次运行的差异", "what differs between two runs"),
    "track.cli.runs_submit": ("将一次 export 运行标记为已报送省厅", "mark an export run as submitted to the province"),
})
CATALOGUE.update({
    "track.ui.title": ("运行记录", "History"),
    "track.ui.store_unavailable": ("无法打开方案库：{reason}", "the plan store cannot be opened: {reason}"),
    "track.ui.location": ("方案库：{url}", "plan store: {url}"),
    "track.ui.filter": ("命令", "Commands"),
    "track.ui.id": ("编号", "id"),
    "track.ui.created": ("时间（UTC）", "created (UTC)"),
    "track.ui.command": ("命令", "command"),
    "track.ui.status": ("状态", "status"),
    "track.ui.input_id": ("输入摘要", "input id"),
    "track.ui.submitted": ("报送时间", "submitted"),
    "track.ui.parent": ("依据的报送方案", "follows export"),
    "track.ui.details_of": ("查看运行", "Run"),
    "track.ui.settings": ("设置", "Settings"),
    "track.ui.key_figures": ("关键数字", "Key figures"),
    "track.ui.linked": ("后续运行（进度、重新规划、汇总）", "Later runs (progress, re-plans, intake)"),
    "track.ui.submit": ("标记为已报送省厅", "Mark as submitted to the province"),
    "track.ui.diff": ("两次运行比较", "Compare two runs"),
    "track.ui.no_difference": ("无差异", "no difference"),
    "track.ui.download_diff": ("下载比较结果（JSON）", "Download the comparison (JSON)"),
})
