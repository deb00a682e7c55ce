"""Messages of the assumption analysis (issue 20): sourced ranges, `assumptions`, covers, Monte Carlo sweeps."""

CATALOGUE: dict[str, tuple[str, str]] = {
    # data/assumption_ranges.csv and the loader
    "asm.out_of_range": ("超出公开来源支持的范围 {low}–{high}{unit}（来源：{source}）",
                         "outside the range public sources support, {low}–{high}{unit} (source: {source})"),
    "asm.range_not_assumed_table": ("不是假设数据表（只有带 basis 列的假设表才有取值范围）",
                                    "not an assumed table (only the assumed tables, with a basis column, have ranges)"),
    "asm.range_not_numeric": ("不是 {table} 的数值列", "not a numeric column of {table}"),
    "asm.range_inverted": ("上限小于下限 {low}", "the high end is below the low end {low}"),
    "asm.range_no_source": ("须注明来源，或写明未找到来源及取值理由",
                            "name the source, or say that none was found and why the range was chosen"),
}
