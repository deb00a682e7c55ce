"""Messages of the data layer (optimizer.data: tables, loader, names, scenario files), and the words of units.

The English texts are the ones the bad-input corpus (tests/fixtures/bad/manifest.csv) quotes; the Chinese ones
name columns and values in “…” and leave out English-only details (a library's exception name).
"""

from __future__ import annotations

CATALOGUE: dict[str, tuple[str, str]] = {
    # reading a file
    "data.cannot_decode": ("无法解码文件：应为 UTF-8、带 BOM 的 UTF-8、GB18030/GBK 或 UTF-16 文本",
                           "cannot decode the file: expected UTF-8, UTF-8 with BOM, GB18030/GBK or UTF-16 text"),
    "data.empty": ("文件为空：应有表头行和数据行", "file is empty: expected a header row and data rows"),
    "data.csv_unreadable": ("不是可读取的 CSV 文件（{reason}）", "not a readable CSV file ({reason})"),
    "data.csv_field_too_long": ("有单元格超过 {limit} 个字符", "not a readable CSV file (field larger than field "
                                "limit ({limit}))"),
    "data.note_encoding": ("{file}：按 {encoding} 编码读取", "{file}: read as {encoding} text"),
    "data.note_title": ("{file}：第 {row} 行（“{title}”）作为表标题读取，表头在第 {header} 行",
                        "{file}: row {row} read as the table's title ('{title}'), header on row {header}"),
    "data.note_only_sheet": ("{file}：表“{table}”取自其唯一的工作表“{sheet}”",
                             "{file}: used its only sheet '{sheet}' for table '{table}'"),
    "data.no_sheet": ("工作簿中没有名为“{sheet}”的工作表；请把存放该表的工作表改为此名",
                      "workbook has no sheet named '{sheet}'; rename the sheet that holds the table"),
    # header
    "data.column_twice": ("表头中该列出现了两次", "column appears twice in the header"),
    "data.missing_column": ("缺少必需的列{tail}", "required column is missing{tail}"),
    "data.meant": ("；“{hint}”是否应为“{name}”？", "; is '{hint}' meant to be '{name}'?"),
    "data.unknown_column": ("未知的列{tail}", "unknown column{tail}"),
    "data.did_you_mean_quoted": ("；是否为“{hint}”？", "; did you mean '{hint}'?"),
    "data.expected_columns": ("；应有的列：{columns}", "; expected columns: {columns}"),
    # cells
    "data.note_fullwidth": ("全角字符已按半角读取", "full-width characters read as ASCII"),
    "data.note_thousands": ("已去掉千位分隔符", "thousands separators removed"),
    "data.note_cell": ("{file}，第 {row} 行，列“{column}”：{note}", "{file}, row {row}, column '{column}': {note}"),
    "data.value_missing": ("缺少值", "value is missing"),
    "data.expected_one_of": ("应为以下之一：{choices}{tail}", "expected one of {choices}{tail}"),
    "data.did_you_mean": ("；是否为 {hint}？", "; did you mean {hint}?"),
    "data.expected_code": ("应为 ASCII 代码（字母开头，其后为字母、数字或 _）",
                           "expected an ASCII code (a letter, then letters, digits or _)"),
    "data.expected_adcode": ("应为 6 位行政区划代码", "expected a 6-digit division code"),
    "data.expected_bool": ("应为 是/否（或 true/false）", "expected true or false (是/否)"),
    "data.expected_date": ("应为 YYYY-MM-DD 格式的日期", "expected a date as YYYY-MM-DD"),
    "data.expected_number": ("应为数字{unit}", "expected a number{unit}"),
    "data.unit_paren": ("（{unit}）", " ({unit})"),
    "data.negative": ("不得为负数", "must not be negative"),
    "data.whole": ("应为整数", "expected a whole number"),
    "data.basis": ("basis 须以 'notice'、'reference' 或 'assumed: <理由>' 开头",
                   "basis must start with 'notice', 'reference' or 'assumed: <reason>'"),
    "data.duplicate_key": ("重复的行：相同的“{key}”已在第 {row} 行",
                           "duplicate row: the same {key} is already on row {row}"),
    "data.no_rows": ("表格只有表头，没有数据行", "table has a header but no data rows"),
    # the data folder
    "data.missing_upload": ("上传的文件中缺少此表", "table is missing from the upload"),
    "data.folder_missing": ("数据文件夹不存在", "data folder does not exist"),
    "data.missing_in": ("{folder} 中缺少此表", "table is missing from {folder}"),
    "data.both": ("{a} 与 {b} 同时存在；请只保留一个", "both {a} and {b} exist; keep one"),
    # the notice's figures
    "data.key_missing": ("缺少此项", "this key is missing"),
    "data.deadline_before": ("此期限早于通知印发日 {date}", "this deadline lies before the notice's date {date}"),
    "data.notice_year": ("通知印发日与其计划年度 {year} 相差过远",
                         "the notice's date is not near its plan year {year}"),
    # tables against each other
    "data.prefecture_mismatch": ("与州（市）{name}（{code}）不符", "does not match prefecture {name} ({code})"),
    "data.not_inside": ("不在州（市）{name}之内", "is not inside prefecture {name}"),
    "data.total_row_missing": ("缺少印发表中的合计行“{label}”", "the printed total row '{label}' is missing"),
    "data.wan_persons_times": ("万人次数值不是整数人次", "万人次 value is not a whole number of persons"),
    "data.wan_persons": ("万人数值不是整数人", "万人 value is not a whole number of persons"),
    "data.prefecture_rows_missing": ("缺少以下州（市）的行：{names}", "prefecture rows missing: {names}"),
    "data.unknown_county_code_see": ("未知的县级代码（见 counties.csv）", "unknown county code (see counties.csv)"),
    "data.unknown_county_code": ("未知的县级代码", "unknown county code"),
    "data.county_not_in": ("该县不在{name}", "county is not in {name}"),
    "data.unknown_unit_code": ("未知的单位代码（见 units.csv）", "unknown unit code (see units.csv)"),
    "data.school_twice": ("学校重复列出：已在第 {row} 行", "school listed twice: already on row {row}"),
    "data.total_column_missing": ("缺少印发表中的合计列", "the printed total column is missing"),
    "data.duplicate_row_at": ("重复的行：已在第 {row} 行", "duplicate row: already on row {row}"),
    "data.prefecture_twice": ("该州（市）出现在多行", "prefecture appears on more than one row"),
    "data.unknown_group": ("未知的专业大类（见 profession_groups.csv）",
                           "unknown profession group (see profession_groups.csv)"),
    "data.r1_types": ("R1：只有{types}属于等级证书类", "R1: only {types} count as certificate-class"),
    "data.and": ("和", " and "),
    "data.advanced": ("附件1第3栏：高级指三级及以上的等级证书类课程",
                      "Annex 1 column 3: advanced means a certificate-class course at 三级 or above"),
    "data.level_needed": ("等级证书类课程须有等级（五级 … 一级）",
                          "a certificate-class course needs a level (五级 … 一级)"),
    "data.r6_hours": ("R6：等级证书类课程至少 {hours} 课时",
                      "R6: certificate-class courses need at least {hours} class hours"),
    "data.r5_size": ("R5：{kind}每班 1 至 {size} 人", "R5: a {kind} class holds 1 to {size}"),
    "data.hours_positive": ("课时须大于 0", "class hours must be positive"),
    "data.unknown_institution_code": ("未知的机构代码（见 institutions.csv）",
                                      "unknown institution code (see institutions.csv)"),
    "data.unknown_course_code": ("未知的课程代码（见 courses.csv）", "unknown course code (see courses.csv)"),
    "data.r3_major": ("R3：课程 {course} 属于专业大类 {group}", "R3: course {course} belongs to major {group}"),
    "data.unknown_reference": ("未知的“{column}”代码（见 {table}.csv）", "unknown {column} code (see {table}.csv)"),
    "data.shares_sum": ("{name}的各专业大类比例之和须为 1", "shares of {name} must sum to 1"),
    # names
    "data.unknown_name": ("未知的{kind}{tail}", "unknown {kind}{tail}"),
    "data.known": ("；已知：{names}", "; known: {names}"),
    "data.kind.prefecture": ("州（市）", "prefecture"),
    "data.kind.county": ("县（市、区）", "county"),
    "data.kind.unit": ("单位", "unit"),
    "data.kind.school": ("学校", "school"),
    "data.kind.institution": ("机构", "institution"),
    "data.kind.course": ("课程", "course"),
    "data.kind.course code": ("课程代码", "course code"),
    "data.kind.profession group": ("专业大类", "profession group"),
    "data.list_sep": ("、", ", "),
    # units of the tables' numbers
    "unit.yuan": ("元", "yuan"),
    "unit.persons": ("人", "persons"),
    "unit.trainees": ("人次", "trainees"),
    "unit.teachers": ("名教师", "teachers"),
    "unit.sets": ("套", "sets"),
    "unit.hours": ("课时", "hours"),
    "unit.days": ("天", "days"),
    "unit.years": ("年", "years"),
    "unit.degrees": ("度", "degrees"),
    "unit.fraction": ("（比例）", "fraction"),
    "unit.km": ("公里", "km"),
}


