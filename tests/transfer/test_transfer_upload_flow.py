"""The one upload flow on the transfer uploads (issue 9 §1): every row error at once, the invisible
character named, an empty template imports nothing and says so."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.transfer.test_transfer_imports import ACH_HEADER, CONTRACT_HEADER

pytestmark = pytest.mark.django_db


def _upload(client, url, name, data: bytes):
    return client.post(url, {"file": SimpleUploadedFile(name, data)})


@pytest.mark.parametrize("data, says", [(CONTRACT_HEADER.encode(), "只有表头、没有数据行")])
def test_an_empty_contract_template_imports_nothing_and_says_so(transfer_world, client_for, data, says):
    from kechuang.transfer.models import TechContract

    page = _upload(client_for("bureau"), reverse("transfer:contract_import"), "登记.csv", data)
    body = page.content.decode()
    assert says in body and 'data-testid="confirm-import"' not in body
    assert not TechContract.objects.exists()


def test_contract_errors_name_the_invisible_character(transfer_world, client_for):
    from kechuang.transfer.models import TechContract

    text = CONTRACT_HEADER + (
        "JS-1,2025-03-01,技术开发,甲公司,虎门镇,乙公司,广东省,1\x0700,80,电子信息\n"
        "JS-2,2025-03-01,技术开发,甲公司,虎门镇,乙公司,广东省,100,8\u30000,电子信息\n"
    )
    page = _upload(client_for("bureau"), reverse("transfer:contract_import"), "登记.csv", text.encode())
    messages = {(e["row"], e["column"]): e["message"] for e in page.context["errors"]}
    assert "含非法字符 “\\x07”（控制字符）" in messages[(2, "合同成交额")]
    assert "“\\u3000”（全角空格）" in messages[(3, "技术交易额")]
    assert not TechContract.objects.exists()


@pytest.mark.parametrize("data, says", [(ACH_HEADER.encode(), "只有表头、没有数据行")])
def test_an_empty_achievement_template_imports_nothing_and_says_so(transfer_world, client_for, data, says):
    from kechuang.transfer.models import Achievement

    before = Achievement.objects.count()
    page = _upload(client_for("university"), reverse("transfer:achievement_import"), "成果.csv", data)
    body = page.content.decode()
    assert says in body and 'data-testid="upload-ok"' not in body, body[-3000:]
    assert Achievement.objects.count() == before
