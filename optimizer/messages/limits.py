"""Messages of the input limits and bounds (optimizer.data.limits): sizes, nesting, numbers, names, flags."""

CATALOGUE: dict[str, tuple[str, str]] = {
    # files
    "limits.not_found": ("找不到文件", "file not found"),
    "limits.symlink_loop": ("符号链接循环，无法读取", "symbolic link loop: the file cannot be reached"),
    "limits.not_regular": ("不是普通文件（是文件夹、管道或设备）；请给出一个文件",
                           "not a regular file (a folder, pipe or device); give a file"),
    "limits.cannot_read": ("无法读取文件：{reason}", "cannot read the file: {reason}"),
    "limits.too_large": ("文件超过{what}的 {limit} 上限", "file is larger than the {limit} limit for {what}"),
    "limits.what_table": ("输入表", "an input table"),
    "limits.what_scenario": ("方案文件", "a scenario file"),
    "limits.what_geojson": ("边界文件（GeoJSON）", "a boundary file (GeoJSON)"),
    # .xlsx before it is opened
    "limits.xlsx_members": ("工作簿内部文件过多（上限 {limit}）", "workbook holds too many parts (limit {limit})"),
    "limits.xlsx_uncompressed": ("工作簿解压后超过 {limit} 上限（可能是压缩炸弹）",
                                 "workbook is larger than {limit} when unpacked (limit for an input table; "
                                 "a zip bomb?)"),
    "limits.xlsx_dimension": ("工作表“{sheet}”声明的范围 {ref} 超出上限（最多 {rows} 行、{columns} 列、"
                               "{cells} 个单元格）",
                              "sheet '{sheet}' declares the range {ref}, beyond the limit ({rows} rows, "
                              "{columns} columns, {cells} cells)"),
    "limits.xlsx_rows": ("工作表“{sheet}”超过 {rows} 行或 {cells} 个单元格的上限",
                         "sheet '{sheet}' has more than {rows} rows or {cells} cells (the limit for an input table)"),
    "limits.xlsx_shared_strings": ("工作簿的共享字符串超过上限（最多 {strings} 个字符串、共 {chars} 个字符）",
                                   "workbook's shared strings pass the limit ({strings} strings, {chars} characters "
                                   "in all)"),
    "limits.found_strings": ("超过 {n} 个字符串", "more than {n} strings"),
    "limits.found_chars": ("超过 {n} 个字符", "more than {n} characters"),
    "limits.xlsx_unreadable": ("不是可读取的 .xlsx 工作簿（{reason}）", "not a readable .xlsx workbook ({reason})"),
    # CSV shape
    "limits.csv_rows": ("表格超过 {rows} 行或 {columns} 列的上限",
                        "table has more than {rows} rows or {columns} columns (the limit for an input table)"),
    # YAML
    "limits.yaml_aliases": ("YAML 别名（*）过多：最多 {limit} 个", "too many YAML aliases (*): at most {limit}"),
    "limits.yaml_nodes": ("YAML 展开后超过 {limit} 个值（别名嵌套展开过大）",
                          "YAML expands to more than {limit} values (nested aliases)"),
    "limits.yaml_depth": ("YAML 嵌套超过 {limit} 层", "YAML is nested deeper than {limit} levels"),
    "limits.base_chain": ("“base:” 链过长（最多 {limit} 层）：{chain}",
                          "base: chain longer than {limit} files: {chain}"),
    "limits.json_depth": ("JSON 嵌套超过 {limit} 层", "JSON is nested deeper than {limit} levels"),
    "limits.json_shape": ("应为 GeoJSON 要素（Feature）对象", "expected a GeoJSON Feature object"),
    # numbers
    "limits.not_finite": ("应为有限的数", "expected a finite number"),
    "limits.below": ("不得小于 {minimum}{unit}", "must be at least {minimum}{unit}"),
    "limits.above": ("不得大于 {maximum}{unit}", "must be at most {maximum}{unit}"),
    "limits.date_range": ("日期应在 {first} 至 {last} 之间", "date must lie between {first} and {last}"),
    # names and text
    "limits.control_char": ("含有控制字符或不可打印字符", "contains a control or non-printable character"),
    "limits.text_too_long": ("文字超过 {limit} 个字符", "text is longer than {limit} characters"),
    "limits.path_separator": ("名称中不得含有路径分隔符（/ 或 \\）",
                              "a name must not contain a path separator (/ or \\)"),
    # the workspace
    "limits.ui_failed": ("运行失败；详细信息已写入服务器日志", "the run failed; the details are in the server's log"),
    # flags and sweeps
    "limits.flag_number": ("应为数字", "expected a number"),
    "limits.sweep_too_large": ("网格有 {points} 个点，超过上限 {limit}（步长是否写错？）",
                               "the grid has {points} points, more than {limit} (is a step mistyped?)"),
}
