"""Reading and checking departments' enterprise files: every bad cell named, nothing half-accepted."""

from __future__ import annotations

import datetime as dt
from importlib import resources

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from kechuang.engine import credit_code, synth
from kechuang.engine.enterprise_import import (
    ROW_ERROR_KINDS,
    RowError,
    _read_typed,
    check_facts,
    check_file,
    check_registry,
    check_upload,
    map_headers,
    read_table,
    region_lookup_from_towns,
)
from kechuang.engine.vocabulary import FACT_COLUMNS, REGISTRY_COLUMNS

CODES = credit_code.generate(20, np.random.default_rng(3), ["441900"])
ZH_REGISTRY = {c.name: c.header_zh for c in REGISTRY_COLUMNS}
ZH_FACTS = {c.name: c.header_zh for c in FACT_COLUMNS}

GOOD_REGISTRY = {
    "credit_code": CODES[0],
    "name": "东莞市示例电子科技有限公司",
    "registered_on": "2015-03-01",
    "region": "虎门镇",
    "industry_code": "C3971",
    "tech_field": "电子信息",
    "hightech_cert_until": "2026-12-19",
    "kexiao_registered_year": "2024",
    "rd_institution_level": "municipal",
    "national_award_5y": "否",
    "led_standard_5y": "false",
    "abnormal_listed": "N",
    "serious_incident_1y": "0",
    "restricted_industry": "",
}
GOOD_FACTS = {
    "credit_code": CODES[0],
    "year": "2024",
    "revenue": "8000",
    "main_business_revenue": "7800.5",
    "hightech_revenue": "6000",
    "total_cost": "7500",
    "rd_expense": "400",
    "rd_expense_domestic": "380",
    "employees": "120",
    "tech_staff": "30",
    "rd_staff": "20",
    "total_assets": "9000",
    "net_assets": "-100",  # may be negative
    "net_profit": "-50",  # may be negative
    "tax_paid": "200",
    "ip_class1": "5",
    "ip_class2": "12",
    "invention_patents": "4",
    "high_value_invention_patents": "2",
    "conversions": "3",
    "equity_financing": "",
    "tech_contract_income": "0",
    "standards_led": "1",
    "funded_projects": "2",
}


@pytest.fixture(scope="module")
def lookup() -> dict[str, str]:
    data = resources.files("kechuang.data").joinpath("dongguan-towns.csv").read_bytes()
    return region_lookup_from_towns(pl.read_csv(data, schema_overrides={"code": pl.Utf8}))


def rows(base: dict, n: int = 11, **cell) -> pl.DataFrame:
    """n good rows with distinct codes; ``cell`` changes the last one (spreadsheet row n + 1)."""
    data = [dict(base, credit_code=CODES[i]) for i in range(n)]
    data[-1].update(cell)
    return pl.DataFrame(data, schema={k: pl.Utf8 for k in base})


def only_error(result) -> RowError:
    clean, errors = result
    assert errors.rejected and clean.height == 0, "a rejected file gives no clean rows"
    assert len(errors) == errors.total == 1, errors
    return errors[0]


# --- a good file -------------------------------------------------------------------------------


def test_a_good_registry_is_parsed_to_the_vocabulary_types(lookup):
    clean, errors = check_registry(rows(GOOD_REGISTRY, 3), lookup)
    assert not errors.rejected and errors.total == 0 and errors.summary() == "检查通过"
    assert clean.schema == pl.Schema({c.name: c.dtype for c in REGISTRY_COLUMNS})
    row = clean.row(0, named=True)
    assert row["region"] == "441900121"  # normalised to the division code
    assert row["registered_on"] == dt.date(2015, 3, 1)
    assert row["kexiao_registered_year"] == 2024
    assert (row["national_award_5y"], row["led_standard_5y"], row["abnormal_listed"]) == (False, False, False)
    assert row["restricted_industry"] is None


def test_a_good_facts_file_is_parsed_to_the_vocabulary_types():
    clean, errors = check_facts(rows(GOOD_FACTS, 3), set(CODES))
    assert not errors.rejected
    assert clean.schema == pl.Schema({c.name: c.dtype for c in FACT_COLUMNS})
    row = clean.row(0, named=True)
    assert row["year"] == 2024 and row["employees"] == 120 and row["main_business_revenue"] == 7800.5
    assert row["net_assets"] == -100 and row["equity_financing"] is None


