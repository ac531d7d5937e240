"""技术合同登记 exports carry a title (and a date or unit line) above the header: the contract import
finds the header among the first rows, and errors still name the spreadsheet's rows."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

pytestmark = pytest.mark.django_db

HEADER = [
    "登记编号",
    "登记日期",
    "合同类型",
    "卖方名称",
    "卖方所属镇街",
    "买方名称",
    "买方所在地",
    "合同成交额（万元）",
    "技术交易额（万元）",
    "技术领域",
]


def _workbook(rows: list[list], header: list[str] = HEADER) -> bytes:
    """Row 1 the export's title (merged across), row 2 its date and unit, row 3 empty, row 4 the header."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["东莞市技术合同认定登记明细表"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(header))
    ws.append(["导出日期：2026-01-05", *[None] * (len(header) - 3), "单位：万元"])
    ws.append([])
    ws.append(header)
    for r in rows:
        ws.append(r)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(client, data: bytes, name: str = "技术合同登记导出.xlsx"):
    return client.post(reverse("transfer:contract_import"), {"file": SimpleUploadedFile(name, data)})


GOOD = ["JS-1", "2025-03-01", "技术开发", "甲公司", "虎门镇", "乙公司", "广东省", 100, 80, "电子信息"]


def test_an_export_with_a_title_above_the_header_is_imported(transfer_world, client_for):
    from kechuang.transfer.models import TechContract

    bureau = client_for("bureau")
    other = ["JS-2", "2025-05-01", "技术服务", "丙公司", "松山湖", "丁公司", "江苏省", 50, 40, "新材料"]
    preview = _upload(bureau, _workbook([GOOD, other]))
    assert 'data-testid="upload-ok"' in preview.content.decode()
    assert not TechContract.objects.exists()
    assert (
        bureau.post(
            reverse("transfer:contract_import"), {"action": "import", "token": preview.context["token"]}
        ).status_code
        == 302
    )
    assert sorted(TechContract.objects.values_list("registration_no", "amount")) == [
        ("JS-1", 100),
        ("JS-2", 50),
    ]


def test_errors_below_a_title_name_the_spreadsheet_rows_and_nothing_is_written(transfer_world, client_for):
    from kechuang.transfer.models import TechContract

    bad = ["JS-2", "2025-13-01", "技术开发", "甲公司", "火星镇", "乙公司", "广东省", -5, 80, "电子信息"]
    page = _upload(client_for("bureau"), _workbook([GOOD, bad]))
    found = {(e["row"], e["column"]) for e in page.context["errors"]}
    # the header is row 4: JS-1 is row 5, JS-2 row 6
    assert {(6, "登记日期"), (6, "卖方所属镇街"), (6, "合同成交额")} <= found
    assert {row for row, _ in found} == {6}
    assert not TechContract.objects.exists()


def test_a_title_over_a_header_without_a_required_column_is_refused(transfer_world, client_for):
    from kechuang.transfer.models import TechContract

    header = [h for h in HEADER if not h.startswith("合同成交额")]
    row = [x for i, x in enumerate(GOOD) if HEADER[i] in header]
    page = _upload(client_for("bureau"), _workbook([row], header))
    messages = [(e["column"], e["message"]) for e in page.context["errors"]]
    assert ("合同成交额", "缺少必需的列") in messages
    assert not TechContract.objects.exists()


def test_a_csv_with_a_title_line_and_a_plain_export_keep_their_row_numbers(transfer_world, client_for):
    from kechuang.transfer.models import TechContract

    header = ",".join(HEADER)
    good = ",".join(str(x) for x in GOOD)
    bad = good.replace("JS-1", "JS-9").replace(",100,", ",-5,")
    text = "技术合同认定登记明细表,,,,,,,,,\n" + header + "\n" + good + "\n" + bad + "\n"
    page = _upload(client_for("bureau"), text.encode(), "登记.csv")
    found = {(e["row"], e["column"]) for e in page.context["errors"]}
    assert (4, "合同成交额") in found and {row for row, _ in found} == {4}
    # without a title the header is row 1 as before
    page = _upload(client_for("bureau"), (header + "\n" + good + "\n" + bad + "\n").encode(), "登记.csv")
    found = {(e["row"], e["column"]) for e in page.context["errors"]}
    assert (3, "合同成交额") in found and {row for row, _ in found} == {3}
    assert not TechContract.objects.exists()
