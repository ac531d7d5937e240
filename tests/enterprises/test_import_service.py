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