def test_common_spreadsheet_noise_is_tolerated(lookup):
    reg = pl.DataFrame(
        [
            dict(GOOD_REGISTRY, credit_code=f" {CODES[0].lower()} ", registered_on="2019/3/5", region="441900121"),
            dict(GOOD_REGISTRY, credit_code=CODES[1].translate(str.maketrans("0123456789", "０１２３４５６７８９")),
                 registered_on="20190305", region="松山湖", rd_institution_level="省级", national_award_5y="Y"),
            dict(GOOD_REGISTRY, credit_code=CODES[2], registered_on="2019年3月5日", region="长安镇 ",
                 rd_institution_level="国家级", national_award_5y="是", hightech_cert_until="2026-12-19 00:00:00"),
        ]
    )  # fmt: skip
    clean, errors = check_registry(reg, lookup)
    assert not errors.rejected, errors
    assert clean["credit_code"].to_list() == CODES[:3]
    assert clean["registered_on"].to_list() == [dt.date(2019, 3, 5)] * 3
    assert clean["region"].to_list() == ["441900121", "441900401", "441900119"]
    assert clean["rd_institution_level"].to_list() == ["municipal", "provincial", "national"]
    assert clean["national_award_5y"].to_list() == [False, True, True]
    facts = rows(GOOD_FACTS, 2, revenue="1,234,567.5", rd_expense="４００", employees="120 ", year="2024年")
    clean, errors = check_facts(facts, set(CODES))
    assert not errors.rejected, errors
    assert clean.row(1, named=True)["revenue"] == 1234567.5
    assert clean.row(1, named=True)["rd_expense"] == 400 and clean.row(1, named=True)["year"] == 2024


def test_empty_rows_are_skipped_but_rows_keep_their_spreadsheet_numbers():
    blank = dict.fromkeys(GOOD_FACTS, None)
    df = pl.DataFrame([GOOD_FACTS, blank, dict(GOOD_FACTS, credit_code=CODES[1], revenue="N/A")])
    clean, errors = check_facts(df, set(CODES))
    assert errors[0].row == 4


# --- each bad input: the right row, column and message ----------------------------------------

REGISTRY_CASES = [
    ("credit_code", CODES[5][:17] + ("A" if CODES[5][17] != "A" else "B"), "credit_code", "校验码错误，应为"),
    ("credit_code", CODES[5][:16], "credit_code", "长度不是18位"),
    ("credit_code", CODES[5][:10] + "O" + CODES[5][11:], "credit_code", "含非法字符"),
    ("credit_code", "", "credit_code", "为空"),
    ("credit_code", CODES[0], "duplicate", "与第 2 行重复"),
    ("region", "火星镇", "region", "不是东莞的镇街"),
    ("registered_on", "2019-02-30", "date", "不是有效日期"),
    ("hightech_cert_until", "不详", "date", "不是有效日期"),
    ("national_award_5y", "待定", "boolean", "应填 是/否"),
    ("kexiao_registered_year", "N/A", "number", "不是年份"),
    ("kexiao_registered_year", "1999", "year", "不在 2000–2100 之间"),
    ("kexiao_registered_year", "2023.5", "number", "应为整数"),
    ("tech_field", "人工智能", "tech_field", "不是八大国家重点支持的高新技术领域之一"),
    ("rd_institution_level", "院士工作站", "rd_institution_level", "应为 无/市级/省级/国家级"),
    ("industry_code", "3971", "industry_code", "不是国民经济行业代码"),
]


@pytest.mark.parametrize(("column", "value", "kind", "why"), REGISTRY_CASES)
def test_each_bad_registry_cell_is_named(lookup, column, value, kind, why):
    err = only_error(check_registry(rows(GOOD_REGISTRY, 11, **{column: value}), lookup))
    assert (err.row, err.column, err.value, err.kind) == (12, ZH_REGISTRY[column], value, kind)
    assert err.message.startswith(f"第 12 行「{ZH_REGISTRY[column]}」")
    assert why in err.message


FACT_CASES = [
    ("credit_code", CODES[5][:17] + ("A" if CODES[5][17] != "A" else "B"), "credit_code", "校验码错误，应为"),
    ("revenue", "12,3", "number", "不是数字"),
    ("revenue", "—", "number", "不是数字"),
    ("total_assets", "N/A", "number", "不是数字"),
    ("employees", "120.5", "number", "应为整数"),
    ("rd_expense", "-5", "negative", "不能为负数"),
    ("ip_class2", "-1", "negative", "不能为负数"),
    ("year", "1999", "year", "不在 2000–2100 之间"),
    ("year", "", "missing", "为空"),
    ("year", "去年", "number", "不是年份"),
]