def unit_word(unit: str) -> str:
    """A column's unit in the current language (万人次 and other Chinese units as they are)."""
    from optimizer.messages import CATALOGUE as ALL
    from optimizer.messages import msg

    return msg(f"unit.{unit}") if f"unit.{unit}" in ALL else unit


def kind_word(kind: str) -> str:
    """What a name index holds (prefecture, school …) in the current language."""
    from optimizer.messages import CATALOGUE as ALL
    from optimizer.messages import msg

    return msg(f"data.kind.{kind}") if f"data.kind.{kind}" in ALL else kind

CATALOGUE.update({
    # scenario files
    "scen.save.where": ("方案名称", "scenario name"),
    "scen.save.bad_name": ("请用 1–64 个字母、数字、汉字、_ 或 -（不能含路径或点）",
                           "use 1–64 letters, digits, Chinese characters, _ or - (no paths, no dots)"),
    "scen.save.outside": ("文件会落在方案文件夹之外", "the file would land outside the scenarios folder"),
    "scen.save.description": ("在工作台中保存", "saved from the workspace"),
    "scen.not_utf8": ("方案文件须为 UTF-8 文本", "scenario files must be UTF-8 text"),
    "scen.not_yaml": ("不是有效的 YAML（只允许普通值、列表和映射；拒绝构造对象的标签）：{detail}",
                      "not valid YAML (only plain values, lists and mappings are allowed; tags that build objects are "
                      "refused): {detail}"),
    "scen.yaml_syntax": ("YAML 语法错误，位于第 {line} 行第 {column} 列{hint}（YAML 库的原文：“{detail}”）",
                         "YAML syntax error at line {line}, column {column}{hint}: {detail}"),
    "scen.yaml_hint.mapping": ("：此处不能出现“键: 值”，多半是缩进有误", ": a 'key: value' cannot start here, most "
                               "likely the indentation is off"),
    "scen.yaml_hint.end": ("：文件在引号或括号闭合之前结束", ": the file ends before a quote or bracket is closed"),
    "scen.yaml_hint.flow": ("：列表或映射的括号未正确闭合", ": a list or mapping in brackets is not closed properly"),
    "scen.yaml_hint.tab": ("：不能用制表符缩进，请改用空格", ": indent with spaces, not tabs"),
    "scen.not_mapping": ("方案文件须为“键: 值”的映射", "a scenario must be a mapping of keys to values"),
    "scen.cycle": ("“base:” 循环引用（{cycle}）", "base: cycle ({cycle})"),
    "scen.unknown_key": ("未知的键{tail}", "unknown key{tail}"),
    "scen.base_not_found": ("找不到 base 方案文件", "base scenario file not found"),
    "scen.share_range": ("比例须在 [0, 1] 之内", "a share must lie in [0, 1]"),
    "scen.one_of": ("{names} 须且只须给出一个", "give exactly one of {names}"),
    "scen.or": ("、", " or "),
    "scen.value_needs_prefecture": ("给出绝对值时须指明州（市）", "an absolute value needs a prefecture"),
    "scen.not_annex2_school": ("不是附件2中的学校", "not a school of Annex 2"),
    "scen.unknown_code": ("未知的{what}{tail}", "unknown {what}{tail}"),
    # pydantic's checks, by error type (the English is pydantic's own wording)
    "val.le": ("应不大于 {le}", "Input should be less than or equal to {le}"),
    "val.lt": ("应小于 {lt}", "Input should be less than {lt}"),
    "val.ge": ("应不小于 {ge}", "Input should be greater than or equal to {ge}"),
    "val.gt": ("应大于 {gt}", "Input should be greater than {gt}"),
    "val.finite": ("应为有限的数", "Input should be a finite number"),
    "val.number": ("应为数字", "Input should be a valid number, unable to parse string as a number"),
    "val.number_type": ("应为数字", "Input should be a valid number"),
    "val.integer": ("应为整数", "Input should be a valid integer, unable to parse string as an integer"),
    "val.integer_type": ("应为整数", "Input should be a valid integer"),
    "val.integer_fraction": ("应为整数（不得有小数部分）",
                             "Input should be a valid integer, got a number with a fractional part"),
    "val.date": ("应为有效的日期（YYYY-MM-DD）{error}", "Input should be a valid date or datetime, {error}"),
    "val.date_type": ("应为有效的日期（YYYY-MM-DD）", "Input should be a valid date"),
    "val.literal": ("应为 {expected}", "Input should be {expected}"),
    "val.bool": ("应为 true 或 false（是/否）", "Input should be a valid boolean, unable to interpret input"),
    "val.list": ("应为列表", "Input should be a valid list"),
    "val.mapping": ("应为映射（键: 值）", "Input should be a valid dictionary"),
    "val.text": ("应为文字", "Input should be a valid string"),
    "val.missing": ("缺少此项", "Field required"),
    "val.extra": ("未知的键", "Extra inputs are not permitted"),
    "val.too_long": ("最多 {max_length} 项", "List should have at most {max_length} items after validation"),
})

