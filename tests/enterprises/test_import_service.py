"""The registry import: all or nothing, field-by-field updates that keep the replaced values."""

import pytest

from kechuang.engine.credit_code import check_char
from kechuang.enterprises.importing import EnterpriseImportError, import_files
from kechuang.enterprises.models import Enterprise, Fact, FactRevision, Upload


def code(body: str) -> str:
    first17 = ("91441900" + body)[:17]
    return first17 + check_char(first17)


A, B = code("MA000001X"), code("MA000002X")
REGISTRY = (
    "统一社会信用代码,企业名称,成立日期,所属镇街,行业代码,技术领域\n"
    f"{A},东莞甲科技有限公司,2015-03-01,松山湖,C3971,电子信息\n"
    f"{B},东莞乙制造有限公司,2010-07-15,虎门镇,C3311,\n"
)
FACTS = (
    "统一社会信用代码,年度,营业收入,研究开发费用,职工总数,科技人员数\n"
    f"{A},2024,5000,260,120,30\n"
    f"{B},2024,30000,450,800,60\n"
)


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def loaded(db, tmp_path):
    return import_files(
        [write(tmp_path, "名录.csv", REGISTRY), write(tmp_path, "年度.csv", FACTS)], department="scjgj"
    )


def test_a_clean_upload_is_imported_with_its_department(loaded):
    assert (loaded.registry_created, loaded.facts_created) == (2, 2)
    ent = Enterprise.objects.get(credit_code=A)
    assert ent.region_code == "441900401" and ent.name == "东莞甲科技有限公司"
    assert ent.upload.department == "scjgj" and ent.upload.file_name == "名录.csv"
    fact = Fact.objects.get(enterprise=ent, year=2024)
    assert (fact.revenue, fact.rd_expense, fact.tech_staff) == (5000, 260, 30)


def test_a_newer_upload_replaces_only_the_fields_it_brings(loaded, tmp_path):
    second = import_files(
        [write(tmp_path, "更正.csv", f"统一社会信用代码,年度,研究开发费用\n{A},2024,300\n")], department="tjj"
    )
    assert (second.facts_created, second.facts_changed) == (0, 1)
    fact = Fact.objects.get(enterprise__credit_code=A, year=2024)
    assert fact.rd_expense == 300 and fact.revenue == 5000  # revenue untouched
    revision = FactRevision.objects.get(enterprise__credit_code=A, year=2024)
    first_upload = Upload.objects.get(file_name="年度.csv")
    assert revision.old_values == {"rd_expense": [260.0, first_upload.pk]}
    assert revision.new_values == {"rd_expense": 300.0}
    assert revision.replaced_by.department == "tjj"


def test_the_same_file_twice_changes_nothing(loaded, tmp_path):
    again = import_files([tmp_path / "年度.csv"], department="scjgj")
    assert (again.facts_created, again.facts_changed, again.facts_unchanged) == (0, 0, 2)
    assert not FactRevision.objects.exists()


@pytest.mark.parametrize(
    ("line", "column", "fragment"),
    [
        (f"{A[:-1]}0,2024,100,5,10,2", "统一社会信用代码", "校验"),
        (f"{A},2024,100,5,10,20", "科技人员数", "大于"),
        (f"{A},2024,-100,5,10,2", "营业收入", "负"),
        (f"{A},二〇二四,100,5,10,2", "年度", ""),
    ],
)
def test_a_bad_row_rejects_the_whole_upload(loaded, tmp_path, line, column, fragment):
    before = (Enterprise.objects.count(), Fact.objects.count(), Upload.objects.count())
    text = f"统一社会信用代码,年度,营业收入,研究开发费用,职工总数,科技人员数\n{B},2023,100,5,10,2\n{line}\n"
    with pytest.raises(EnterpriseImportError) as info:
        import_files([write(tmp_path, "坏.csv", text)], department="tjj")
    errors = info.value.errors["坏.csv"]
    assert any(e.row == 3 and e.column == column and fragment in e.message for e in errors), list(errors)
    assert (Enterprise.objects.count(), Fact.objects.count(), Upload.objects.count()) == before


def test_a_header_in_yuan_is_refused(db, tmp_path):
    text = f"统一社会信用代码,年度,营业收入（元）\n{A},2024,50000000\n"
    with pytest.raises(EnterpriseImportError) as info:
        import_files([write(tmp_path, "元.csv", text)])
    assert "万元" in info.value.errors["元.csv"][0].message


def test_facts_for_an_unknown_enterprise_are_refused(db, tmp_path):
    with pytest.raises(EnterpriseImportError) as info:
        import_files([write(tmp_path, "f.csv", f"统一社会信用代码,年度,营业收入\n{A},2024,1\n")])
    assert "名录" in info.value.errors["f.csv"][0].message
    assert not Fact.objects.exists()


def test_one_bad_file_stops_the_good_one_in_the_same_upload(db, tmp_path):
    bad_facts = FACTS.replace(",120,30", ",120,300")
    with pytest.raises(EnterpriseImportError):
        import_files([write(tmp_path, "名录.csv", REGISTRY), write(tmp_path, "年度.csv", bad_facts)])
    assert not Enterprise.objects.exists()


# --- one reader: the upload (web page, `kechuang enterprises import`) and `kechuang qualify --input`