@pytest.mark.parametrize(("column", "value", "kind", "why"), FACT_CASES)
def test_each_bad_facts_cell_is_named(column, value, kind, why):
    err = only_error(check_facts(rows(GOOD_FACTS, 11, **{column: value}), set(CODES)))
    assert (err.row, err.column, err.value, err.kind) == (12, ZH_FACTS[column], value, kind)
    assert why in err.message


def test_the_consistency_message_names_both_fields_and_values():
    err = only_error(check_facts(rows(GOOD_FACTS, 11, tech_staff="150", employees="120"), set(CODES)))
    assert err.message == "第 12 行「科技人员数」= 150 大于「职工总数」= 120"
    assert (err.row, err.column, err.kind) == (12, "科技人员数", "consistency")


@pytest.mark.parametrize(
    ("changes", "column"),
    [
        ({"rd_staff": "121"}, "rd_staff"),
        ({"rd_expense_domestic": "400.01"}, "rd_expense_domestic"),
        ({"hightech_revenue": "8000.5"}, "hightech_revenue"),
        ({"invention_patents": "6"}, "invention_patents"),
        ({"high_value_invention_patents": "5"}, "high_value_invention_patents"),
    ],
)
def test_each_consistency_check(changes, column):
    err = only_error(check_facts(rows(GOOD_FACTS, 11, **changes), set(CODES)))
    assert err.kind == "consistency" and err.column == ZH_FACTS[column] and "大于" in err.message


def test_a_repeated_enterprise_year_is_a_duplicate_but_another_year_is_not():
    facts = rows(GOOD_FACTS, 11, credit_code=CODES[3])
    err = only_error(check_facts(facts, set(CODES)))
    assert (
        err.kind == "duplicate"
        and err.message == f"第 12 行「统一社会信用代码」= {CODES[3]} 的 2024 年度数据与第 5 行重复"
    )
    clean, errors = check_facts(rows(GOOD_FACTS, 11, credit_code=CODES[3], year="2023"), set(CODES))
    assert not errors.rejected


def test_facts_of_an_enterprise_not_in_the_registry_are_rejected():
    stranger = credit_code.generate_array(1, np.random.default_rng(8), ["441900"], exclude=CODES)[0]
    err = only_error(check_facts(rows(GOOD_FACTS, 11, credit_code=stranger), set(CODES)))
    assert err.kind == "unknown_code" and "不在企业名录中" in err.message
    assert not check_facts(rows(GOOD_FACTS, 11, credit_code=stranger), pl.Series([*CODES, stranger]))[
        1
    ].rejected
    assert not check_facts(rows(GOOD_FACTS, 11, credit_code=stranger), None)[1].rejected  # check skipped


def test_errors_are_capped_but_counted_and_in_row_order():
    n = 2_500
    facts = pl.DataFrame(
        {"credit_code": credit_code.generate(n, np.random.default_rng(1), ["441900"]), "year": ["2024"] * n,
         "revenue": ["N/A"] * n, "employees": ["-3"] * n}
    )  # fmt: skip
    clean, errors = check_facts(facts, None)
    assert clean.height == 0 and errors.rejected
    assert errors.total == 2 * n and len(errors) == 1000
    assert [e.row for e in errors] == sorted(e.row for e in errors) and errors[0].row == 2
    assert "列出前 1000 处" in errors.summary()


def test_the_dirty_synthetic_files_produce_every_kind_of_error(lookup, tmp_path):
    towns = pl.read_csv(resources.files("kechuang.data").joinpath("dongguan-towns.csv").read_bytes(),
                        schema_overrides={"code": pl.Utf8})  # fmt: skip
    registry, facts = synth.synthesize(2_000, [2023, 2024], 11, towns, dirty=True)
    synth.write_population(registry, facts, tmp_path)
    reg_clean, reg_errors = check_file(
        tmp_path / "registry.csv", "registry", region_lookup=lookup, max_errors=10**6
    )
    known = set(read_table(tmp_path / "registry.csv")["credit_code"].drop_nulls().str.strip_chars())
    fact_clean, fact_errors = check_file(tmp_path / "facts.csv", "facts", known_codes=known, max_errors=10**6)
    assert reg_clean.height == fact_clean.height == 0
    assert {e.kind for e in reg_errors} | {e.kind for e in fact_errors} == ROW_ERROR_KINDS


# --- headers -----------------------------------------------------------------------------------