VALIDATION_KEYS = {
    "less_than_equal": "val.le", "less_than": "val.lt", "greater_than_equal": "val.ge", "greater_than": "val.gt",
    "finite_number": "val.finite", "float_parsing": "val.number", "float_type": "val.number_type",
    "int_parsing": "val.integer", "int_type": "val.integer_type", "int_from_float": "val.integer_fraction",
    "date_from_datetime_parsing": "val.date", "date_parsing": "val.date", "date_type": "val.date_type",
    "literal_error": "val.literal", "bool_parsing": "val.bool", "bool_type": "val.bool", "list_type": "val.list",
    "dict_type": "val.mapping", "model_type": "val.mapping", "string_type": "val.text", "missing": "val.missing",
    "extra_forbidden": "val.extra", "too_long": "val.too_long",
}


def validation_message(err: dict) -> str:
    """A pydantic error (one of ``ValidationError.errors()``) in the current language: pydantic's own checks by
    their type, this tool's (``ValueError`` raised with a catalogue message) as raised."""
    from optimizer.messages import current_language, msg

    kind = err.get("type", "")
    ctx = {k: (int(v) if isinstance(v, float) and v.is_integer() else v) for k, v in (err.get("ctx") or {}).items()}
    if kind == "value_error":
        return str(ctx.get("error", "")) or err["msg"].removeprefix("Value error, ")
    key = VALIDATION_KEYS.get(kind)
    if kind == "literal_error" and "expected" in ctx:
        ctx["expected"] = str(ctx["expected"]).replace(" or ", msg("scen.or"))
    if key == "val.date" and current_language() == "zh":
        ctx["error"] = ""  # pydantic's English detail ("day value is outside expected range")
    if key is None:
        return err["msg"]
    try:
        return msg(key, **ctx)
    except (KeyError, IndexError):  # pydantic's context changed shape: its own words
        return err["msg"]

