"""Write the bad-input corpus under tests/fixtures/bad/ from the shipped data (reproducible).

Each file is one realistic mistake (or an unambiguous variant the tool accepts and notes); the manifest
says which table it replaces, which command reads it, the exit status and the words the message must
contain. Run from the repository root: ``python tools/make_bad_corpus.py``. The "huge file" case is made
by the test itself (20 MB is not worth committing).
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
OUT = ROOT / "tests" / "fixtures" / "bad"
MANIFEST: list[dict[str, str]] = []


def rows(name: str) -> list[list[str]]:
    with open(DATA / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.reader(f))


def text(table: list[list[str]]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(table)
    return buf.getvalue()


def case(file: str, content: str | bytes, replaces: str, command: str, exit_code: int, words: str,
         encoding: str = "utf-8") -> None:
    path = OUT / file
    if isinstance(content, str):
        path.write_bytes(content.encode(encoding))
    else:
        path.write_bytes(content)
    MANIFEST.append({"file": file, "replaces": replaces, "command": command, "exit": str(exit_code),
                     "words": words})


def edit(name: str, row_label: str, column: str, value: str) -> list[list[str]]:
    table = rows(name)
    col = table[0].index(column)
    for r in table[1:]:
        if r[0] == row_label:
            r[col] = value
            return table
    raise KeyError(row_label)


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for old in OUT.iterdir():
        old.unlink()
    a1 = rows("annex1_targets")
    case("annex1_missing_column.csv", text([r[:-1] for r in a1]), "annex1_targets", "check", 2,
         "column 'col9'|required column is missing")
    case("annex1_extra_column.csv", text([[*r, "x" if i else "col10"] for i, r in enumerate(a1)]), "annex1_targets",
         "check", 2, "column 'col10'|unknown column")
    case("annex1_text_in_number.csv", text(edit("annex1_targets", "昆明市", "col1", "十五点五")), "annex1_targets",
         "check", 2, "row 3|column 'col1'|expected a number")
    case("annex1_nan.csv", text(edit("annex1_targets", "迪庆州", "col2", "NaN")), "annex1_targets", "check", 2,
         "row 18|column 'col2'|finite number")
    case("annex1_fullwidth_digits.csv", text(edit("annex1_targets", "丽江市", "col1", "１.５０")), "annex1_targets",
         "check", 1, "full-width characters read as ASCII|row 8")
    case("annex1_unknown_prefecture.csv", text(edit("annex1_targets", "昆明市", "row", "昆名市")), "annex1_targets",
         "check", 2, "row 3|column 'row'|unknown prefecture|did you mean 昆明市")
    a2 = rows("annex2_school_quotas")
    dup = [*a2[:3], [a2[2][0] + "b", *a2[2][1:]], *a2[3:]]
    case("annex2_duplicate_school.csv", text(dup), "annex2_school_quotas", "check", 2,
         "row 4|column 'school'|school listed twice: already on row 3|云南工业技师学院")
    case("annex2_misspelt_school.csv", text(edit("annex2_school_quotas", "5", "school", "大理技术学院")),
         "annex2_school_quotas", "check", 2, "row 6|column 'school'|did you mean 大理技师学院")
    case("annex4_negative.csv", text(edit("annex4_project_trainees", "保山市", "云南省茶叶流通协会", "-1500")),
         "annex4_project_trainees", "check", 2, "row 6|云南省茶叶流通协会|must not be negative")
    case("annex4_thousands_separator.csv", text(edit("annex4_project_trainees", "昆明市",
                                                     "云南省建设投资控股集团有限公司", "7,600")),
         "annex4_project_trainees", "check", 1, "thousands separators removed")
    a4 = rows("annex4_project_trainees")
    a4[0][1] = "云南省建设集团"
    case("annex4_unknown_unit_header.csv", text(a4), "annex4_project_trainees", "check", 2,
         "row 1|column '云南省建设集团'|unknown unit|did you mean 云南省建设投资控股集团有限公司")
    a5 = text(rows("annex5_entrepreneurship"))
    case("annex5_gbk.csv", a5, "annex5_entrepreneurship", "check", 1, "read as GB18030", encoding="gbk")
    case("annex5_utf16.csv", a5, "annex5_entrepreneurship", "check", 1, "read as UTF-16", encoding="utf-16")
    case("annex5_missing_total_row.csv", text(rows("annex5_entrepreneurship")[:-1]), "annex5_entrepreneurship",
         "check", 2, "printed total row '合计' is missing")
    case("courses_empty.csv", b"", "courses", "check", 2, "file is empty")
    c = rows("courses")
    case("courses_duplicate_code.csv", text([*c, c[10]]), "courses", "check", 2, f"row {len(c) + 1}|duplicate row|"
         "already on row 11")
    case("courses_bad_certificate_type.csv", text(edit("courses", "k30", "certificate_type", "职业证书")), "courses",
         "check", 2, "row 31|column 'certificate_type'|expected one of")
    case("courses_r6_hours.csv", text(edit("courses", "k36", "class_hours", "100")), "courses", "check", 2,
         "row 37|column 'class_hours'|R6")
    case("institutions_unknown_county.csv", text(edit("institutions", "s05", "county_adcode", "539999")),
         "institutions", "check", 2, "row 6|column 'county_adcode'|unknown county code")
    case("institutions_negative_teachers.csv", text(edit("institutions", "s07", "platform_teachers", "-3")),
         "institutions", "check", 2, "row 8|column 'platform_teachers'|must not be negative")
    o = rows("offers")
    o[5][1] = "k99"
    case("offers_unknown_course.csv", text(o), "offers", "check", 2, "row 6|column 'course'|unknown course code")
    o = rows("offers")
    o[7][4] = "400"
    case("offers_days_over_366.csv", text(o), "offers", "check", 2, "row 8|column 'days_available'|at most 366")
    u = [r[:2] + r[3:] for r in rows("units")]
    case("units_missing_column.csv", text(u), "units", "check", 2, "column 'name_in_text'|required column is missing")
    case("counties_bad_adcode.csv", text(edit("counties", "530102", "adcode", "53010X")), "counties", "check", 2,
         "row 2|column 'adcode'|6-digit")
    case("counties_wrong_prefecture.csv", text(edit("counties", "530103", "prefecture_adcode", "530300")), "counties",
         "check", 2, "row 3|column 'prefecture_adcode'|does not match prefecture 昆明市")
    f = rows("profession_focus")
    f[1][2] = "0.500"
    case("focus_shares_not_one.csv", text(f), "profession_focus", "check", 2, "shares of 昆明市 must sum to 1")
    d = rows("debarments")
    case("debarments_bad_date.csv", text([*d, ["s05", "2021/13/01", "3", "faked records", "assumed: test"]]),
         "debarments", "check", 2, "row 2|column 'decision_date'|YYYY-MM-DD")
    case("debarments_unknown_institution.csv", text([*d, ["s99", "2021-06-01", "3", "x", "assumed: test"]]),
         "debarments", "check", 2, "row 2|column 'institution'|unknown institution code")
    # .xlsx as a Chinese office writes it: a title merged across the columns above the header
    wb = Workbook()
    ws = wb.active
    ws.title = "courses"
    ws.append(["培训课程目录（2022年）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(c[0]))
    for r in c:
        ws.append([int(v) if v.isdigit() else v for v in r])
    buf = io.BytesIO()
    wb.save(buf)
    case("courses_merged_title.xlsx", buf.getvalue(), "courses", "check", 1, "read as the table's title|培训课程目录")
    wb = Workbook()
    wb.active.title = "Sheet1"
    wb.create_sheet("Sheet2")
    buf = io.BytesIO()
    wb.save(buf)
    case("courses_wrong_sheet.xlsx", buf.getvalue(), "courses", "check", 2, "no sheet named 'courses'|Sheet1, Sheet2")
    case("institutions_not_a_workbook.xlsx", b"PK\x03\x04 this is not a workbook", "institutions", "check", 2,
         "not a readable .xlsx")
    # uploads read by other commands
    case("weights_bad_column.csv", "adcode,table,column,weight\n530102,annex1,10,1\n530103,annex1,4,-1\n", "weights",
         "export", 2, "row 2|column 'column'|expected one of|row 3|column 'weight'|must not be negative")
    case("lots_unknown_area.csv", "lot,area,course_or_group,trainees,method,date\nL1,昆名市,tea,500,consultation,\n"
         "L2,大理州,k999,100,negotiation,\n", "lots", "shortlist", 2,
         "row 2|column 'area'|是否为 昆明市|row 3|column 'course_or_group'|k999")
    # scenario files
    case("scenario_unknown_key.yaml", "name: typo\ncert_shar: 0.7\n", "scenario", "solve", 2,
         "line 2|key 'cert_shar'|did you mean cert_share")
    case("scenario_python_tag.yaml", "name: !!python/object/apply:os.system ['echo hacked']\n", "scenario", "solve",
         2, "line 1|not valid YAML")
    case("scenario_cycle_a.yaml", "base: scenario_cycle_b.yaml\n", "scenario", "solve", 2, "cycle")
    case("scenario_cycle_b.yaml", "base: scenario_cycle_a.yaml\n", "scenario-base", "solve", 2, "cycle")
    case("scenario_unknown_school.yaml", "base: ../../../scenarios/baseline.yaml\nquotas:\n"
         "  - {school: 云南技工学院, value: 100}\n", "scenario", "solve", 2,
         "line 3|key 'quotas.0.school'|did you mean")
    case("scenario_rho_out_of_range.yaml", "cert_share: 1.5\n", "scenario", "solve", 2,
         "line 1|key 'cert_share'|less than or equal to 1")
    case("scenario_wrong_type.yaml", "name: t\ntime_limit: soon\n", "scenario", "solve", 2,
         "line 2|key 'time_limit'|valid number")
    with open(OUT / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, ["file", "replaces", "command", "exit", "words"], lineterminator="\n")
        w.writeheader()
        w.writerows(MANIFEST)
    print(f"{len(MANIFEST)} corpus files in {OUT}")


if __name__ == "__main__":
    main()
