"""The one upload flow on the bank's outcomes upload (issue 9 §1): an empty template imports nothing
and says so (a bad file lists every bad row and writes nothing: tests/finance/test_finance_flow.py)."""

from __future__ import annotations

from django.urls import reverse

from kechuang.finance.models import Application
from tests.finance.test_finance_flow import _xlsx


def decisions():
    return sorted(Application.objects.values_list("pk", "decision", "amount", "performance"))


def test_an_empty_template_imports_nothing_and_says_so(finance, client_for):
    bank = client_for("bank")
    before = decisions()
    body = bank.post(reverse("finance:outcomes_upload"), {"file": _xlsx([])}).content.decode()
    assert "文件没有数据行" in body and "整批未导入，没有写入任何数据" in body
    assert 'data-testid="confirm"' not in body
    confirm = bank.post(reverse("finance:outcomes_confirm"), {"action": "import"}, follow=True)
    assert "没有写入任何数据" in confirm.content.decode()
    assert decisions() == before