CATALOGUE.update({
    # model settings (optimizer.data.params)
    "params.course_or_group": ("课程与专业大类只能给出一个", "give a course or a group, not both"),
    "params.value_needs_course": ("给出绝对值时须指明课程（能力按课程计）",
                                  "an absolute value needs a course (capacity is per course)"),
    "params.lock_bound": ("须给出 at_least、at_most 或两者（at_most: 0 表示不得承担）",
                          "give at_least, at_most or both (at_most: 0 means must not serve)"),
    "params.lock_order": ("at_least {a} 大于 at_most {b}", "at_least {a} is more than at_most {b}"),
    "params.unit_share": ("“{unit}”的等级证书类比例须在 [0, 1] 之内（实为 {share}）",
                          "certificate share of {unit} must lie in [0, 1], got {share}"),
})

CATALOGUE.update({
    # values shown after a limit
    "limits.found_bytes": ("{n} 字节", "{n} bytes"),
    "limits.found_more_bytes": ("超过 {n} 字节", "more than {n} bytes"),
    "limits.found_parts": ("{n} 个部件", "{n} parts"),
    # solve folders (verify, recorded runs)
    "folder.missing": ("文件夹不存在", "folder does not exist"),
    "folder.not_solved": ("缺失：不是已求解运行写出的文件夹", "missing: not a folder written by a solved run"),
    "folder.not_csv": ("无法按 CSV 读取（{reason}）", "cannot be read as CSV: {reason}"),
    "folder.column_missing": ("缺少此列", "column is missing"),
    "folder.not_whole": ("应为不小于 0 的整数", "expected a whole number ≥ 0"),
    "folder.no_scenario": ("无法判断该文件夹是用哪个方案求解的；请给出 SCENARIO 参数（{reason}）",
                           "cannot tell which scenario this folder was solved with ({reason}); give the SCENARIO "
                           "argument"),
    "folder.recorded_gone": ("记录的文件或文件夹已不存在；请在命令行给出",
                             "the recorded file or folder no longer exists; give it on the command line"),
    # boundary files
    "geo.not_collection": ("应为 GeoJSON 要素集合（FeatureCollection）", "expected a GeoJSON FeatureCollection"),
    "geo.not_list": ("应为要素（feature）列表", "expected a list of features"),
    "geo.unknown_county": ("要素的 adcode 不是 counties.csv 中的县",
                           "feature's adcode is not a county of counties.csv"),
    "geo.twice": ("同一个县有两个要素", "two features for the same county"),
    # county breakdown
    "breakdown.cannot_share": ("{prefecture}：{what} 无法分到各县（{reason}）",
                               "{prefecture}: {what} cannot be shared by county: {reason}"),
    # procurement tables
    "proc.table.shipped": ("{name}：{folder} 中没有此表，使用随附的表",
                           "{name}: not in {folder}; the shipped table is used"),
})
