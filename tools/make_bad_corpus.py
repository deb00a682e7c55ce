"""Write the bad-input corpus under tests/fixtures/bad/ from the shipped data (reproducible).

Each file is one realistic mistake (or an unambiguous variant the tool accepts and notes); the manifest
says which table it replaces, which command reads it, the exit status and the words the message must
contain. Run from the repository root: ``python tools/make_bad_corpus.py``. The "huge file" case is made
by the test itself (20 MB is not worth committing).
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
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
         encoding: str = "utf-8", memory: bool = False) -> None:
    """One corpus file and its manifest row; ``memory``: run in a child process under a memory limit."""
    path = OUT / file
    if isinstance(content, str):
        path.write_bytes(content.encode(encoding))
    else:
        path.write_bytes(content)
    MANIFEST.append({"file": file, "replaces": replaces, "command": command, "exit": str(exit_code),
                     "words": words, "memory": "1" if memory else ""})


def scenario_case(file: str, content: str, words: str, memory: bool = False) -> None:
    """A bad scenario file: `solve` refuses it as bad input (exit 2) with ``words``."""
    case(file, content, "scenario", "solve", 2, words, memory=memory)


# uploads read by commands other than `check`: the table's header line and the command that reads it
UPLOADS = {"weights": ("adcode,table,column,weight\n", "export"),
           "lots": ("lot,area,course_or_group,trainees,method,date\n", "shortlist")}


def upload_case(file: str, kind: str, body: str, words: str) -> None:
    """A bad upload of ``kind`` (its header, then ``body``): the command that reads it refuses it (exit 2)."""
    header, command = UPLOADS[kind]
    case(file, header + body, kind, command, 2, words)


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
    hardening_cases()
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
    upload_case("weights_bad_column.csv", "weights", "530102,annex1,10,1\n530103,annex1,4,-1\n",
                "row 2|column 'column'|expected one of|row 3|column 'weight'|must not be negative")
    upload_case("lots_unknown_area.csv", "lots", "L1,昆名市,tea,500,consultation,\nL2,大理州,k999,100,negotiation,\n",
                "row 2|column 'area'|昆明市|row 3|column 'course_or_group'|k999")
    # scenario files
    scenario_case("scenario_unknown_key.yaml", "name: typo\ncert_shar: 0.7\n",
                  "line 2|key 'cert_shar'|did you mean cert_share")
    case("scenario_python_tag.yaml", "name: !!python/object/apply:os.system ['echo hacked']\n", "scenario", "solve",
         2, "line 1|not valid YAML")
    scenario_case("scenario_cycle_a.yaml", "base: scenario_cycle_b.yaml\n", "cycle")
    case("scenario_cycle_b.yaml", "base: scenario_cycle_a.yaml\n", "scenario-base", "solve", 2, "cycle")
    scenario_case("scenario_unknown_school.yaml", "base: ../../../scenarios/baseline.yaml\nquotas:\n"
                  "  - {school: 云南技工学院, value: 100}\n",
                  "line 3|key 'quotas.0.school'|did you mean")
    scenario_case("scenario_rho_out_of_range.yaml", "cert_share: 1.5\n",
                  "line 1|key 'cert_share'|less than or equal to 1")
    scenario_case("scenario_wrong_type.yaml", "name: t\ntime_limit: soon\n",
                  "line 2|key 'time_limit'|valid number")
    scenario_case("scenario_syntax_error.yaml", "name: t\n  cert_share: 0.7\n",
                  "line 2|line 2, column 13|YAML syntax error|mapping values are not allowed here")
    with open(OUT / "manifest.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.DictWriter(fh, ["file", "replaces", "command", "exit", "words", "memory"], lineterminator="\n")
        w.writeheader()
        w.writerows(MANIFEST)
    print(f"{len(MANIFEST)} corpus files in {OUT}")


def xlsx_bytes(table: list[list[object]], title: str, edit=None) -> bytes:
    """A workbook of one sheet; ``edit(ws)`` may change it before it is saved."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    for r in table:
        ws.append(r)
    if edit:
        edit(ws)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def rezip(data: bytes, change) -> bytes:
    """A workbook's zip with its parts changed by ``change(name, bytes) -> bytes | None`` (None drops it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            new = change(info.filename, src.read(info))
            if new is not None:
                dst.writestr(info.filename, new)
    return out.getvalue()


def with_shared_strings(data: bytes, items: bytes) -> bytes:
    """A workbook with a shared-strings part holding ``items`` (<si> elements), declared where openpyxl looks."""
    sst = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="http://schemas.openxmlformats.org/'
           b'spreadsheetml/2006/main">' + items + b"</sst>")
    override = (b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
    out = io.BytesIO(rezip(data, lambda n, b: b.replace(b"</Types>", override) if n == "[Content_Types].xml" else b))
    with zipfile.ZipFile(out, "a", zipfile.ZIP_DEFLATED) as z:
        z.writestr("xl/sharedStrings.xml", sst)
    return out.getvalue()


def flags(file: str, argv: list[str], exit_code: int, words: str, memory: bool = False) -> None:
    """A command line (one argument a line; {bad} is this folder) whose flags are bad; --out is added."""
    case(file, "\n".join(argv) + "\n", "flags", argv[0], exit_code, words, memory=memory)


def hardening_cases() -> None:
    """Issue 17: unbounded inputs, numbers that are not finite or sane, names that are not names, messages."""
    courses = rows("courses")
    typed = [[int(v) if v.isdigit() else v for v in r] for r in courses]
    # -- unbounded inputs, each run under a memory limit
    case("courses_cell_at_xfd1048576.xlsx", xlsx_bytes(typed, "courses", lambda ws: ws.cell(1048576, 16384, 1)),
         "courses", "check", 2, "declares the range|A1:XFD1048576", memory=True)
    lying = xlsx_bytes(typed, "courses", lambda ws: ws.cell(1048576, 1, 1))
    case("courses_dimension_removed.xlsx", rezip(lying, lambda n, b: re.sub(rb"<dimension[^>]*/>", b"", b)
                                                 if n.startswith("xl/worksheets/") else b),
         "courses", "check", 2, "more than 100,000 rows", memory=True)
    case("courses_wide_dimension.xlsx", xlsx_bytes(typed, "courses", lambda ws: ws.cell(2, 702, "x")),
         "courses", "check", 2, "declares the range|A1:ZZ")
    bomb = rezip(xlsx_bytes(typed, "courses"), lambda n, b: b + b" " * (150 * 1024 * 1024)
                 if n == "xl/styles.xml" else b)
    case("courses_zip_bomb.xlsx", bomb, "courses", "check", 2, "when unpacked|bytes", memory=True)
    many = rezip(xlsx_bytes(typed, "courses"), lambda n, b: b)
    buf = io.BytesIO(many)
    with zipfile.ZipFile(buf, "a") as z:
        for i in range(1001):
            z.writestr(f"docProps/extra{i}.xml", b"")
    case("courses_thousand_parts.xlsx", buf.getvalue(), "courses", "check", 2, "too many parts|1,010 parts")
    # shared strings: openpyxl loads every one before the first row; 2.1 million tiny ones (36 MB unpacked, under
    # the unpacked-size bound) or one string of 30 million characters
    plain = xlsx_bytes(typed, "courses")
    case("courses_shared_strings_count.xlsx", with_shared_strings(plain, b"<si><t>x</t></si>" * 2_100_000),
         "courses", "check", 2, "shared strings|more than 2,000,000 strings", memory=True)
    case("courses_shared_strings_long.xlsx", with_shared_strings(plain, b"<si><t>" + b"x" * 30_000_000 + b"</t></si>"),
         "courses", "check", 2, "shared strings|more than 20,000,000 characters", memory=True)
    case("offers_100001_rows.csv", "institution\n" + "x\n" * 100_001, "offers", "check", 2,
         "more than 100,000 rows")
    case("offers_600_columns.csv", ",".join(f"c{i}" for i in range(600)) + "\n", "offers", "check", 2,
         "500 columns")
    case("offers_140k_field.csv", 'institution\n"' + "x" * 140_000 + '"\n', "offers", "check", 2,
         "not a readable CSV file|field larger than field limit")
    laughs = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefgh", "bcdefghi", strict=True)) + "name: *i\n"
    scenario_case("scenario_billion_laughs.yaml", laughs, "line 1|expands to more than 20,000",
                  memory=True)
    case("scenario_many_aliases.yaml", "v: &v 1\nexcluded: [" + ", ".join(["*v"] * 101) + "]\n", "scenario",
         "solve", 2, "line 2|too many YAML aliases|at most 100")
    scenario_case("scenario_deep_flow.yaml", "name: " + "[" * 5000 + "]" * 5000 + "\n",
                  "line 1|nested deeper than 20")
    scenario_case("scenario_deep_block.yaml", "".join("  " * i + f"k{i}:\n" for i in range(40)) + "  " * 40 + "x\n",
                  "nested deeper than 20")
    scenario_case("scenario_300kb.yaml", "name: big\n" + "# padding\n" * 30_000,
                  "larger than the 256 kB limit|300,010 bytes")
    for i in range(9):
        last = i == 8
        case(f"scenario_chain_{i}.yaml", "name: chain\n" if last else f"base: scenario_chain_{i + 1}.yaml\n",
             "scenario" if i == 0 else "scenario-base", "solve", 2, "base: chain longer than 8 files|scenario_chain_8")
    flags("flags_sweep_billion_points.args", ["sweep", "--param", "cert_share=0:1:0.000000001", "--no-cache"], 2,
          "--param|cert_share|1,000,000,001 points|more than 400", memory=True)
    flags("flags_sweep_grid_441.args", ["sweep", "--param", "cert_share=0.5:0.7:0.01", "--param",
                                        "band_delta=0:0.2:0.01", "--no-cache"], 2, "--param|441 points")
    flags("flags_sweep_overflow.args", ["sweep", "--param", "cert_share=0:1e999999:1e-999999", "--no-cache"], 2,
          "--param|cert_share|0:1e999999:1e-999999|more than 400", memory=True)
    flags("flags_sweep_nan.args", ["sweep", "--param", "time_limit=nan,10", "--no-cache"], 2,
          "--param|time_limit|finite number|nan,10")
    flags("flags_sweep_out_of_range.args", ["sweep", "--param", "cert_share=0.6:1.5:0.1", "--no-cache"], 2,
          "--param|cert_share|1.5|less than or equal to 1")
    # -- numbers that are not finite or not sane
    o = rows("offers")
    case("offers_price_1e400.csv", text(_cell(o, 3, "price_per_trainee", "1e400")), "offers", "check", 2,
         "row 3|column 'price_per_trainee'|at most 100,000 yuan|1e400")
    case("offers_price_inf.csv", text(_cell(o, 4, "price_per_trainee", "inf")), "offers", "check", 2,
         "row 4|column 'price_per_trainee'|finite number|inf")
    case("offers_equipment_sets_huge.csv", text(_cell(o, 5, "equipment_sets", "99999999999999999999")), "offers",
         "check", 2, "row 5|column 'equipment_sets'|at most 10,000 sets|99999999999999999999")
    case("counties_population_1e30.csv", text(edit("counties", "530102", "population_2020", "1e30")), "counties",
         "check", 2, "row 2|column 'population_2020'|at most 20,000,000 persons|1e30")
    case("counties_longitude_200.csv", text(edit("counties", "530103", "lon", "200")), "counties", "check", 2,
         "row 3|column 'lon'|at most 136 degrees|200")
    case("counties_latitude_minus.csv", text(edit("counties", "530103", "lat", "-25")), "counties", "check", 2,
         "row 3|column 'lat'|at least 3 degrees|-25")
    case("annex1_wan_huge.csv", text(edit("annex1_targets", "昆明市", "col1", "1e12")), "annex1_targets", "check", 2,
         "row 3|column 'col1'|at most 5,000 万人次|1e12")
    case("annex2_quota_inf.csv", text(edit("annex2_school_quotas", "5", "quota_wan", "Infinity")),
         "annex2_school_quotas", "check", 2, "row 6|column 'quota_wan'|finite number|Infinity")
    case("annex5_persons_huge.csv", text(_cell(rows("annex5_entrepreneurship"), 2, "siyb", "123456789012")),
         "annex5_entrepreneurship", "check", 2, "row 2|column 'siyb'|at most 10,000,000|123456789012")
    case("courses_class_hours_huge.csv", text(edit("courses", "k05", "class_hours", "1000000")), "courses",
         "check", 2, "row 6|column 'class_hours'|at most 2,000 hours|1000000")
    case("institutions_teachers_huge.csv", text(edit("institutions", "s03", "platform_teachers", "1e9")),
         "institutions", "check", 2, "row 4|column 'platform_teachers'|at most 100,000|1e9")
    case("focus_share_nan.csv", text(_cell(rows("profession_focus"), 3, "share", "nan")), "profession_focus",
         "check", 2, "row 3|column 'share'|finite number|nan")
    d = rows("debarments")
    case("debarments_years_huge.csv", text([*d, ["s05", "2021-06-01", "1000000", "x", "assumed: test"]]),
         "debarments", "check", 2, "row 2|column 'years'|at most 50 years|1000000")
    case("debarments_year_9999.csv", text([*d, ["s05", "9999-12-31", "3", "x", "assumed: test"]]), "debarments",
         "check", 2, "row 2|column 'decision_date'|between 1990-01-01 and 2100-12-31|9999-12-31")
    upload_case("weights_nan.csv", "weights", "530102,annex1,1,nan\n530103,annex1,1,1e400\n",
                "row 2|column 'weight'|finite number|row 3|at most 1,000,000,000|1e400")
    upload_case("lots_trainees_huge.csv", "lots", "L1,昆明市,k01,100000000000000000000,consultation,\n",
                "row 2|column 'trainees'|100000000000000000000")
    scenario_case("scenario_time_limit_inf.yaml", "name: t\ntime_limit: .inf\n",
                  "line 2|key 'time_limit'|finite number")
    scenario_case("scenario_weight_nan.yaml", "name: t\nweights:\n  cost: .nan\n",
                  "line 3|key 'weights.cost'|finite number")
    scenario_case("scenario_penalty_1e300.yaml", "name: t\nband_penalty: 1.0e+300\n",
                  "line 2|key 'band_penalty'|less than or equal to 10000000")
    scenario_case("scenario_debarment_years.yaml", "name: t\ndebarred:\n  - {institution: 云南技师学院, decision_date: "
                  "2021-06-01, years: 100000}\n", "line 3|key 'debarred.0.years'|less than or equal "
                  "to 50|100000")
    scenario_case("scenario_as_of_feb30.yaml", "name: t\nas_of: 2022-02-30\n",
                  "line 2|key 'as_of'|2022-02-30|valid date")
    scenario_case("scenario_as_of_year_9999.yaml", "name: t\nas_of: 9999-01-01\n",
                  "line 2|key 'as_of'|between 1990-01-01 and 2100-12-31")
    scenario_case("scenario_quota_value_huge.yaml",
                  "name: t\nquotas:\n  - {school: 云南技师学院, value: 1000000000000000}\n",
                  "line 3|key 'quotas.0.value'|less than or equal to 10000000")
    scenario_case("scenario_target_percent_huge.yaml", "name: t\ntargets:\n  - {column: 5, percent: 1.0e+9}\n",
                  "line 3|key 'targets.0.percent'|less than or equal to 1000")
    # -- names that are not names
    p = rows("prefectures")
    case("prefectures_nul_in_name.csv", text(_cell(p, 2, "name", "昆明\x00市")), "prefectures", "check", 2,
         "row 2|column 'name'|control or non-printable character|\\x00")
    case("prefectures_slash_in_name.csv", text(_cell(p, 3, "name", "曲靖/市")), "prefectures", "check", 2,
         "row 3|column 'name'|path separator|曲靖/市")
    case("prefectures_10000_characters.csv", text(_cell(p, 4, "full_name", "玉" * 10_000)), "prefectures", "check",
         2, "row 4|column 'full_name'|longer than 100 characters|10,000 characters")
    case("institutions_escape_in_name.csv", text(edit("institutions", "s02", "name", "云南工业\x1b[31m技师学院")),
         "institutions", "check", 2, "row 3|column 'name'|control or non-printable|\\x1b")
    case("units_newline_in_name.csv", text(_cell(rows("units"), 2, "name", "昆明钢铁\n控股有限公司")), "units",
         "check", 2, "row 2|column 'name'|control or non-printable|\\n")
    case("courses_zero_width_space.csv", text(edit("courses", "k03", "profession", "木\u200b工")), "courses",
         "check", 2, "row 4|column 'profession'|control or non-printable|\\u200b")
    case("counties_backslash_in_name.csv", text(edit("counties", "530111", "county", "官渡\\区")), "counties",
         "check", 2, "column 'county'|path separator")
    scenario_case("scenario_name_with_path.yaml", "name: ../../etc/evil\n",
                  "line 1|key 'name'|path separator|../../etc/evil")
    case("scenario_school_with_nul.yaml", 'name: t\nquotas:\n  - {school: "云南技师\\0学院", value: 10}\n', "scenario",
         "solve", 2, "line 3|key 'quotas.0.school'|control or non-printable")
    case("lots_area_with_bell.csv", "lot,area,course_or_group,trainees,method,date\nL1,昆明\x07市,k01,100,,\n", "lots",
         "shortlist", 2, "row 2|column 'area'|control or non-printable|\\x07")
    # -- messages: a flag is named as the flag with its value; every problem of every file in one pass
    flags("flags_cert_share_1_5.args", ["solve", "--cert-share", "1.5"], 2, "--cert-share|1.5")
    flags("flags_time_limit_nan.args", ["solve", "--time-limit", "nan"], 2, "--time-limit|nan")
    flags("flags_time_limit_a_week.args", ["solve", "--time-limit", "604800"], 2,
          "--time-limit 604800|less than or equal to 86400")
    flags("flags_price_weight_nan.args", ["shortlist", "--price-weight", "nan"], 2, "--price-weight nan|finite")
    flags("flags_weight_inf.args", ["shortlist", "--weight", "distance=inf"], 2, "--weight distance=inf|finite")
    flags("flags_min_suppliers_0.args", ["shortlist", "--min-suppliers", "0"], 2, "--min-suppliers 0|at least 1")
    flags("flags_as_of_year_1.args", ["export", "--as-of", "0001-01-01"], 2, "--as-of|0001-01-01")
    flags("flags_flag_and_scenario.args", ["solve", "{bad}/scenario_unknown_key.yaml", "--time-limit", "604800"], 2,
          "--time-limit 604800|scenario_unknown_key.yaml, line 2, key 'cert_shar'")
    flags("flags_scenario_and_weights.args", ["export", "{bad}/scenario_wrong_type.yaml", "--weights",
                                              "{bad}/weights_bad_column.csv"], 2,
          "scenario_wrong_type.yaml, line 2, key 'time_limit'|weights_bad_column.csv, row 3, column 'weight'")
    flags("flags_compare_two_bad_files.args", ["compare", "{bad}/scenario_unknown_key.yaml",
                                               "{bad}/scenario_as_of_feb30.yaml"], 2,
          "scenario_unknown_key.yaml, line 2|scenario_as_of_feb30.yaml, line 2, key 'as_of'")
    scenario_case("scenario_type_and_unknown_key.yaml", "name: t\ntime_limit: soon\ncert_shar: 0.7\nquota_band: 2\n",
                  "line 2, key 'time_limit'|line 3, key 'cert_shar'|unknown key|line 4, key "
                  "'quota_band'")
    case("scenario_bad_base_child.yaml", "base: scenario_bad_base_parent.yaml\nband_delta: many\n", "scenario",
         "solve", 2, "scenario_bad_base_child.yaml, line 2, key 'band_delta'|scenario_bad_base_parent.yaml, line 2, "
         "key 'mix_tolerence'")
    case("scenario_bad_base_parent.yaml", "name: parent\nmix_tolerence: 0.1\n", "scenario-base", "solve", 2,
         "mix_tolerence")
    one_pass_cases()


def one_pass_cases() -> None:
    """A bad data table and a bad lots file in one run: both are listed (the lots file is read before the
    solve). ``{data_with:FILE}`` is a copy of the shipped data with the corpus file FILE in its table's place."""
    flags("flags_bad_table_and_lots.args", ["shortlist", "--data", "{data_with:institutions_negative_teachers.csv}",
                                            "--lots", "{bad}/lots_unknown_area.csv"], 2,
          "institutions.csv, row 8, column 'platform_teachers'|lots_unknown_area.csv, row 2, column 'area'|"
          "lots_unknown_area.csv, row 3, column 'course_or_group'")
    flags("flags_bad_courses_and_lots.args", ["shortlist", "--data", "{data_with:courses_r6_hours.csv}",
                                              "--lots", "{bad}/lots_trainees_huge.csv"], 2,
          "courses.csv, row 37, column 'class_hours'|lots_trainees_huge.csv, row 2, column 'trainees'")

    calibration_cases()


def calibration_cases() -> None:
    """Issue 20: assumed values inside the schema's sane bounds but outside the range public sources support
    (data/assumption_ranges.csv)."""
    case("offers_price_outside_sources.csv", text(_cell(rows("offers"), 10, "price_per_trainee", "5000")), "offers",
         "check", 2, "row 10|column 'price_per_trainee'|outside the range public sources support|300–4,000 yuan|5000")
    case("courses_hours_outside_sources.csv", text(edit("courses", "k02", "class_hours", "480")), "courses",
         "check", 2, "row 3|column 'class_hours'|outside the range public sources support|40–400 hours|480")
    case("institutions_teachers_outside_sources.csv", text(edit("institutions", "s04", "platform_teachers", "900")),
         "institutions", "check", 2, "row 5|column 'platform_teachers'|outside the range|0–500 teachers|900")


def _cell(table: list[list[str]], row: int, column: str, value: str) -> list[list[str]]:
    """``table`` with the cell at spreadsheet ``row`` (header = 1) of ``column`` set to ``value``."""
    table = [list(r) for r in table]
    table[row - 1][table[0].index(column)] = value
    return table


if __name__ == "__main__":
    main()
