"""安心屋: steps in order, each by its role; the notice lasts its days and needs every objection answered;
the exemption dossier lists each step and the missing or late ones."""

from __future__ import annotations

import datetime as dt
import io
from datetime import date, timedelta

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(personas, org_tree):
    from kechuang.accounts.models import OrgUnit, User

    city = OrgUnit.objects.get(code="441900")
    manager = User.objects.create(username="tm", role="tech_manager", org=city, display_name="林经理")
    expert = User.objects.create(username="ex", role="expert", org=city, display_name="何教授")
    return {**personas, "manager": manager, "expert": expert}


def test_steps_go_in_order_by_their_roles(transfer_world, people):
    from kechuang.transfer.services import cases

    own = transfer_world["own"]
    case = cases.open_case(own, "许可", "东莞示例科技有限公司", people["university"], notice_days=10)
    with pytest.raises(cases.WorkflowError, match="不能跳过环节"):
        cases.do_step(case, people["bureau"], "approval")
    with pytest.raises(cases.WorkflowError, match="须由技术经理人办理"):
        cases.do_step(case, people["university"], "legal_review")
    cases.do_step(case, people["manager"], "legal_review", comment="合同条款合规")
    with pytest.raises(cases.WorkflowError, match="须填写评估价值"):
        cases.do_step(case, people["expert"], "valuation")
    cases.do_step(case, people["expert"], "valuation", valuation=95, valuation_method="收益法")
    today = date.today()
    # the notice lasts its days, and an objection must be answered before it ends
    with pytest.raises(cases.WorkflowError, match="公示期至"):
        cases.do_step(case, people["university"], "notice", today=today)
    objection = cases.add_objection(case, "校内教师甲", today, "定价偏低")
    with pytest.raises(cases.WorkflowError, match="未答复"):
        cases.do_step(case, people["university"], "notice", today=today + timedelta(days=10))
    with pytest.raises(cases.WorkflowError, match="须由成果完成单位答复"):
        cases.answer_objection(objection, people["bureau"], "不予采纳")
    cases.answer_objection(objection, people["university"], "已补充评估报告")
    cases.do_step(case, people["university"], "notice", today=today + timedelta(days=10))
    with pytest.raises(cases.WorkflowError, match="只能在公示期间登记异议"):
        cases.add_objection(case, "乙", today, "晚到的异议")
    cases.do_step(case, people["bureau"], "approval")
    case.refresh_from_db()
    assert case.state == "open" and case.valuation == 95
    assert cases.next_step(case).code == "signing"


def test_a_refused_step_ends_the_case_and_the_dossier_lists_what_is_missing_and_late(transfer_world, people):
    from django.utils import timezone
    from docx import Document

    from kechuang.transfer.models import CaseStep
    from kechuang.transfer.services import cases

    case = cases.open_case(transfer_world["own"], "转让", "某公司", people["university"])
    with pytest.raises(cases.WorkflowError, match="只有已结案或已终止"):
        cases.dossier(case)
    cases.do_step(case, people["manager"], "legal_review")
    # the legal review came 20 days after its 10-day limit
    step = CaseStep.objects.get(case=case, step="legal_review")
    step.done_at = timezone.now() + timedelta(days=20)
    step.save()
    cases.do_step(case, people["expert"], "valuation", approved=False, comment="估值依据不足")
    case.refresh_from_db()
    assert case.state == "failed"
    with pytest.raises(cases.WorkflowError, match="不能再办理"):
        cases.do_step(case, people["university"], "notice")
    doc = Document(io.BytesIO(cases.dossier(case)))
    text = "\n".join(p.text for p in doc.paragraphs)
    cells = "\n".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    assert "缺失：公示" in text and "缺失：结案" in text
    assert "超期" in text and "法律审查" in text
    assert "林经理" in cells and "估值依据不足" in cells


def test_case_page_shows_the_step_form_only_to_its_role(transfer_world, people, client_for):
    from django.test import Client

    from kechuang.transfer.services import cases

    case = cases.open_case(transfer_world["own"], "许可", "某公司", people["university"])
    url = reverse("transfer:case", kwargs={"pk": case.pk})
    assert 'data-testid="step-form"' not in client_for("university").get(url).content.decode()
    manager = Client()
    manager.force_login(people["manager"])
    assert 'data-testid="step-form"' in manager.get(url).content.decode()
    # the university cannot do the legal review through the page either
    client_for("university").post(
        reverse("transfer:case_step", kwargs={"pk": case.pk}), {"step": "legal_review", "approved": "1"}
    )
    assert not case.steps.filter(step="legal_review").exists()


def test_every_step_is_in_the_audit_trail(transfer_world, people):
    from kechuang.audit.context import acting_as
    from kechuang.audit.models import ObjectChange
    from kechuang.transfer.services import cases

    with acting_as(people["university"]):
        case = cases.open_case(transfer_world["own"], "许可", "某公司", people["university"])
    with acting_as(people["manager"]):
        cases.do_step(case, people["manager"], "legal_review")
    steps = ObjectChange.objects.filter(object_type="transfer.casestep")
    assert steps.count() == 2 and set(steps.values_list("user_name", flat=True)) == {"tm", "university"}


def test_unanswered_objections_and_days_late_count_as_english_does(transfer_world, people):
    """Issue 9 §5: '1 objection is still unanswered', then '2 objections are …'; in the English dossier a
    step 1 day late reads '1 day late', 2 days '2 days late'; Chinese reads as before."""
    from django.utils import timezone
    from django.utils.translation import override
    from docx import Document

    from kechuang.transfer.models import CaseStep
    from kechuang.transfer.services import cases

    case = cases.open_case(transfer_world["own"], "许可", "某公司", people["university"], notice_days=10)
    cases.do_step(case, people["manager"], "legal_review")
    cases.do_step(case, people["expert"], "valuation", valuation=95, valuation_method="收益法")
    today, after = date.today(), date.today() + timedelta(days=10)
    cases.add_objection(case, "甲", today, "定价偏低")
    with override("en"), pytest.raises(cases.WorkflowError, match="^1 objection is still unanswered;"):
        cases.do_step(case, people["university"], "notice", today=after)
    cases.add_objection(case, "乙", today, "评估方法不当")
    with override("en"), pytest.raises(cases.WorkflowError, match="^2 objections are still unanswered;"):
        cases.do_step(case, people["university"], "notice", today=after)
    with pytest.raises(cases.WorkflowError, match="^还有 2 条异议未答复，不能结束公示"):
        cases.do_step(case, people["university"], "notice", today=after)

    def late_lines(days: int, language: str) -> list[str]:
        step = CaseStep.objects.get(case=case, step="legal_review")
        step.done_at = timezone.make_aware(
            dt.datetime.combine(step.due_on + timedelta(days=days), dt.time(12))
        )
        step.save()
        with override(language):
            doc = Document(io.BytesIO(cases.dossier(case)))
        return [p.text for p in doc.paragraphs if "late" in p.text or "超期 " in p.text]

    case.state = "failed"  # a dossier is for a closed or ended case
    case.save()
    assert any(line.startswith("1 day late: ") for line in late_lines(1, "en"))
    assert any(line.startswith("2 days late: ") for line in late_lines(2, "en"))
    assert any(line.startswith("超期 2 天：") for line in late_lines(2, "zh-hans"))
