"""The 安心屋 exemption dossier as PDF (fpdf2 with the machine's Chinese font): the same content as the
.docx — the missing and late steps, who did each step, the objections — readable as Chinese text."""

from __future__ import annotations

import io
import os
from datetime import timedelta

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_case(transfer_world, personas, org_tree):
    from django.utils import timezone

    from kechuang.accounts.models import OrgUnit, User
    from kechuang.transfer.models import CaseStep
    from kechuang.transfer.services import cases

    city = OrgUnit.objects.get(code="441900")
    manager = User.objects.create(username="tm", role="tech_manager", org=city, display_name="林经理")
    expert = User.objects.create(username="ex", role="expert", org=city, display_name="何教授")
    case = cases.open_case(transfer_world["own"], "转让", "东莞某精密制造有限公司", personas["university"])
    cases.do_step(case, manager, "legal_review")
    step = CaseStep.objects.get(case=case, step="legal_review")
    step.done_at = timezone.now() + timedelta(days=20)
    step.save()
    cases.do_step(case, expert, "valuation", approved=False, comment="估值依据不足")
    case.refresh_from_db()
    return case


def test_the_pdf_dossier_reads_back_as_the_chinese_record(failed_case, client_for):
    from pypdf import PdfReader

    from kechuang.transfer.services import dossier_pdf

    if not dossier_pdf.available():
        if os.environ.get("CI") == "true":
            pytest.fail("CI installs fonts-wqy-microhei and fpdf2: the PDF must be available")
        pytest.skip("no Chinese font on this machine (install fonts-wqy-microhei)")
    c = client_for("university")
    page = c.get(reverse("transfer:case", kwargs={"pk": failed_case.pk})).content.decode()
    assert 'data-testid="dossier-pdf"' in page
    r = c.get(reverse("transfer:case_dossier_pdf", kwargs={"pk": failed_case.pk}))
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    flat = "".join(text.split())
    assert "科技成果转化尽职免责材料" in flat
    assert "缺失：公示" in flat and "缺失：结案" in flat and "超期10天：法律审查" in flat
    assert "林经理" in flat and "估值依据不足" in flat and "东莞某精密制造有限公司" in flat


def test_without_a_chinese_font_the_page_offers_the_word_file_only(failed_case, client_for, monkeypatch):
    from kechuang.transfer.services import dossier_pdf

    monkeypatch.setattr(dossier_pdf, "available", lambda: False)
    c = client_for("university")
    page = c.get(reverse("transfer:case", kwargs={"pk": failed_case.pk})).content.decode()
    assert 'data-testid="dossier-pdf"' not in page and 'data-testid="dossier"' in page
    r = c.get(reverse("transfer:case_dossier_pdf", kwargs={"pk": failed_case.pk}), follow=True)
    assert r["Content-Type"].startswith("text/html") and "无法生成 PDF" in r.content.decode()


def test_an_open_case_has_no_pdf_dossier(transfer_world, client_for, monkeypatch):
    from kechuang.transfer.services import dossier_pdf

    monkeypatch.setattr(dossier_pdf, "available", lambda: True)  # the case rule, not the machine's fonts
    r = client_for("university").get(
        reverse("transfer:case_dossier_pdf", kwargs={"pk": transfer_world["case"].pk}), follow=True
    )
    assert "只有已结案或已终止" in r.content.decode()
