"""The one upload flow on the enterprise upload (issue 9 §1): a header error does not hide the rows'
errors, the invisible character is named, an empty file or template imports nothing and says so."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.enterprises.test_upload_page import _var_dir, new_enterprises  # noqa: F401  (fixture)


def post(client, name: str, data: bytes):
    return client.post(
        "/enterprises/upload/", {"files": [SimpleUploadedFile(name, data, content_type="text/csv")]}
    )


@pytest.mark.parametrize(
    "data, says",
    [(b"", "是空文件"), ("统一社会信用代码,企业名称,所属镇街\n".encode(), "只有表头、没有数据行")],
)
def test_an_empty_file_or_template_imports_nothing_and_says_so(population, client_for, snapshot, data, says):
    before = snapshot()
    html = post(client_for("bureau"), "名录.csv", data).content.decode()
    assert says in html and "没有写入任何数据" in html and 'data-testid="confirm-import"' not in html
    assert snapshot() == before


def test_header_and_row_errors_are_reported_together_naming_bad_characters(population, client_for, snapshot):
    registry, facts = new_enterprises(3)
    codes = registry["credit_code"].to_list()
    text = "统一社会信用代码,年度,研究开发费用,不认识的列\n" + "".join(
        f"{code},2024,{value},x\n" for code, value in zip(codes, ["12", "1\u30002", "3\x07"], strict=True)
    )
    before = snapshot()
    response = post(client_for("bureau"), "年度数据.csv", text.encode())
    html = response.content.decode()
    assert "不认识的列" in html  # the header's error
    assert "第 3 行「研究开发费用」" in html and "“\\u3000”（全角空格）" in html
    assert "第 4 行「研究开发费用」" in html and "“\\x07”（控制字符）" in html
    assert snapshot() == before