def test_chinese_headers_with_spaces_and_full_width_brackets_are_recognised():
    df = pl.DataFrame({" 统一社会信用代码": [CODES[0]], "年度 ": ["2024"], "高新技术产品(服务)收入": ["1"],
                       "I类知识产权数（有效）": ["1"], "营业收入（万元）": ["5"], "employees": ["3"], "序号": ["1"]})  # fmt: skip
    mapped, errors = map_headers(df, "facts")
    assert not errors
    assert mapped.columns == ["credit_code", "year", "hightech_revenue", "ip_class1", "revenue", "employees"]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("营业收入（元）", "列“营业收入（元）”的单位是元，本系统要求万元，请换算后再上传"),
        ("营业收入(亿元)", "列“营业收入(亿元)”的单位是亿元，本系统要求万元，请换算后再上传"),
        ("研究开发费用（千元）", "列“研究开发费用（千元）”的单位是千元，本系统要求万元，请换算后再上传"),
        ("职工总数（万人）", "列“职工总数（万人）”的单位是万人，本系统要求人，请换算后再上传"),
    ],
)
def test_a_header_declaring_another_unit_is_rejected(header, message):
    df = pl.DataFrame({"统一社会信用代码": [CODES[0]], "年度": ["2024"], header: ["1"]})
    _, errors = map_headers(df, "facts")
    assert [(e.row, e.column, e.message, e.kind) for e in errors] == [(1, header, message, "header")]


def test_unknown_duplicate_missing_and_unnamed_columns(tmp_path):
    df = pl.DataFrame({"统一社会信用代码": [CODES[0]], "企业名称": ["甲"], "name": ["乙"], "法人代表": ["丙"],
                       "__UNNAMED__4": [None], "__UNNAMED__5": ["有数据"]})  # fmt: skip
    _, errors = map_headers(df, "registry")
    messages = [e.message for e in errors]
    assert any("“name”与列“企业名称”是同一项" in m for m in messages)
    assert any("“法人代表”不是本系统认识的表头" in m for m in messages)
    assert "第 6 列没有表头，但有数据" in messages
    assert len(errors) == 3  # the empty unnamed column is ignored
    _, errors = map_headers(pl.DataFrame({"营业收入": ["1"]}), "facts")
    assert {e.message for e in errors} == {"缺少必需的列“统一社会信用代码”", "缺少必需的列“年度”"}


# --- files -------------------------------------------------------------------------------------


def _write_registry_csv(path, encoding: str) -> None:
    df = rows(GOOD_REGISTRY, 3).rename(ZH_REGISTRY)
    text = df.write_csv()
    path.write_bytes(text.encode(encoding))


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_utf8_utf8_bom_or_gbk_is_read(tmp_path, lookup, encoding):
    path = tmp_path / "名录.csv"
    _write_registry_csv(path, encoding)
    df = read_table(path)
    assert df.columns[0] == "统一社会信用代码" and df["企业名称"][0] == "东莞市示例电子科技有限公司"
    clean, errors = check_file(path, "registry", region_lookup=lookup)
    assert not errors.rejected and clean.height == 3


def test_xlsx_is_read_with_typed_cells_as_text(tmp_path):
    import xlsxwriter

    path = tmp_path / "年度数据.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("企业年度数据")
    headers = [ZH_FACTS[k] for k in ("credit_code", "year", "revenue", "employees", "tech_staff")]
    ws.write_row(0, 0, headers)
    ws.write_row(1, 0, [CODES[0], 2024, 8000.5, 120, 30])  # numbers as numbers
    ws.write_row(2, 0, [CODES[1], "2024", "1,000", "80", "8"])  # numbers as text
    ws.write_row(4, 0, [CODES[2], 2024, 50, 10, 11])  # after an empty row; tech staff > employees
    wb.close()
    clean, errors = check_file(path, "facts", known_codes=set(CODES))
    assert (
        errors.total == 1
        and errors[0].row == 5
        and errors[0].message == "第 5 行「科技人员数」= 11 大于「职工总数」= 10"
    )
    fixed = tmp_path / "fixed.xlsx"
    wb = xlsxwriter.Workbook(str(fixed))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, headers)
    ws.write_row(1, 0, [CODES[0], 2024, 8000.5, 120, 30])
    wb.close()
    clean, errors = check_file(fixed, "facts", known_codes=set(CODES))
    assert not errors.rejected
    assert clean.row(0, named=True) | {} == {"credit_code": CODES[0], "year": 2024, "revenue": 8000.5,
                                              "employees": 120, "tech_staff": 30}  # fmt: skip


