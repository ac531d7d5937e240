"""Imports are all or nothing: a bad row is reported with its row and field, and nothing is written."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.personas import ENTERPRISE_CREDIT_CODE

pytestmark = pytest.mark.django_db

ACH_HEADER = "成果编号,成果名称,技术领域,技术就绪水平,权属,状态,专利号,转化方式\n"


def _upload(client, url, name, text, **extra):
    return client.post(url, {"file": SimpleUploadedFile(name, text.encode("utf-8")), **extra})


def test_achievement_import_reports_every_bad_row_and_writes_nothing(transfer_world, client_for):
    from kechuang.transfer.models import Achievement

    before = Achievement.objects.count()
    text = ACH_HEADER + (
        "DGUT-I-1,好成果,新材料,5,单位所有,可转化,ZL202310123456.7,许可\n"
        "DGUT-I-2,坏成果,火星技术,12,单位所有,可转化,,许可\n"
        "DGUT-I-1,重复,新材料,3,单位所有,待定,,外包\n"
    )
    page = _upload(client_for("university"), reverse("transfer:achievement_import"), "成果.csv", text)
    body = page.content.decode()
    assert 'data-testid="upload-errors"' in body
    for expected in ("技术领域", "技术就绪水平", "成果编号", "状态", "转化方式"):
        assert expected in body
    assert "成果编号「DGUT-I-1」重复（第 2、4 行）" in body and "应为 1–9 的整数" in body
    assert Achievement.objects.count() == before


def test_achievement_import_preview_then_confirm_writes_rows_with_ip_rights(transfer_world, client_for):
    from kechuang.transfer.models import Achievement, IPRight

    c = client_for("university")
    text = ACH_HEADER + "DGUT-I-1,好成果,新材料技术,5,单位所有,可转化,ZL202310123456.7,许可、先用后转\n"
    preview = _upload(c, reverse("transfer:achievement_import"), "成果.csv", text)
    assert 'data-testid="upload-ok"' in preview.content.decode()
    assert not Achievement.objects.filter(code="DGUT-I-1").exists()  # nothing before the confirmation
    token = preview.context["token"]
    c.post(reverse("transfer:achievement_import"), {"action": "import", "token": token})
    a = Achievement.objects.get(code="DGUT-I-1")
    assert a.institution.code == "univ_dgut" and a.field == "新材料" and a.modes == ["许可", "先用后转"]
    assert IPRight.objects.get(achievement=a).kind == "发明专利"


def test_achievement_import_refuses_another_institutions_rows(transfer_world, client_for):
    from kechuang.transfer.models import Achievement

    text = "成果编号,完成单位,成果名称,技术领域,技术就绪水平,权属,状态\nX-1,大湾区大学,别人的,新材料,5,单位所有,可转化\n"
    page = _upload(client_for("university"), reverse("transfer:achievement_import"), "a.csv", text)
    assert "完成单位须为您的单位「东莞理工学院」" in page.content.decode()
    assert not Achievement.objects.filter(code="X-1").exists()


CONTRACT_HEADER = (
    "登记编号,登记日期,合同类型,卖方名称,卖方所属镇街,买方名称,买方所在地,合同成交额,技术交易额,技术领域\n"
)


def test_contract_import_names_row_and_column_and_writes_nothing(transfer_world, client_for):
    from kechuang.transfer.models import TechContract

    text = CONTRACT_HEADER + (
        "JS-1,2025-03-01,技术开发,甲公司,虎门镇,乙公司,广东省,100,80,电子信息\n"
        "JS-2,2025-13-01,技术外包,甲公司,火星镇,乙公司,广东省,-5,80,电子信息\n"
        "JS-3,2025-03-01,技术服务,甲公司,松山湖,乙公司,广东省,50,60,\n"
    )
    page = _upload(client_for("bureau"), reverse("transfer:contract_import"), "登记.csv", text)
    rows = page.context["errors"]
    found = {(e["row"], e["column"]) for e in rows}
    assert {
        (3, "登记日期"),
        (3, "合同类型"),
        (3, "卖方所属镇街"),
        (3, "合同成交额"),
        (4, "技术交易额"),
    } <= found
    assert TechContract.objects.count() == 0


def test_contract_import_accepts_a_clean_file(transfer_world, client_for):
    from kechuang.transfer.models import TechContract

    text = CONTRACT_HEADER + "JS-1,2025-03-01,技术开发,甲公司,虎门镇,乙公司,广东省,100,80,电子信息技术\n"
    bureau = client_for("bureau")
    preview = _upload(bureau, reverse("transfer:contract_import"), "登记.csv", text)
    assert 'data-testid="upload-ok"' in preview.content.decode()
    assert not TechContract.objects.exists()  # the preview writes nothing
    confirm = {"action": "import", "token": preview.context["token"]}
    assert bureau.post(reverse("transfer:contract_import"), confirm).status_code == 302
    c = TechContract.objects.get(registration_no="JS-1")
    assert c.seller_region == "441900121" and c.field == "电子信息" and c.amount == 100
    # the same registration number again is refused, not overwritten
    again = _upload(
        client_for("bureau"),
        reverse("transfer:contract_import"),
        "登记.csv",
        text.replace(",100,80,", ",999,80,"),
    )
    assert any("已在技术合同库中" in e["message"] for e in again.context["errors"])
    assert TechContract.objects.get(registration_no="JS-1").amount == 100


LICENCE_YAML = f"""
- code: L-Y-1
  achievement: DGUT-2025-001
  licensee: {ENTERPRISE_CREDIT_CODE}
  signed_on: 2026-02-10
  upfront: {{amount: 0, due: 2026-02-28}}
  royalty: {{rate: 0.03, period: year, start: 2026-01-01, end: 2030-12-31, floor: 5, cap: 40}}
