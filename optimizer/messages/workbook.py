"""Messages of the county breakdown workbooks (``wb.``) and of the province's intake of returned ones
(``intake.``). Workbooks are read by Chinese bureaus: they always use the Chinese text; the English one is
for the command line when ``--lang en`` is asked.
"""

CATALOGUE: dict[str, tuple[str, str]] = {
    # -- county weights file ---------------------------------------------------------------------------
    "wb.weights_unknown_county": ("未知的县级区划代码", "unknown county code"),
    "wb.weights_bad_column": ("应为以下之一：{choices}", "expected one of {choices}"),
    "wb.weights_partial_group": (
        "{prefecture} {table} 第 {column} 栏的权重只列了部分县（缺 {n} 个，共 {total} 个）：{missing}；"
        "一组权重须列出该州（市）的全部县",
        "{prefecture} {table} column {column}: the weights list only some counties ({n} of {total} missing: "
        "{missing}); a group of weights must list every county of its prefecture"),
    "wb.weights_all_zero": ("{prefecture} {table} 第 {column} 栏的权重全为 0，无法分解",
                            "{prefecture} {table} column {column}: every weight is 0, nothing to share by"),
    "wb.weights_unused_group": (
        "{prefecture} {table} 第 {column} 栏不按权重分解（由模型分配或由其他栏推出），不能设置权重",
        "{prefecture} {table} column {column} is not shared by weights (it comes from the model or from other "
        "columns); it cannot take weights"),
    # -- breakdown notes ---------------------------------------------------------------------------------
    "wb.note_annex5_total": ("附件5 创业培训目标任务 {total:,} ≠ SIYB {siyb:,} + 网络创业 {online:,}；各县目标任务按 "
                             "SIYB + 网络创业计算",
                             "Annex 5 total {total:,} ≠ SIYB {siyb:,} + online {online:,}; county totals follow "
                             "SIYB + online"),
    "wb.note_col7": ("附件1 第7栏（创业培训）{col7:,} 人次与附件5 创业"
                     "培训目标任务 {total:,} 人次不一致；两者各自按县分解",
                     "Annex 1 column 7 ({col7:,}) differs from Annex 5's total ({total:,}); each is shared by "
                     "county on its own"),
    "wb.note_col8": ("附件1 第8栏（大学生职业培训）印发 {printed:,} 人次，但按附件1说明（第8栏 = 附件5 大学生SIYB + "
                     "大学生网络创业 + 第9栏）应为 {implied:,} 人次；本"
                     "分解按印发数 {printed:,} 执行，第8、9栏各自按县分解",
                     "Annex 1 column 8 printed {printed:,}, but by the note under Annex 1 (column 8 = Annex 5 college "
                     "SIYB + college online + column 9) it is {implied:,}; the breakdown follows the printed row, "
                     "columns 8 and 9 shared by county on their own"),
    "wb.note_quality_shared": ("附件1 第{col}栏印发 {printed:,} 人次，少于方案安排的 {placed:,} 人次；"
                               "各县任务按方案在各县的安排比例分解（每县不超过其安排数）",
                               "Annex 1 column {col} printed {printed:,}, fewer than the plan's {placed:,}; the county "
                               "tasks are shared in proportion to what the plan places in each (none above it)"),
    "wb.note_county_over": ("{county}：方案安排附件1 第{col}栏培训 {placed:,} 人次，"
                            "多于分解任务 {task:,} 人次（多 {over:,}）",
                            "{county}: the plan places {placed:,} Annex 1 column {col} trainees, more than its task "
                            "{task:,} (by {over:,})"),
    # -- cover -------------------------------------------------------------------------------------------
    "wb.cover_title": ("{where}{year}年度职"
                       "业培训工作方案 — 县级任务分解", "{where} {year} training plan — county breakdown"),
    "wb.cover_prefecture": ("州（市）", "Prefecture"),
    "wb.cover_year": ("年度", "Year"),
    "wb.cover_basis": ("依据", "Basis"),
    "wb.cover_scenario": ("方案", "Scenario"),
    "wb.cover_input_id": ("输入标识", "Input id"),
    "wb.cover_generated": ("生成时间", "Generated"),
    "wb.cover_deadline": ("上报截止", "Deadline"),
    "wb.cover_deadline_value": ("{date}（含各县级任务分解情况）", "{date} (with the county breakdown)"),
    "wb.cover_as_of": ("截至日期", "As of"),
    "wb.cover_as_of_default": ("{date}（通知印发日期；导出时可用 --as-of 指定）",
                               "{date} (the notice's date; set another with --as-of)"),
    "wb.cover_days_left": ("剩余天数", "Days left"),
    "wb.cover_days_left_value": ("{n} 天", "{n} days"),
    "wb.cover_overdue_value": ("已逾期 {n} 天", "{n} days overdue"),
    "wb.cover_tracking": ("跟踪报告", "Tracking reports"),
    "wb.cover_tracking_value": ("{dates}：补贴性培训量居前五位机构重点跟踪情况（四(二)）",
                                "{dates}: the five institutions with the most subsidised training (4(2))"),
    "wb.cover_approval": ("补贴审批时限", "Subsidy approval"),
    "wb.cover_approval_value": ("{date}（{as_of} 提交的申请，{n}个工作日，按国家法定节假日及调休计算）",
                                "{date} (an application of {as_of}, {n} working days by the official calendar)"),
    "wb.cover_calendar_missing": ("{year}年的国家法定节假日安排尚未收录，无法计算工"
                                  "作日；请更新 chinese-calendar 软件包",
                                  "the official holiday calendar for {year} is not available; update the "
                                  "chinese-calendar package"),
    "wb.cover_method": ("分解方法", "Apportionment method"),
    "wb.cover_method_value": ("{name}：各栏县级数之和等于下达数，并列时靠前（区划代码较小）的县优先",
                              "{name}: each column's counties sum to the printed figure; ties go to the lower code"),
    "wb.cover_weights": ("分解权重", "Weights"),
    "wb.cover_weights_default": ("其余各栏：按{indicator}比例分解；第5栏 = 模"
                                 "型分配的技工院校培训人次；附件4 = 模型分配的省级项目人次",
                                 "Every other column by {indicator}; column 5 = the model's tech-school trainees; "
                                 "Annex 4 = the model's provincial-project trainees"),
    "wb.cover_weights_group": ("{table}{column}：按上传权重文件 {file}（{digest}）— {weights}",
                               "{table}{column}: by the uploaded weights file {file} ({digest}) — {weights}"),
    "wb.cover_findings": ("通知数据检查", "Findings in the notice"),
    "wb.cover_notes": ("分解说明", "Notes"),
    "wb.cover_assumptions": ("假设", "Assumptions"),
    "wb.cover_sheets": ("工作表说明", "Sheets"),
    "wb.cover_sheets_value": ("附件1（人次、万人次）、附件4、附件5 为县级分解表，县级数据可直接修改；"
                              "“计算合计”“差额”和“校验”各列为公式，差额或校验不为 0 时显示红色。"
                              "技工院校、分配明细、前五机构跟踪为参考表。",
                              "Annexes 1 (persons and 10,000s), 4 and 5 are the county tables; county cells may be "
                              "edited; the 计算合计, 差额 and check cells are formulas, red when not 0. The school, "
                              "assignment and top-five sheets are for reference."),
    "wb.cover_none": ("无", "none"),
    "wb.assume_indicator": ("县级指标：{indicator}", "county indicator: {indicator}"),
    "wb.assume_params": ("等级证书类比例不低于 {rho}；各县技工院校任务在按分解指标计算数的 ±{delta} 之内；"
                         "专业结构容差 {tau}",
                         "certificate share ρ = {rho}; county band δ = ±{delta}; mix tolerance τ = {tau}"),
    "wb.indicator_population_2020": ("2020年常住人口（第七次全国人口普查）", "2020 census population"),
    "wb.indicator_population_outside_districts": ("市辖区以外常住人口（市辖区计 0）",
                                                  "population outside urban districts (districts count 0)"),
    # -- findings of the notice, in plain Chinese ----------------------------------------------------------
    "wb.finding_column_sum": ("附件1 第{column}栏：16个州（市）合计 {expected:,}"
                              " 人次，全省行印为 {found:,} 人次（差 {diff:+,}）",
                              "Annex 1 column {column}: the 16 prefectures sum to {expected:,}, the 全省 row prints "
                              "{found:,} ({diff:+,})"),
    "wb.finding_college": ("附件1 {row} 第8栏印为 {found:,} 人次，按附件1"
                           "说明（第8栏 = 附件5 大学生SIYB + 大学生网络创业 + "
                           "第9栏）应为 {expected:,} 人次（差 {diff:+,}）；分解按印发数执行",
                           "Annex 1 {row} column 8 prints {found:,}; by the note under Annex 1 it is {expected:,} "
                           "({diff:+,}); the breakdown follows the printed figure"),
    "wb.finding_entrepreneurship": ("附件1 {row} 第7栏 {found:,} 人次与附件5 创业培训"
                                    "目标任务 {expected:,} 人次不一致（差 {diff:+,}）",
                                    "Annex 1 {row} column 7 {found:,} differs from Annex 5's total {expected:,} "
                                    "({diff:+,})"),
    "wb.finding_alias": ("{table_zh}将{expected}写作“{found}”，按同一州（市）处理",
                         "{table_zh} writes {found} for {expected}; read as the same prefecture"),
    "wb.finding_text_vs_annex": ("通知正文写“{expected}”，附件4表头写“{found}”，请确认所指单位",
                                 "the notice's text prints {expected}, Annex 4's header {found}; confirm which body"),
    "wb.finding_generic": ("{table_zh} {row} {column}：应为 {expected}，表中为 {found}",
                           "{table_zh} {row} {column}: expected {expected}, found {found}"),
    "wb.highlight_comment": ("{text}", "{text}"),
    # -- sheets ------------------------------------------------------------------------------------------
    "wb.sheet_note": ("说明：县级数据可直接修改；“计算合计”为各县之和（公式），"
                      "“差额” = 计算合计 − 下达数，不为 0 时显示红色；"
                      "校验列为超出数（应为 ✓）。",
                      "Note: county cells may be edited; 计算合计 sum"
                      "s the counties (formula), 差额 = 计算合计 − 下达数, "
                      "red when not 0; the check columns show any excess (✓ when none)."),
    "wb.sheet_note_wan": ("说明：本表各数由“{sheet}”表按 人次 ÷ 10,000 自动计算，请在“{sheet}”表中修改。",
                          "Note: every figure follows the sheet {sheet} (persons ÷ 10,000); edit that sheet."),
    "wb.sign_unit": ("填报单位（盖章）：", "Reporting unit (seal):"),
    "wb.sign_person": ("填报人：", "Prepared by:"),
    "wb.sign_phone": ("联系电话：", "Telephone:"),
    "wb.sign_date": ("填报日期：      年    月    日", "Date:"),
    "wb.r18_basis": ("排名依据：补贴性培训计划人次 = 省级项目人次 + 技工院校参与政府补贴性培训人次；"
                     "技工院校计划含自主开展的社会化培训（附件2 说明），其中补贴性部分暂按全部计（上限）。",
                     "Ranked by subsidised planned trainees = provincial-project trainees + tech-school subsidised "
                     "trainees; school plans include self-organised social training (note to Annex 2), counted "
                     "in full for now (an upper bound)."),
    # -- PDF ---------------------------------------------------------------------------------------------
    "wb.pdf_missing": ("未生成 PDF：本机未安装 LibreOffice（soffice）；工作簿已写入。安装：apt-get install "
                       "libreoffice-calc-nogui",
                       "no PDF written: LibreOffice (soffice) is not installed here; the workbooks were written. "
                       "Install: apt-get install libreoffice-calc-nogui"),
    "wb.pdf_failed": ("PDF 转换失败（{name}）：{reason}；工作簿已写入", "PDF conversion failed ({name}): {reason}; "
                      "the workbooks were written"),
    "wb.pdf_written": ("已生成 {n} 个 PDF：{folder}", "{n} PDF files written to {folder}"),
    "wb.export_done": ("已写入 {n} 个文件到 {folder}（方案 {scenario}，分解方法 {method}，截至 {as_of}）",
                       "{n} files written to {folder} (scenario {scenario}, method {method}, as of {as_of})"),
    "wb.export_note": ("  说明：{note}", "  note: {note}"),
    # -- intake of returned workbooks ---------------------------------------------------------------------
    "intake.unreadable": ("无法读取该工作簿（{reason}）；请在 Excel、WPS 或 LibreOffice 中另存为 .xlsx 后重新提交",
                          "cannot read this workbook ({reason}); save it again as .xlsx in Excel, WPS or LibreOffice"),
    "intake.save_as_xlsx": ("不是 .xlsx 工作簿：请另存为 Excel 工作簿（.xlsx）后重新提交",
                            "not an .xlsx workbook: save it as an Excel workbook (.xlsx)"),
    "intake.no_folder": ("文件夹不存在", "no such folder"),
    "intake.no_workbooks": ("文件夹中没有 .xlsx 工作簿", "the folder holds no .xlsx workbook"),
    "intake.no_cover": ("缺少“{sheet}”工作表：按标题和文件名识别州（市）", "no sheet {sheet}: prefecture read from the "
                        "titles and the file name"),
    "intake.sheet_renamed": ("工作表“{expected}”被改名为“{found}”（已按标题识别并读取）；请恢复原名",
                             "sheet {expected} was renamed {found} (read by its title); restore its name"),
    "intake.sheet_missing": ("缺少工作表“{expected}”", "sheet {expected} is missing"),
    "intake.no_printed_row": ("找不到“{row}”行，无法确定县级数据范围", "no {row} row: the county rows cannot be found"),
    "intake.row_without_county": ("第 {row} 行有数字但没有县名", "row {row} has figures but no county name"),
    "intake.a_number": ("数字", "a number"),
    "intake.not_a_number": ("单元格 {cell} 不是数字"
                            "，也无法计算（{reason}）", "cell {cell} is not a number and cannot be "
                            "evaluated ({reason})"),
    "intake.whole_number": ("非负整数", "a whole number ≥ 0"),
    "intake.not_whole": ("{county} {column} 为 {value}：应为非负整数", "{county} {column} is {value}: expected a whole "
                         "number ≥ 0"),
    "intake.skipped_province": ("{file}：全省工作簿，不参与汇总", "{file}: the province's workbook, not consolidated"),
    "intake.a_prefecture": ("州（市）名称", "a prefecture name"),
    "intake.unknown_prefecture": ("{file}：无法识别所属州（市）（封面“州（市）”一栏、表题和文件名均无法识别）",
                                  "{file}: no prefecture could be identified (cover, titles and file name)"),
    "intake.duplicate_prefecture": ("{prefecture} 收到不止一个工作簿：已汇总 {used}，本文件 {file} 未汇总",
                                    "more than one workbook for {prefecture}: {used} was consolidated, this file "
                                    "{file} was not"),
    "intake.empty_file": ("文件为空，0 字节", "the file is empty, 0 bytes"),
    "intake.wrong_year": ("年度不符：应为 {expected} 年，工作簿为 {found} 年", "wrong year: expected {expected}, the "
                          "workbook says {found}"),
    "intake.wrong_prefecture": ("文件 {file} 按文件名应为{named}，内容却是{found}的工作簿；按内容汇总为{found}",
                                "file {file} is named for {named} but holds {found}'s workbook; read as {found}"),
    "intake.a_workbook": ("工作簿", "a workbook"),
    "intake.none": ("无", "none"),
    "intake.damaged": ("无法打开的文件", "a file that does not open"),
    "intake.other_format": ("{suffix} 文件", "a {suffix} file"),
    "intake.unread_prefecture": ("收到{prefecture}的工作簿 {file} 但无法读取（见上），汇总表中沿用省级草稿",
                                 "{prefecture}'s workbook {file} came but cannot be read (above); the consolidated "
                                 "table keeps the province's draft"),
    "intake.missing_prefecture": ("未收到{prefecture}的工作簿（汇总表中沿用省级草稿）", "no workbook from "
                                  "{prefecture} (the consolidated table keeps the province's draft)"),
    "intake.header_row": ("表头", "header"),
    "intake.columns_changed": ("附件4 的单位列与下发的不一致（增删或调换了列）；本表未读取",
                               "Annex 4's unit columns differ from those sent out; the sheet was not read"),
    "intake.a_county_of": ("{prefecture}的县（市、区）", "a county of {prefecture}"),
    "intake.county_elsewhere": ("第 {row} 行“{county}”属于{prefecture}，不属于本州（市）",
                                "row {row}: {county} belongs to {prefecture}"),
    "intake.county_unknown": ("第 {row} 行“{county}”不是已知的县（市、区）名称", "row {row}: {county} is not a known "
                              "county"),
    "intake.once": ("出现一次", "once"),
    "intake.rows": ("第 {a}、{b} 行", "rows {a} and {b}"),
    "intake.county_twice": ("“{county}”出现两次（第 {a}、{b} 行）；第 {b} 行未汇总", "{county} appears twice (rows {a} "
                            "and {b}); row {b} not consolidated"),
    "intake.county_missing": ("“{sheet}”中缺少 {county}", "{county} is missing from {sheet}"),
    "intake.row_total": ("{county} 的合计栏不等于各单位之和", "{county}: the total is not the sum of the units"),
    "intake.column_sum": ("{column} 各县合计 {total:,}，下达数 {printed:,}（差 {diff:+,}）",
                          "{column}: the counties sum to {total:,}, the printed figure is {printed:,} ({diff:+,})"),
    "intake.printed_changed": ("{column} 的下达数被改为 {found}（下达数为 {printed:,}，不得修改）",
                               "{column}: the printed figure was changed to {found} (it is {printed:,})"),
    "intake.hierarchy": ("{county} 第{child}栏"
                         " {c:,} 大于第{parent}栏 {p:,}", "{county}: column {child} ({c:,}) exceeds "
                         "column {parent} ({p:,})"),
    "intake.annex5_total": ("{county} 创业培训目标任"
                            "务不等于 SIYB + 网络创业", "{county}: the total is not SIYB + online"),
    "intake.annex5_within": ("{county} {part} 大于 {parent}", "{county}: {part} exceeds {parent}"),
    "intake.col7_annex5": ("{county} 附件1 第7栏 {col7:,} 与附件5 创业培训目标任务 {total:,} 不一致",
                           "{county}: Annex 1 column 7 ({col7:,}) differs from Annex 5's total ({total:,})"),
    "intake.no_draft": ("未提供省级草稿（--plan 导出文件夹中的 breakdown.csv）：未列出变更",
                        "no province draft (breakdown.csv of the export, --plan): no change listed"),
    "intake.all_counties": ("（各县合计）", "(all counties)"),
    "intake.changed_counties": ("；与省级草稿相比改动：{counties}", "; changed from the draft: {counties}"),
    "intake.files": ("读取 {n} 个工作簿：", "{n} workbook(s) read:"),
    "intake.findings": ("发现 {n} 个问题：", "{n} finding(s):"),
    "intake.no_findings": ("未发现问题：各州（市）县级数据与下达数一致，层级关系成立。",
                           "no finding: every column adds up to the printed figures, the hierarchy holds."),
    "intake.expected_found": ("（应为 {expected}，实为 {found}）", " (expected {expected}, found {found})"),
    "intake.changes": ("与省级草稿相比有 {n} 处变更：", "{n} cell(s) changed from the province's draft:"),
    "intake.no_changes": ("与省级草稿相比无变更。", "no change from the province's draft."),
    "intake.severity_error": ("错误", "error"),
    "intake.severity_warning": ("警告", "warning"),
    "intake.severity_info": ("提示", "info"),
    "intake.written": ("汇总表：{files}", "consolidated: {files}"),
    "intake.cli_help": ("读取各州（市）报回的县级分解工作簿，检查并汇总为全省一张表",
                        "read the returned county workbooks, check them and consolidate them"),
    "intake.cli_folder": ("报回的工作簿所在文件夹（.xlsx）", "folder of the returned workbooks (.xlsx)"),
    "intake.cli_plan": ("下发时的导出文件夹（其中的 breakdown.csv 即省级草稿；"
                        "省略时：若 FOLDER 中有 breakdown.csv 则用之）",
                        "the export folder they came from (its breakdown.csv is the draft; default: FOLDER if it "
                        "holds breakdown.csv)"),
    "intake.cli_out": ("汇总工作簿；consolidated.csv 写在其旁", "consolidated workbook; consolidated.csv is "
                       "written beside it"),
    "intake.no_breakdown_csv": ("找不到 breakdown.csv：--plan 应为导出文件夹", "no breakdown.csv: --plan is the "
                                "export folder"),
    "wb.cli_pdf": ("同时用 LibreOffice 为每个工作簿生成 PDF（需安装 LibreOffice）",
                   "also write a PDF of each workbook with LibreOffice (where installed)"),
}
