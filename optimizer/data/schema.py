"""What every input table looks like: columns, types, units and meaning.

One table of schemas drives validation (``tables.parse_table``), the blank templates and the
column documentation in ``data/SOURCES.md``. Kinds: ``text``, ``code`` (stable ASCII code),
``adcode`` (6-digit division code), ``int`` (whole number ≥ 0), ``wan`` (exact decimal in 万),
``float`` (≥ 0 unless ``signed``), ``bool``, ``date`` (YYYY-MM-DD).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from optimizer import rules
from optimizer.data import limits


@dataclass(frozen=True)
class Column:
    name: str
    kind: str
    meaning: str
    unit: str = ""
    required: bool = True  # may the cell be blank?
    choices: tuple[str, ...] = ()
    signed: bool = False
    maximum: float | None = None  # sane range of a number (checked where data enters; docs/errors.md)
    minimum: float | None = None  # None: 0 (or no bound when signed)
    is_name: bool = False  # a name (of a place, school, unit, profession): no path separator, bounded length
    first_date: str = "1990-01-01"  # sane range of a date
    last_date: str = "2100-12-31"

    @property
    def max_length(self) -> int:
        """Longest text accepted in the column (optimizer.data.limits; read per cell, so imported once above)."""
        if self.kind in ("code", "adcode"):
            return limits.MAX_CODE_LENGTH
        return limits.MAX_NAME_LENGTH if self.is_name else limits.MAX_TEXT_LENGTH


@dataclass(frozen=True)
class TableSchema:
    name: str  # file stem in data/, sheet name in .xlsx
    title: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    min_rows: int = 1
    origin: str = ""
    assumed: bool = False  # has a basis column and is replaceable by a bureau's own data
    extra: dict[str, str] = field(default_factory=dict)
    part: str = "plan"  # "plan": every data folder holds it; "procurement": read by the procurement stage only

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


# Sane ranges of numbers (docs/errors.md): China's extent in degrees; 5,000 万 = 50 million, more than
# Yunnan's population (47 million); a county of 20 million persons would be larger than any city.
LON = {"minimum": 73.0, "maximum": 136.0}
LAT = {"minimum": 3.0, "maximum": 54.0}
MAX_WAN = 5000
MAX_PERSONS = 10_000_000

BASIS = Column("basis", "text", "where the row comes from: `notice: …`, `reference: …` or `assumed: <reason>`")
ANNEX1_COLUMNS = {
    "col1": "完成培训人数 total trained",
    "col2": "其中: 取得职业资格和职业技能等级类别证书人数 certificate-class (of 1)",
    "col3": "其中: 高级工及以上 advanced and above (of 2)",
    "col4": "含: 农村劳动力补贴性培训人数 rural-labour subsidised (within 1)",
    "col5": "含: 由技工院校承担培训人数 by technical schools (within 1)",
    "col6": "含: 新型学徒制培训人数 new-style apprenticeship (within 1)",
    "col7": "含: 创业培训 entrepreneurship (within 1)",
    "col8": "含: 大学生职业培训 college students (within 1)",
    "col9": "其中: 大学生技能培训 college-student skills training (of 8)",
}
ANNEX5_COLUMNS = {
    "total": "创业培训目标任务 entrepreneurship target",
    "siyb": "其中: SIYB创业培训任务 SIYB",
    "college_siyb": "含大学生SIYB培训任务 college SIYB (of siyb)",
    "online": "其中: 网络创业培训任务 online entrepreneurship",
    "college_online": "含大学生网络创业培训任务 college online (of online)",
    "livestream": "含网络创业直播培训（试点） livestream pilot (of online)",
}

SCHEMAS: dict[str, TableSchema] = {}


def _add(schema: TableSchema) -> None:
    SCHEMAS[schema.name] = schema


_add(TableSchema(
    "prefectures", "州（市）名称表 prefectures", (
        Column("adcode", "adcode", "prefecture division code (NBS/MCA)"),
        Column("name", "text", "short name as the notice prints it, e.g. 楚雄州", is_name=True),
        Column("full_name", "text", "official full name, e.g. 楚雄彝族自治州", is_name=True),
        Column("aliases", "text", "other spellings accepted in any table, separated by |", required=False),
        BASIS,
    ), key=("adcode",), origin="reference: shared/reference/yunnan_counties.csv (S1); aliases from the notice"))
_add(TableSchema(
    "counties", "县（市、区）表 county-level divisions", (
        Column("adcode", "adcode", "county division code (NBS 2022-10-31 = MCA 2022-12-31)"),
        Column("county", "text", "official county name", is_name=True),
        Column("prefecture", "text", "managing prefecture, short name", is_name=True),
        Column("prefecture_adcode", "adcode", "managing prefecture's code"),
        Column("kind", "text", "市辖区 / 县级市 / 县 / 自治县", choices=("市辖区", "县级市", "县", "自治县")),
        Column("lon", "float", "county seat longitude (GCJ-02 assumed)", "degrees", **LON),
        Column("lat", "float", "county seat latitude (GCJ-02 assumed)", "degrees", **LAT),
        Column("population_2020", "int", "7th census resident population (常住人口)", "persons",
               maximum=20_000_000),
        Column("centroid_lon", "float", "polygon centroid longitude", "degrees", required=False, **LON),
        Column("centroid_lat", "float", "polygon centroid latitude", "degrees", required=False, **LAT),
    ), key=("adcode",), origin="reference: shared/reference/yunnan_counties.csv, see counties-PROVENANCE.md"))
_add(TableSchema(
    "annex1_targets", "附件1 云南省2022年职业培训任务计划表", (
        Column("row", "text", "单位 (甲): 全省 or a prefecture, as printed", is_name=True),
        *(Column(k, "wan", v, "万人次", maximum=MAX_WAN) for k, v in ANNEX1_COLUMNS.items()),
    ), key=("row",), origin="notice: Annex 1"))
_add(TableSchema(
    "annex2_school_quotas", "附件2 技工院校2022年职业培训任务计划表", (
        Column("seq", "text", "序号 as printed; 合计 for the printed total row"),
        Column("school", "text", "单位名称 as printed (blank on the 合计 row)", required=False, is_name=True),
        Column("quota_wan", "wan", "目标任务", "万人", maximum=MAX_WAN),
        Column("note", "text", "备注", required=False),
    ), key=("seq",), origin="notice: Annex 2"))
_add(TableSchema(
    "annex3_platforms", "附件3 云南省推荐使用的网络培训平台机构名单", (
        Column("seq", "text", "序号 as printed (一 … 七)"),
        Column("printed", "text", "the entry's name exactly as printed"),
        Column("operator", "text", "operating body, as printed (blank where none is printed)", required=False),
        Column("platform", "text", "platform name, as printed"),
        Column("url", "text", "address, as printed"),
        Column("contact", "text", "联系人"),
        Column("phone", "text", "电话, as printed"),
    ), key=("seq",), origin="notice: Annex 3"))
_add(TableSchema(
    "annex4_project_trainees", "附件4 2022年省级项目职业培训计划表", (
        Column("州市", "text", "prefecture as printed, or 州市汇总 for the printed total row", is_name=True),
    ), key=("州市",), origin="notice: Annex 4",
    extra={"wide": "one column per unit, headed by its name as printed, plus 全省合计; values in 人次"}))
_add(TableSchema(
    "annex5_entrepreneurship", "附件5 2022年创业培训任务计划表", (
        Column("seq", "text", "序号 as printed; 合计 for the printed total row"),
        Column("prefecture", "text", "州市 as printed (blank on the 合计 row)", required=False, is_name=True),
        *(Column(k, "int", v, "人次", maximum=MAX_PERSONS) for k, v in ANNEX5_COLUMNS.items()),
    ), key=("seq",), origin="notice: Annex 5"))
_add(TableSchema(
    "notice_figures", "通知正文中的数字 figures printed in the notice's text", (
        Column("figure", "code", "name of the figure"),
        Column("value", "wan", "value as printed", "万", maximum=MAX_WAN),
        Column("unit", "text", "unit as printed (万人次 or 万人)"),
        Column("section", "text", "section of the notice"),
        Column("compares_with", "text", "table:column it must equal (annex1:N or annex5:column)"),
        Column("quote", "text", "the sentence, as printed"),
    ), key=("figure",), origin="notice: 一(二) and the note under Annex 1"))
_add(TableSchema(
    "notice", "通知基本信息 the notice's number, dates and deadlines", (
        Column("key", "text", "number | title | date | year | breakdown_due | tracking_report_1 | tracking_report_2 | "
               "subsidy_approval_working_days", choices=("number", "title", "date", "year", "breakdown_due",
                                                         "tracking_report_1", "tracking_report_2",
                                                         "subsidy_approval_working_days")),
        Column("value", "text", "value as printed (dates as YYYY-MM-DD)"),
        Column("section", "text", "section of the notice"),
        Column("quote", "text", "the words it comes from, as printed"),
    ), key=("key",), origin="notice: heading, 三(九), 四 and the date of issue"))
_add(TableSchema(
    "profession_groups", "专业大类 profession groups", (
        Column("code", "code", "stable ASCII code"),
        Column("name", "text", "Chinese name", is_name=True),
        BASIS,
    ), key=("code",), assumed=True))
_add(TableSchema(
    "courses", "培训课程目录 course catalogue", (
        Column("code", "code", "stable ASCII code"),
        Column("profession", "text", "职业（工种）", is_name=True),
        Column("group", "code", "profession group code (profession_groups.csv)"),
        Column("certificate_type", "text", "certificate the course leads to", choices=rules.CERTIFICATE_TYPES),
        Column("level", "text", "skill level where the certificate has one", required=False, choices=rules.LEVELS),
        Column("class_hours", "int", "class hours of one class (R6: ≥ 120 for certificate-class)", "hours",
               maximum=2000),
        Column("max_class_size", "int", "largest class (R5: ≤ 60, ≤ 30 for entrepreneurship)", "trainees",
               maximum=1000),
        Column("certificate_class", "bool", "counts as certificate-class (R1, Annex 1 column 2)"),
        Column("advanced", "bool", "counts as 高级工 and above (Annex 1 column 3)"),
        BASIS,
    ), key=("code",), assumed=True))
_add(TableSchema(
    "institutions", "培训机构 institutions (the 33 schools of Annex 2, unit centres, filed institutions)", (
        Column("code", "code", "stable ASCII code (s01… schools, i01… others)"),
        Column("name", "text", "name; a school's name as printed in Annex 2", is_name=True),
        Column("kind", "text", "type", choices=(*rules.SCHOOL_TYPES, "企业培训中心", "培训机构")),
        Column("unit", "code", "owning provincial-project unit for a unit's own centre", required=False),
        Column("prefecture", "text", "home prefecture", is_name=True),
        Column("county_adcode", "adcode", "home county"),
        Column("platform_teachers", "int", "teachers registered on the provincial platform (R15)", "teachers",
               maximum=100_000),
        Column("siyb_trainers", "int", "teachers holding an entrepreneurship-trainer certificate (R16)", "teachers",
               maximum=100_000),
        Column("filed", "bool", "filed (备案) with HRSS as a training institution that provincial-project units may "
               "partner with (R11); a unit's own centre trains only its own unit unless filed", required=False),
        BASIS,
    ), key=("code",), assumed=True))
_add(TableSchema(
    "offers", "开设课程与能力 courses offered, with capacity inputs", (
        Column("institution", "code", "institution code"),
        Column("course", "code", "course code"),
        Column("major", "code", "the institution's major (专业, a profession group) covering the course (R3)"),
        Column("equipment_sets", "int", "teaching-equipment sets = concurrent classes (R7)", "sets",
               maximum=10_000),
        Column("days_available", "int", "training days a year the equipment is free for this course", "days",
               maximum=366),
        Column("price_per_trainee", "float", "quoted price per trainee", "yuan", maximum=100_000),
        Column("evaluator", "bool", "is the institution a filed evaluator for this course (R13)"),
        BASIS,
    ), key=("institution", "course"), assumed=True))
_add(TableSchema(
    "units", "省级项目单位 provincial-project units", (
        Column("code", "code", "stable ASCII code"),
        Column("name", "text", "name as printed in Annex 4's header", is_name=True),
        Column("name_in_text", "text", "name as printed in the notice's text 三(一)", is_name=True),
        BASIS,
    ), key=("code",), assumed=True))
_add(TableSchema(
    "unit_scope", "单位经营范围 business scope of each unit (R2)", (
        Column("unit", "code", "unit code"),
        Column("group", "code", "profession group inside the unit's licence"),
        BASIS,
    ), key=("unit", "group"), assumed=True))
_add(TableSchema(
    "unit_counties", "单位承办县 counties where a unit trains in a prefecture (R10)", (
        Column("unit", "code", "unit code"),
        Column("prefecture", "text", "prefecture", is_name=True),
        Column("county_adcode", "adcode", "county"),
        BASIS,
    ), key=("unit", "prefecture", "county_adcode"), min_rows=0, assumed=True,
    extra={"rule": "a (unit, prefecture) with no row here may train in every county of the prefecture"}))
_add(TableSchema(
    "profession_focus", "专业需求结构 profession focus of each prefecture", (
        Column("prefecture", "text", "prefecture", is_name=True),
        Column("group", "code", "profession group"),
        Column("share", "float", "share of the prefecture's demand", "fraction", maximum=1.0),
        BASIS,
    ), key=("prefecture", "group"), assumed=True))
_add(TableSchema(
    "debarments", "取消资格名单 debarments (R14)", (
        Column("institution", "code", "institution code"),
        Column("decision_date", "date", "date of the decision"),
        Column("years", "int", f"years of exclusion (R14: {rules.DEBARMENT_YEARS})", "years", maximum=50),
        Column("reason", "text", "what was found", required=False),
        BASIS,
    ), key=("institution", "decision_date"), min_rows=0, assumed=True))

_add(TableSchema(
    "procurement_thresholds", "采购限额标准 procurement thresholds for services", (
        Column("item", "code", "threshold", choices=("public_tender_services", "procurement_limit_services")),
        Column("amount_yuan", "float", "amount; a procurement item above it falls under the rule", "yuan"),
        BASIS,
    ), key=("item",), assumed=True, part="procurement",
    extra={"rule": "public_tender_services: an item above it is bought by 公开招标; procurement_limit_services: "
                   "below it the law's methods are not compulsory (the tool still proposes one)"}))
_add(TableSchema(
    "subsidised_share", "技工院校任务中的补贴性培训比例 subsidised share of each Annex 2 quota", (
        Column("school", "code", "school code (institutions.csv)"),
        Column("name", "text", "school name, for the reader", required=False),
        Column("share", "float", "share of the school's allocated trainees that is subsidised and procured",
               "fraction", maximum=1.0),
        BASIS,
    ), key=("school",), assumed=True, part="procurement",
    extra={"rule": "a school with no row here counts as fully subsidised (share 1)"}))
_add(TableSchema(
    "subsidy_standards", "职业培训补贴标准 subsidy standard per trainee", (
        Column("certificate_type", "text", "certificate the course leads to", choices=rules.CERTIFICATE_TYPES),
        Column("level", "text", "skill level (blank for types without levels)", required=False,
               choices=rules.LEVELS),
        Column("yuan_per_trainee", "float", "subsidy per trainee: the budget ceiling (最高限价) per trainee", "yuan"),
        BASIS,
    ), key=("certificate_type", "level"), assumed=True, part="procurement"))

# Files every data folder must hold, in load order (procurement tables are read by the procurement stage).
TABLE_ORDER = [name for name, schema in SCHEMAS.items() if schema.part == "plan"]

# Not a plan table: the year's actual classes as the provincial platform exports them (issue 18). Kept out of
# SCHEMAS so the plan loader does not ask for it; the templates writer adds its blank template.
ACTUALS = TableSchema(
    "actuals", "实际培训班次 actual training records", (
        Column("class_id", "text", "class id on the provincial platform (unique)"),
        Column("institution_code", "text", "institution: code (s01, i03 …) or its name"),
        Column("course_code", "text", "course: code (k01 …) or its profession name"),
        Column("adcode", "text", "county where the class is held: 6-digit code or county name"),
        Column("programme", "text", "school = Annex 2 quota, unit = Annex 4 provincial project, other",
               choices=("school", "unit", "other")),
        Column("unit_code", "text", "provincial-project unit (code or name); unit classes only", required=False),
        Column("start_date", "date", "first training day"),
        Column("end_date", "date", "last training day; after the as-of date = still in training"),
        Column("trainees", "int", "trainees enrolled", "persons"),
        Column("certified", "int", "trainees certified", "persons", required=False),
        Column("subsidy_yuan", "float", "subsidy claimed for the class (0 = not subsidised)", "yuan",
               required=False),
        Column("claim_date", "date", "date the subsidy was claimed (default: end_date)", required=False),
        Column("approval_date", "date", "date the claim was approved (blank = not yet)", required=False),
    ), key=("class_id",), min_rows=0, origin="provincial training platform export (三(九), 四(二))")
