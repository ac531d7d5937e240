"""The enterprise applies, the bank decides (page, API, Excel upload), the bureau validates and the
administrator adopts recalibrated weights; the demo is idempotent."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import polars as pl
import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from sklearn.metrics import roc_auc_score

from kechuang.finance.models import Application, Consent
from kechuang.jobs.models import Job

pytestmark = pytest.mark.django_db


def test_the_enterprise_sees_its_products_ranked_with_lines_and_reasons(finance, client_for):
    body = client_for("enterprise").get(reverse("finance:match")).content.decode()
    for name in ("科链贷", "科技成果转化贷", "投联贷", "科保贷", "创新积分E担"):
        assert name in body
    assert "本年度已参评创新积分" in body and ("✓" in body or "✗" in body)
    api = client_for("enterprise").get("/api/finance/recommendations").json()
    assert api["credit_code"] == finance.own and len(api["items"]) == 5
    eligible = [i["eligible"] for i in api["items"]]
    assert eligible == sorted(eligible, reverse=True)  # eligible first
    for item in api["items"]:
        assert item["eligible"] == all(r["holds"] for r in item["reasons"])


def _eligible_product(client) -> str | None:
    items = client.get("/api/finance/recommendations").json()["items"]
    return next((i["product"] for i in items if i["eligible"]), None)


def test_applying_needs_a_consent_for_the_products_bank(finance, client_for):
    from kechuang.finance.models import Product

    ent = client_for("enterprise")
    product = Product.objects.get(code="chengguo_zhuanhua_dai")  # bank_dgrcb: no consent yet
    before = Application.objects.count()
    response = ent.post(
        "/api/finance/applications",
        {"product": product.code, "credit_code": finance.own, "amount_requested": 10},
        content_type="application/json",
    )
    assert response.status_code == 400 and "申请前须授权 东莞农村商业银行" in response.json()["detail"]
    assert Application.objects.count() == before
    response = ent.post(
        "/api/finance/applications",
        {"product": product.code, "credit_code": finance.own, "amount_requested": 10, "grant_consent": True},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    consent = Consent.objects.get(
        enterprise__credit_code=finance.own, bank__code="bank_dgrcb", revoked_at=None
    )
    assert set(consent.fields) >= {"conversions", "tech_contract_income"}
    seen = client_for("bank2").get("/api/finance/applications").json()
    assert finance.own in [i["credit_code"] for i in seen["items"]]


def test_the_bank_records_a_decision_and_the_enterprise_cannot(finance, client_for):
    app = Application.objects.get(enterprise__credit_code=finance.own)
    ent = client_for("enterprise")
    assert (
        ent.post(reverse("finance:decide"), {"application": app.pk, "decision": "approved"}).status_code
        == 403
    )
    bad = client_for("bank").post(
        "/api/finance/decisions",
        {"application": app.pk, "decision": "approved"},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "已批准时批准金额须为正数" in bad.json()["detail"]
    day = (dt.date.today() - dt.timedelta(days=3)).isoformat()
    response = client_for("bank").post(
        reverse("finance:decide"),
        {"application": app.pk, "decision": "approved", "amount": "120", "decided_on": day,
         "performance": "overdue", "performance_on": day},
    )  # fmt: skip
    assert response.status_code == 302
    app.refresh_from_db()
    assert (app.decision, app.amount, app.performance) == ("approved", 120.0, "overdue")
    other = Application.objects.get(enterprise__credit_code=finance.other_bank)
    response = client_for("bank").post(
        "/api/finance/decisions", {"application": other.pk, "decision": "declined", "decided_on": day},
        content_type="application/json",
    )  # fmt: skip
    assert response.status_code == 400  # not its application
    other.refresh_from_db()
    assert other.decision == "submitted"


def _xlsx(rows: list[list]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer)
    sheet = book.add_worksheet()
    for r, row in enumerate(
        [["申请编号", "审批结果", "批准金额（万元）", "审批日期", "贷后表现", "表现日期"], *rows]
    ):
        for c, value in enumerate(row):
            sheet.write_string(r, c, str(value))
    book.close()
    return SimpleUploadedFile("outcomes.xlsx", buffer.getvalue())


def test_the_outcomes_upload_is_all_or_nothing_with_row_errors(finance, client_for):
    bank = client_for("bank")
    app = Application.objects.get(enterprise__credit_code=finance.own)
    hidden = Application.objects.get(enterprise__credit_code=finance.revoked)
    bad = _xlsx([
        [app.pk, "已批准", "80", "2026-01-05", "违约", "2026-06-01"],
        [hidden.pk, "已批准", "80", "2026-01-05", "", ""],
        [app.pk, "批准", "", "2026/01/05", "", ""],
    ])  # fmt: skip
    body = bank.post(reverse("finance:outcomes_upload"), {"file": bad}).content.decode()
    assert "整批未导入" in body
    assert "找不到该申请编号，或该申请不属于本机构" in body  # row 3: revoked consent
    assert "申请编号与第 2 行重复" in body
    app.refresh_from_db()
    assert app.decision == "submitted"
    good = _xlsx([[app.pk, "已批准", "80", "2026-01-05", "违约", "2026-06-01"]])
    body = bank.post(reverse("finance:outcomes_upload"), {"file": good}).content.decode()
    assert "全部 1 行检查通过" in body
    assert bank.post(reverse("finance:outcomes_confirm"), {"action": "import"}).status_code == 302
    app.refresh_from_db()
    assert (app.decision, app.amount, app.performance, app.performance_on) == (
        "approved", 80.0, "default", dt.date(2026, 6, 1))  # fmt: skip


def test_an_english_upload_with_one_error_says_one_error(finance, client_for, personas):
    """Counts read as English does: "Found 1 error.", not "Found 1 errors." (issue 9 §5)."""
    personas["bank"].language = "en"
    personas["bank"].save(update_fields=["language"])
    bank = client_for("bank")
    app = Application.objects.get(enterprise__credit_code=finance.own)
    one = _xlsx([[app.pk, "批准", "", "2026-01-05", "", ""]])
    body = bank.post(reverse("finance:outcomes_upload"), {"file": one}).content.decode()
    assert "Found 1 error." in body and "1 errors" not in body
    two = _xlsx([[app.pk, "批准", "", "2026-01-05", "", ""], [app.pk, "已批准", "80", "2026-01-05", "", ""]])
    body = bank.post(reverse("finance:outcomes_upload"), {"file": two}).content.decode()
    assert "Found 2 errors." in body


def test_an_english_bank_counts_one_application_and_two_applications(finance, client_for, personas):
    """The applications list counts as English does (issue 9 §5); Chinese reads as before."""
    app = Application.objects.get(enterprise__credit_code=finance.own)
    assert "共 1 条申请" in client_for("bank").get(reverse("finance:applications")).content.decode()
    personas["bank"].language = "en"
    personas["bank"].save(update_fields=["language"])
    bank = client_for("bank")
    assert "1 application in total" in bank.get(reverse("finance:applications")).content.decode()
    app.pk, app.year = None, app.year - 1
    app.save()
    assert "2 applications in total" in bank.get(reverse("finance:applications")).content.decode()


def _outcomes(finance) -> pl.DataFrame:
    """Approved loans with a performance for 36 scored enterprises: the lower half of points default."""
    from kechuang.enterprises.models import Enterprise
    from kechuang.finance.models import Product
    from kechuang.finance.services.scores import scores_frame

    Application.objects.all().delete()
    scores = scores_frame(2024).filter(pl.col("points").is_not_null()).head(36)
    product = Product.objects.get(code="kelian_dai")
    rng = np.random.default_rng(3)
    flip = rng.random(scores.height) < 0.25
    median = scores["points"].median()
    defaulted = (scores["points"] < median).to_numpy() ^ flip
    ids = dict(Enterprise.objects.values_list("credit_code", "pk"))
    for code, bad in zip(scores["credit_code"], defaulted, strict=True):
        Application.objects.create(
            enterprise_id=ids[code], product=product, product_version=product.current_version, bank=product.bank,
            year=2024, line=10, decision="approved", amount=10, decided_on=dt.date(2025, 3, 1),
            performance="default" if bad else "repaid", performance_on=dt.date(2025, 12, 1),
        )  # fmt: skip
    return scores.with_columns(defaulted=pl.Series(defaulted))


def test_the_validation_report_gives_sklearns_figures_and_a_proposal(finance, client_for, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from kechuang.finance.services.validation import report

    frame = _outcomes(finance)
    r = report(2024)
    assert r.loans == frame.height and r.defaults == int(frame["defaulted"].sum())
    assert r.current.auc == pytest.approx(roc_auc_score(frame["defaulted"], -frame["points"]))
    assert r.current.gini == pytest.approx(2 * r.current.auc - 1)
    assert sum(d["loans"] for d in r.deciles) == frame.height and len(r.deciles) == 10
    assert r.psi is not None and r.psi >= 0
    assert r.proposed is not None
    for f in r.fits:  # each stage's proposed weights keep the model's scale
        assert sum(w for code, w in f.weights.items()) == pytest.approx(1000)
    # no earlier year's loans: the proposal is fitted on 70% of the year's loans, judged on the rest
    assert r.check.split == "random" and r.check.in_sample.n + r.check.holdout.n == frame.height
    assert r.check.holdout.n == pytest.approx(0.3 * frame.height, abs=1)
    bureau = client_for("bureau")
    body = bureau.get(reverse("finance:validation") + "?year=2024").content.decode()
    assert 'data-testid="no-report"' in body and f"{r.current.auc:.3f}" not in body  # not in the request
    api = client_for("leader").get("/api/finance/validation?year=2024").json()  # nor in the API's
    assert api["year"] == 2024 and api["auc"] is None and api["computed_at"] is None and api["loans"] == 0
    # the report is a background job (run at once by the tests' task backend); the page shows its result
    assert bureau.post(reverse("finance:validation_start"), {"year": 2024}).status_code == 302
    job = Job.objects.get(kind="finance_validation")
    assert job.status == "succeeded" and job.params == {"year": 2024, "version": None}
    body = bureau.get(reverse("finance:validation") + "?year=2024").content.decode()
    assert f"{r.current.auc:.3f}" in body and "采用为新版本积分模型" not in body  # the bureau cannot adopt
    assert 'data-testid="report-time"' in body
    # optbinning's monotone bins of the same loans
    assert sum(b.loans for b in r.binning.bins) == frame.height and 'data-testid="binning"' in body
    assert 'data-testid="holdout-auc"' in body and f"{r.check.holdout.auc:.3f}" in body
    assert 'data-testid="holdout-verdict"' in body
    api = client_for("leader").get("/api/finance/validation?year=2024").json()
    assert api["auc"] == pytest.approx(r.current.auc) and api["loans"] == frame.height
    assert api["job"] == job.pk and api["computed_at"] is not None and api["deciles"] == job.result["deciles"]
    assert api["proposed_auc"] == pytest.approx(r.proposed.auc)


def test_a_failed_regeneration_keeps_the_last_good_report_on_the_page(finance, client_for, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from django.utils import timezone

    from kechuang.finance.services.validation_job import JOB_KIND, lock_for

    _outcomes(finance)
    bureau = client_for("bureau")
    assert bureau.post(reverse("finance:validation_start"), {"year": 2024}).status_code == 302
    good = Job.objects.get(kind=JOB_KIND)
    assert good.status == "succeeded"
    Job.objects.create(
        kind=JOB_KIND, lock=lock_for(2024, None), title="产业验证报告", params={"year": 2024, "version": None},
        status="failed", message="任务出错：磁盘已满", finished_at=timezone.now(),
    )  # fmt: skip
    body = bureau.get(reverse("finance:validation") + "?year=2024").content.decode()
    assert 'data-testid="discrimination"' in body and 'data-testid="no-report"' not in body
    assert f"{good.result['current']['auc']:.3f}" in body and 'data-testid="report-time"' in body
    assert 'data-testid="validation-job-failed"' in body and "磁盘已满" in body


def test_only_the_administrators_adoption_changes_the_model(finance, client_for, personas, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    from kechuang.points.models import PointsModelVersion
    from kechuang.points.services import active_model, version_model

    _outcomes(finance)
    admin = client_for("admin")
    # adopting takes the weights of the stored report (the page's), so there must be one
    response = admin.post(reverse("finance:adopt"), {"year": 2024}, follow=True)
    assert "请先生成验证报告" in response.content.decode() and PointsModelVersion.objects.count() == 0
    assert admin.post(reverse("finance:validation_start"), {"year": 2024}).status_code == 302
    shown = {f["stage"]: f["weights"] for f in Job.objects.get(kind="finance_validation").result["fits"]}
    assert PointsModelVersion.objects.count() == 0
    assert client_for("bureau").post(reverse("finance:adopt"), {"year": 2024}).status_code == 403
    assert PointsModelVersion.objects.count() == 0
    response = client_for("admin").post(reverse("finance:adopt"), {"year": 2024})
    assert response.status_code == 302
    version = PointsModelVersion.objects.get()
    assert version.loaded_by == "admin" and "产业验证再校准" in version.note
    active = active_model()
    assert active.version == version and active.model.is_sample
    adopted = version_model(version)
    assert {
        st.code: {i.code: i.weights[st.code] for i in adopted.indicators} for st in adopted.stages
    } == shown
    from kechuang.finance.services.validation import report

    proposed = report(2024).fits  # computed again against the new active model's content
    assert proposed  # the adopted model is itself a valid points model that can be validated
    # its report names the version from its parts, so an English reader does not see 「第 1 版」
    query = {"year": 2024, "version": version.pk}
    assert client_for("admin").post(reverse("finance:validation_start"), query).status_code == 302
    kept = Job.objects.get(kind="finance_validation", params__version=version.pk).result
    assert kept["version_label"] == f"{adopted.code} 第 1 版" and kept["version_number"] == 1
    personas["admin"].language = "en"
    personas["admin"].save(update_fields=["language"])
    page = client_for("admin").get(reverse("finance:validation") + f"?year=2024&version={version.pk}")
    assert f"{adopted.code} version 1 · " in page.content.decode() and "第 1 版" not in page.content.decode()


def test_the_demo_is_idempotent_and_marks_its_loans_simulated(population, personas, client_for):
    from kechuang.finance.demo import load_demo
    from kechuang.finance.models import Product

    first = load_demo(7)
    assert any("模拟贷款" in line for line in first) and Product.objects.count() == 5
    counts = (Consent.objects.count(), Application.objects.count(), Job.objects.count())
    assert Application.objects.filter(simulated=False).count() == 0
    assert Application.objects.exclude(performance="").exists()
    # the demo leaves the validation report of its loans, so the page and the API show figures at once
    job = Job.objects.get(kind="finance_validation", status="succeeded")
    year = job.params["year"]
    assert any(f"产业验证报告（{year} 年积分，任务 #{job.pk}）" in line for line in first)
    api = client_for("leader").get(f"/api/finance/validation?year={year}").json()
    assert (
        api["job"] == job.pk
        and api["loans"] == Application.objects.filter(year=year).exclude(performance="").count()
    )
    assert (
        load_demo(7) == []
        and (Consent.objects.count(), Application.objects.count(), Job.objects.count()) == counts
    )


def test_stored_points_of_the_points_app_are_the_points_a_bank_sees(finance, client_for):
    """With a stored run (what the portrait pages show), finance reads it instead of recomputing."""
    from kechuang.finance.services.scores import clear_cache
    from kechuang.points.models import PointsScore
    from kechuang.points.services import store_run

    run = store_run(2024, started_by="test")
    PointsScore.objects.filter(run=run, credit_code=finance.own).update(points=777.5)
    clear_cache()
    api = client_for("bank").get("/api/finance/enterprises?year=2024").json()
    assert [r["points"] for r in api] == [777.5]


def test_the_consent_offer_names_the_bank_as_written_in_english(finance, client_for, personas):
    """A bank's name is a proper name: on the English page it is kept as written (translate="no")."""
    from kechuang.accounts.models import OrgUnit

    dgrcb = OrgUnit.objects.get(code="bank_dgrcb")
    assert (
        f"授权 {dgrcb.name} 在一年内查看"
        in client_for("enterprise").get(reverse("finance:match")).content.decode()
    )
    personas["enterprise"].language = "en"
    personas["enterprise"].save(update_fields=["language"])
    body = client_for("enterprise").get(reverse("finance:match")).content.decode()
    assert f'<span translate="no">{dgrcb.name}</span>' in body and "授权" not in body