"""


def test_licence_yaml_import_all_or_nothing(transfer_world, client_for):
    from kechuang.transfer.models import Licence

    c = client_for("university")
    bad = (
        LICENCE_YAML
        + f"""
- code: L-Y-2
  achievement: GBU-2025-001
  licensee: {ENTERPRISE_CREDIT_CODE}
  signed_on: 2026-02-10
  royalty: {{rate: 0.03, period: year, start: 2026-01-02, end: 2030-12-31, floor: 50, cap: 40}}
"""
    )
    page = _upload(c, reverse("transfer:licence_import"), "licences.yaml", bad)
    text = page.content.decode()
    assert "L-Y-2" in text and "royalty" in text
    assert not Licence.objects.filter(code__in=["L-Y-1", "L-Y-2"]).exists()
    assert (
        "发现 2 处错误，整批未导入" in text
        and "cap：不能小于 floor（50）" in text
        and 'data-testid="confirm-import"' not in text
    )
    preview = _upload(c, reverse("transfer:licence_import"), "licences.yaml", LICENCE_YAML)
    body = preview.content.decode()
    assert 'data-testid="upload-ok"' in body and "L-Y-1" in body and "<code>royalty</code>" in body
    assert not Licence.objects.filter(code="L-Y-1").exists()  # nothing before the confirmation
    token = preview.context["token"]
    done = c.post(reverse("transfer:licence_import"), {"action": "import", "token": token})
    assert done.status_code == 302
    lic = Licence.objects.get(code="L-Y-1")
    assert lic.institution.code == "univ_dgut" and lic.terms["royalty"]["cap"] == 40
    # the same token again (the file is imported and gone): nothing more, and it says so
    again = c.post(reverse("transfer:licence_import"), {"action": "import", "token": token}, follow=True)
    assert (
        "待确认的上传已失效" in again.content.decode() and Licence.objects.filter(code="L-Y-1").count() == 1
    )


def test_licence_yaml_import_can_be_abandoned_after_the_preview(transfer_world, client_for):
    from kechuang.transfer.models import Licence

    c = client_for("university")
    preview = _upload(c, reverse("transfer:licence_import"), "licences.yaml", LICENCE_YAML)
    token = preview.context["token"]
    page = c.post(reverse("transfer:licence_import"), {"action": "cancel", "token": token}, follow=True)
    assert "已放弃本次上传" in page.content.decode() and not Licence.objects.filter(code="L-Y-1").exists()


def test_contract_errors_after_a_blank_row_name_the_spreadsheet_row(transfer_world, client_for):
    """A blank row in the middle of the sheet is skipped, but the rows after it keep their numbers."""
    from kechuang.transfer.models import TechContract

    text = CONTRACT_HEADER + (
        "JS-1,2025-03-01,技术开发,甲公司,虎门镇,乙公司,广东省,100,80,电子信息\n"
        ",,,,,,,,,\n"
        "JS-2,2025-03-01,技术开发,甲公司,虎门镇,乙公司,广东省,-5,80,电子信息\n"
    )
    page = _upload(client_for("bureau"), reverse("transfer:contract_import"), "登记.csv", text)
    found = {(e["row"], e["column"]) for e in page.context["errors"]}
    assert (4, "合同成交额") in found and {row for row, _ in found} == {4}
    assert TechContract.objects.count() == 0


def test_achievement_import_checks_patent_numbers_against_the_cnipa_form(transfer_world, client_for):
    from kechuang.transfer.models import Achievement, IPRight

    before = Achievement.objects.count()
    text = ACH_HEADER + (
        "DGUT-P-1,好成果,新材料,5,单位所有,可转化,ZL202310123456.7；ZL98123456.X,许可\n"
        "DGUT-P-2,少一位,新材料,5,单位所有,可转化,ZL20231012345.7,许可\n"
        "DGUT-P-3,无校验位,新材料,5,单位所有,可转化,ZL202310123456.7；ZL202320654321,许可\n"
        "DGUT-P-4,前缀,新材料,5,单位所有,可转化,CN202310123456.7,许可\n"
    )
    c = client_for("university")
    page = _upload(c, reverse("transfer:achievement_import"), "成果.csv", text)
    body = page.content.decode()
    assert 'data-testid="upload-errors"' in body
    found = {(e.row, e.column, e.value) for e in page.context["errors"]}
    assert found == {
        (3, "专利号", "ZL20231012345.7"),
        (4, "专利号", "ZL202320654321"),
        (5, "专利号", "CN202310123456.7"),
    }
    for number in ("ZL20231012345.7", "ZL202320654321", "CN202310123456.7"):
        assert f"专利号「{number}」格式不正确" in body, number
    assert "ZL202310123456.7」格式不正确" not in body and "ZL98123456.X」" not in body
    assert body.count("格式不正确：应为 ZL + 12 位申请号") == 3
    assert Achievement.objects.count() == before
    # the good row alone goes in, with both patents (the older 8-digit number too)
    good = ACH_HEADER + "DGUT-P-1,好成果,新材料,5,单位所有,可转化,ZL202310123456.7；ZL98123456.X,许可\n"
    preview = _upload(c, reverse("transfer:achievement_import"), "成果.csv", good)
    assert 'data-testid="upload-ok"' in preview.content.decode()
    c.post(reverse("transfer:achievement_import"), {"action": "import", "token": preview.context["token"]})
    numbers = IPRight.objects.filter(achievement__code="DGUT-P-1").values_list("number", flat=True)
    assert sorted(numbers) == ["ZL202310123456.7", "ZL98123456.X"]
