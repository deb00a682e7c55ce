"""Messages shared by every command: exit reasons, generic words."""

CATALOGUE: dict[str, tuple[str, str]] = {
    "error": ("错误", "error"),
    "nothing_written": ("未写入任何文件", "nothing was written"),
    "cannot_write": ("无法写入输出{where}：{reason}；未写入任何文件",
                     "cannot write the output{where}: {reason}; nothing was written"),
    "problems_in_input": ("输入中有 {n} 个问题：", "{n} problem(s) in the input:"),
    "where.row": ("第 {n} 行", "row {n}"),
    "where.line": ("第 {n} 行", "line {n}"),
    "where.column": ("列“{name}”", "column '{name}'"),
    "where.key": ("键“{name}”", "key '{name}'"),
    "where.sep": ("，", ", "),
    "where.found": ("（实为 {value}）", " (found {value})"),
    "where.colon": ("：", ": "),
}