REGISTRY_EN = (
    "credit_code,name,registered_on,region,industry_code,tech_field,hightech_cert_until,national_award_5y\n"
    f"{A},东莞甲科技有限公司,2015-03-01,松山湖,C3971,电子信息,2026/5/1,是\n"
    f"{B},东莞乙制造有限公司,20100715,虎门镇,C3311,,,N\n"
)
FACTS_EN = (
    "credit_code,year,revenue,rd_expense,employees,tech_staff\n"
    f"{A},2024,5000,260,120,30\n"
    f"{B},2024,30000,450,800,60\n"
)
ZH = {
    "credit_code": "统一社会信用代码", "name": "企业名称", "registered_on": "成立日期", "region": "所属镇街",
    "industry_code": "行业代码", "tech_field": "技术领域", "hightech_cert_until": "高企证书有效期至",
    "national_award_5y": "近五年国家级科技奖励（前三）", "year": "年度", "revenue": "营业收入",
    "rd_expense": "研究开发费用", "employees": "职工总数", "tech_staff": "科技人员数",
}  # fmt: skip


def chinese(text: str) -> str:
    header, rest = text.split("\n", 1)
    return ",".join(ZH[h] for h in header.split(",")) + "\n" + rest


def write_xlsx(path, text: str, *, dates: bool = False) -> None:
    """An Excel sheet: numbers as numbers, dates as Excel dates, flags as TRUE/FALSE cells."""
    import datetime as dt

    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet()
    date_format = wb.add_format({"num_format": "yyyy/m/d"})
    for r, line in enumerate(text.strip().split("\n")):
        for c, cell in enumerate(line.split(",")):
            if r and dates and len(cell) == 10 and cell[4] == "-":
                ws.write_datetime(r, c, dt.datetime.strptime(cell, "%Y-%m-%d"), date_format)
            elif r and cell in ("是", "否"):
                ws.write_boolean(r, c, cell == "是")
            elif r and cell.replace(".", "", 1).isdigit() and len(cell) < 9:
                ws.write_number(r, c, float(cell))
            else:
                ws.write_string(r, c, cell)
    wb.close()


def write_pair(folder, variant: str):
    folder.mkdir(parents=True, exist_ok=True)
    reg, facts = REGISTRY_EN, FACTS_EN
    if variant == "xlsx":
        reg = reg.replace("2026/5/1", "2026-05-01").replace("20100715", "2010-07-15")
        write_xlsx(folder / "registry.xlsx", chinese(reg), dates=True)
        write_xlsx(folder / "facts.xlsx", facts)
        return [folder / "registry.xlsx", folder / "facts.xlsx"]
    if variant == "yes-no words":
        reg = reg.replace(",是\n", ",true\n").replace(",N\n", ",0\n")
    if variant.startswith("chinese"):
        reg, facts = chinese(reg), chinese(facts)
    encoding = {"chinese utf-8-sig": "utf-8-sig", "chinese gbk": "gbk", "chinese gb18030": "gb18030"}
    for name, text in (("registry.csv", reg), ("facts.csv", facts)):
        (folder / name).write_bytes(text.encode(encoding.get(variant, "utf-8")))
    return [folder / "registry.csv", folder / "facts.csv"]


VARIANTS = ["english utf-8", "chinese utf-8-sig", "chinese gbk", "chinese gb18030", "xlsx", "yes-no words"]


@pytest.mark.parametrize("variant", VARIANTS)
def test_the_upload_and_qualify_input_accept_the_same_files(db, tmp_path, variant):
    import datetime as dt

    from polars.testing import assert_frame_equal

    from kechuang.cli.qualify import read_input
    from kechuang.enterprises.importing import check_files

    paths = write_pair(tmp_path / "in", variant)
    uploaded = {item.kind: item.clean for item in check_files(paths)}
    registry, facts = read_input(tmp_path / "in")
    assert_frame_equal(uploaded["registry"], registry)
    assert_frame_equal(uploaded["facts"], facts)
    assert registry["registered_on"].to_list() == [dt.date(2015, 3, 1), dt.date(2010, 7, 15)]
    assert registry["hightech_cert_until"].to_list() == [dt.date(2026, 5, 1), None]
    assert registry["national_award_5y"].to_list() == [True, False]
    assert registry["region"].to_list() == ["441900401", "441900121"]  # names → division codes
    assert facts["revenue"].to_list() == [5000, 30000]


@pytest.mark.parametrize("variant", ["english utf-8", "chinese gbk", "xlsx"])
def test_a_bad_file_is_refused_by_both_with_the_same_messages(db, tmp_path, variant):
    from kechuang.cli.qualify import InputError, read_input
    from kechuang.enterprises.importing import check_files

    paths = write_pair(tmp_path / "in", variant)
    bad = A[:17] + ("0" if A[17] != "0" else "1")
    if variant == "xlsx":
        write_xlsx(paths[0], chinese(REGISTRY_EN.replace(A, bad).replace("2026/5/1", "不详")))
    else:
        text = paths[0].read_bytes().decode("gbk" if variant == "chinese gbk" else "utf-8")
        paths[0].write_bytes(
            text.replace(A, bad).replace("2026/5/1", "不详").encode("gbk" if "gbk" in variant else "utf-8")
        )
    with pytest.raises(EnterpriseImportError) as uploaded:
        check_files(paths)
    with pytest.raises(InputError) as qualified:
        read_input(tmp_path / "in")
    messages = [e.message for e in uploaded.value.errors[paths[0].name]]
    assert messages == [e.message for e in qualified.value.errors[paths[0].name]]
    assert messages[0] == f"第 2 行「统一社会信用代码」= {bad} 校验码错误，应为{A[17]}"
    assert messages[1].startswith("第 2 行「高企证书有效期至」= 不详 不是有效日期")