def test_an_unreadable_file_is_one_clear_error(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(b'a,b\n"1,2\n')
    _, errors = check_file(path, "facts")
    assert errors.rejected and errors[0].kind == "header"


# --- check_upload: the one reader of the upload page, `kechuang enterprises import` and `qualify --input`


def _facts_csv(path, **cell):
    rows(GOOD_FACTS, 11, **cell).write_csv(path)
    return path


@pytest.mark.parametrize(
    ("column", "value"),
    [*[(c, v) for c, v, _, _ in FACT_CASES], ("revenue", "inf"), ("revenue", "NaN"), ("revenue", " 12 "),
     ("revenue", "1,234"), ("employees", "1e2"), ("tech_staff", "200")],
)  # fmt: skip
def test_a_csv_gives_the_same_rows_and_errors_however_it_is_read(tmp_path, column, value):
    """A clean UTF-8 CSV has its numbers parsed by the CSV reader (the fast path for big files); the
    result, and the error report of a file that is not clean, are those of reading every cell as text."""
    path = _facts_csv(tmp_path / "facts.csv", **{column: value})
    checked, errors = check_upload([path], region_lookup={}, known_codes=CODES)
    text_clean, text_errors = check_file(path, "facts", known_codes=set(CODES))
    assert [str(e) for e in errors.get("facts.csv", [])] == [str(e) for e in text_errors]
    assert [(e.row, e.column, e.value, e.kind) for e in errors.get("facts.csv", [])] == [
        (e.row, e.column, e.value, e.kind) for e in text_errors
    ]
    if not text_errors:
        assert_frame_equal(checked[0].clean, text_clean)


def test_a_facts_file_naming_an_enterprise_of_a_bad_registry_is_not_flooded(tmp_path, lookup):
    registry = rows(GOOD_REGISTRY, 3, region="火星镇")  # refused, but its codes count as known
    registry.write_csv(tmp_path / "registry.csv")
    rows(GOOD_FACTS, 3).write_csv(tmp_path / "facts.csv")
    _, errors = check_upload([tmp_path / "registry.csv", tmp_path / "facts.csv"], region_lookup=lookup)
    assert "facts.csv" not in errors or all(e.kind != "unknown_code" for e in errors["facts.csv"])
    assert [e.kind for e in errors["registry.csv"]] == ["region"]


def test_an_excel_date_serial_is_a_date(lookup, tmp_path):
    import xlsxwriter

    clean, errors = check_registry(
        rows(GOOD_REGISTRY, 2, registered_on="43529", hightech_cert_until="46375.0"), lookup
    )
    assert not errors.rejected, errors
    assert clean.row(1, named=True)["registered_on"] == dt.date(2019, 3, 5)
    assert clean.row(1, named=True)["hightech_cert_until"] == dt.date(2026, 12, 19)
    path = tmp_path / "名录.xlsx"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["统一社会信用代码", "成立日期", "高企证书有效期至"])
    ws.write_row(1, 0, [CODES[0], 43529])  # a date cell formatted as General
    ws.write_datetime(1, 2, dt.datetime(2026, 12, 19), wb.add_format({"num_format": "yyyy年m月d日"}))
    wb.close()
    clean, errors = check_file(path, "registry", region_lookup=lookup)
    assert not errors.rejected, errors
    assert clean.row(0, named=True) == {"credit_code": CODES[0], "registered_on": dt.date(2019, 3, 5),
                                        "hightech_cert_until": dt.date(2026, 12, 19)}  # fmt: skip


@pytest.mark.parametrize(
    ("column", "value"),
    [*[(c, v) for c, v, _, _ in REGISTRY_CASES], ("registered_on", "2019/3/5"), ("registered_on", "2019-3-5"),
     ("registered_on", "20190305"), ("national_award_5y", "TRUE"), ("national_award_5y", "是"),
     ("national_award_5y", "1"), ("restricted_industry", "")],
)  # fmt: skip
def test_a_registry_csv_gives_the_same_rows_and_errors_however_it_is_read(tmp_path, lookup, column, value):
    path = tmp_path / "registry.csv"
    plain = {"national_award_5y": "false", "abnormal_listed": "true", "serious_incident_1y": "false"}
    rows(GOOD_REGISTRY | plain, 11, **{column: value}).write_csv(path)
    checked, errors = check_upload([path], region_lookup=lookup)
    text_clean, text_errors = check_file(path, "registry", region_lookup=lookup)
    if value == "2019/3/5":  # the fast path was taken
        assert _read_typed(path).schema["registered_on"] == pl.Date
    assert [(e.row, e.column, e.value, e.message) for e in errors.get("registry.csv", [])] == [
        (e.row, e.column, e.value, e.message) for e in text_errors
    ]
    if not text_errors:
        assert_frame_equal(checked[0].clean, text_clean)
