"""Reporting discipline: validation rules on the form and the upload, approval and locking, completeness."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kechuang.audit.models import ObjectChange
from kechuang.plans.discipline import services
from kechuang.plans.discipline.config import RulesFileError, load_rules, parse_rules, rules_path
from kechuang.plans.models import Observation, SubmissionApproval

CITY, HUMEN = "441900", "441900121"


def post_value(client, value, year=2025, region=CITY, indicator="rd_intensity", **extra):
    data = {"indicator": indicator, "region": region, "year": year, "value": str(value), "source": "统计快报"}
    data.update(extra)
    return client.post("/plans/entry/", data)


def upload(client, text: str, name: str = "obs.csv"):
    """Choose the file (the preview, with every error); a file that passes is confirmed (the job's page)."""
    f = SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")
    preview = client.post("/plans/entry/upload/", {"file": f})
    if not preview.context.get("token"):
        return preview
    confirm = {"token": preview.context["token"], "action": "import"}
    return client.post("/plans/entry/upload/confirm/", confirm, follow=True)


def stored(indicator="rd_intensity", region=CITY, year=2025):
    return list(
        Observation.objects.filter(
            indicator__code=indicator, region_code=region, year=year, is_latest=True
        ).values_list("value", flat=True)
    )


# ---------------------------------------------------------------- the rules file


def test_shipped_rules_name_only_plan_indicators(plan):
    codes = set(plan.indicators.values_list("code", flat=True))
    rules = parse_rules(rules_path().read_text(encoding="utf-8"), codes)
    assert rules.due_date("rd_intensity", 2025) == dt.date(2026, 4, 30)
    assert rules.due_date("tech_contract_turnover", 2025) == dt.date(2026, 3, 31)  # default_due


def test_a_bad_rules_file_is_refused_in_chinese_naming_line_and_field():
    text = (
        'default_due: "13-01"\nindicators:\n  rd_intensity:\n    rules:\n'
        "      - {kind: range, level: stop, min: 3}\n      - {kind: range, level: warn, min: 5, max: 1}\n"
        "      - {kind: jump, level: warn, sigmas: 0}\n"
    )
    with pytest.raises(RulesFileError) as exc:
        parse_rules(text, {"rd_intensity"})
    errors = exc.value.errors
    assert errors[0].startswith("第 1 行 default_due：格式错误")
    assert any("第 5 行 indicators.rd_intensity.rules[0].level：取值无效" in e for e in errors)
    assert any("第 6 行" in e and "min（5）不能大于 max（1）" in e for e in errors)
    assert any("第 7 行 indicators.rd_intensity.rules[2].sigmas：数值超出范围：应大于 0" in e for e in errors)
    with pytest.raises(RulesFileError, match="indicators.nope：规划中没有该指标"):
        parse_rules('default_due: "03-31"\nindicators:\n  nope: {}\n', {"rd_intensity"})


# ---------------------------------------------------------------- range rules on the form


@pytest.mark.parametrize(
    ("value", "written", "shown"),
    [
        ("8", True, None),  # the warn limit itself: no warning
        ("8.01", True, "超出允许范围 0.5–8（规则：取值范围，提醒）"),
        ("20", True, "超出允许范围 0.5–8"),  # the block limit itself: accepted with the warning
        ("20.01", False, "超出允许范围 0–20（规则：取值范围，阻止）"),
    ],
)
def test_range_rules_on_the_form_at_their_thresholds(plan, client_for, value, written, shown):
    client = client_for("reporter")
    response = post_value(client, value)
    if written:
        assert response.status_code == 302
        assert stored() == [float(value)]
        page = client.get(response["Location"]).content.decode()
        if shown:
            assert "已保存，但请核实" in page and shown in page and "全社会研发投入强度" in page
        else:
            assert "请核实" not in page
    else:
        html = response.content.decode()
        assert response.status_code == 200 and stored() == []
        assert shown in html and "指标「全社会研发投入强度」· 地区「东莞市」· 2025 年" in html


def test_range_rules_on_the_upload_block_the_whole_file_and_warn_on_accepted_rows(plan, client_for):
    client = client_for("reporter")
    before = Observation.objects.count()
    bad = "指标,地区,年份,数值,来源\n全社会研发投入强度,东莞市,2025,4.2,快报\n全社会研发投入强度,东莞市,2026,20.01,快报\n"
    html = upload(client, bad).content.decode()
    assert Observation.objects.count() == before  # nothing written
    assert "文件未导入，没有写入任何数据" in html
    assert (
        "第 3 行：指标「全社会研发投入强度」· 地区「东莞市」· 2026 年：数值 20.01 % 超出允许范围 0–20" in html
    )
    assert "规则：取值范围，阻止" in html

    ok = "指标,地区,年份,数值,来源\n全社会研发投入强度,东莞市,2025,4.2,快报\n全社会研发投入强度,东莞市,2026,8.5,快报\n"
    html = upload(client, ok).content.decode()
    assert stored(year=2025) == [4.2] and stored(year=2026) == [8.5]
    assert "已导入，但请核实：" in html
    assert "<li>第 3 行：指标「全社会研发投入强度」· 地区「东莞市」· 2026 年" in html
    assert "（规则：取值范围，提醒）" in html and "第 2 行" not in html


# ---------------------------------------------------------------- the jump rule


def test_jump_rule_against_past_year_on_year_changes(plan, client_for):
    client = client_for("humen")
    # changes per year 0.1, 0.15, 0.05: mean 0.1, standard deviation 0.05 → limit 0.1 ± 0.15
    history = "指标,地区,年份,数值,来源\n" + "".join(
        f"全社会研发投入强度,虎门镇,{y},{v},镇统计站\n"
        for y, v in [(2020, 1.0), (2021, 1.1), (2022, 1.25), (2023, 1.3)]
    )
    html = upload(client, history).content.decode()
    assert "请核实" not in html and stored(region=HUMEN, year=2023) == [1.3]

    calm = post_value(client, "1.54", year=2024, region=HUMEN)  # change 0.24 < 0.25
    assert calm.status_code == 302
    assert "请核实" not in client.get(calm["Location"]).content.decode()

    # past changes now 0.1, 0.15, 0.05, 0.24: mean 0.135, sd 0.081 → limit 0.135 ± 0.243
    jump = post_value(client, "2.1", year=2025, region=HUMEN)  # change 0.56
    assert jump.status_code == 302 and stored(region=HUMEN, year=2025) == [2.1]
    page = client.get(jump["Location"]).content.decode()
    assert "较 2024 年的 1.54 每年变化 +0.56，偏离历年变化均值 +0.135" in page
    assert "超过 3 个标准差" in page and "（规则：与上年相比跳变，提醒）" in page


def test_outlier_view_lists_current_values_that_break_a_rule(plan, client_for):
    post_value(client_for("reporter"), "9", year=2025)
    html = client_for("bureau").get("/plans/entry/outliers/").content.decode()
    assert "全社会研发投入强度" in html and "数值 9 % 超出允许范围 0.5–8" in html
    # a later, plausible revision takes the value off the list
    post_value(client_for("reporter"), "4.2", year=2025, replaces=Observation.objects.get(value=9).pk)
    html = client_for("bureau").get("/plans/entry/outliers/").content.decode()
    assert "超出允许范围 0.5–8" not in html and "没有违反校验规则的数值" in html


def test_the_outlier_list_reads_in_english(plan, client_for, personas):
    """The rule's explanation is composed in the reader's language, its unit too; an upload's error
    (the form's message) stays in Chinese."""
    client = client_for("humen")
    history = "指标,地区,年份,数值,来源\n" + "".join(
        f"全社会研发投入强度,虎门镇,{y},{v},镇统计站\n"
        for y, v in [(2020, 1.0), (2021, 1.1), (2022, 1.25), (2023, 1.3)]
    )
    upload(client, history)
    post_value(client, "2.0", year=2024, region=HUMEN)  # change 0.7: a jump
    post_value(client_for("reporter"), "9", year=2025)  # outside 0.5–8
    chinese = client_for("bureau").get("/plans/entry/outliers/").content.decode()
    assert "数值 2 % 较 2023 年的 1.3 每年变化 +0.7，偏离历年变化均值 +0.1 超过 3 个标准差" in chinese
    personas["bureau"].language = "en"
    personas["bureau"].save()
    english = client_for("bureau").get("/plans/entry/outliers/").content.decode()
    assert "Value 9 % is outside the allowed range 0.5–8" in english
    assert "Value 2 % changes by +0.7 a year from 1.3 in 2023, more than 3 standard deviations" in english
    assert "标准差" not in english and "数值" not in english


# ---------------------------------------------------------------- approval and locking


def test_approve_lock_refuse_unlock_with_reason_accept(plan, client_for):
    reporter, bureau = client_for("reporter"), client_for("bureau")
    assert post_value(reporter, "4.1").status_code == 302
    response = bureau.post(
        "/plans/entry/completeness/", {"year": 2025, "kind": "department", "code": "tjj", "action": "approve"}
    )
    assert response.status_code == 302
    approval = SubmissionApproval.objects.get(year=2025, owner_kind="department", owner_code="tjj")
    assert approval.locked and approval.approved_by_name == "bureau"

    first = Observation.objects.get(value=4.1)
    refused = post_value(reporter, "4.3", replaces=first.pk)
    assert refused.status_code == 200 and stored() == [4.1]
    assert "2025 年的数据已审核锁定" in refused.content.decode()
    html = upload(
        reporter, "指标,地区,年份,数值,来源\n全社会研发投入强度,东莞市,2025,4.3,快报\n"
    ).content.decode()
    assert "第 2 行：指标「全社会研发投入强度」· 地区「东莞市」· 2025 年的数据已审核锁定" in html
    assert stored() == [4.1]
    # the unchanged value may be uploaded again (no change to refuse); another year is not locked
    html = upload(
        reporter, "指标,地区,年份,数值,来源\n全社会研发投入强度,东莞市,2025,4.1,统计快报\n"
    ).content.decode()
    assert "已审核锁定" not in html
    assert post_value(reporter, "4.2", year=2024, replaces="").status_code in (200, 302)

    # a department reporter may not unlock; an unlock without a reason is refused
    assert (
        reporter.post(
            "/plans/entry/completeness/",
            {"year": 2025, "kind": "department", "code": "tjj", "action": "unlock", "reason": "改正"},
        ).status_code
        == 403
    )
    page = bureau.post(
        "/plans/entry/completeness/",
        {"year": 2025, "kind": "department", "code": "tjj", "action": "unlock", "reason": " "},
        follow=True,
    ).content.decode()
    assert "请填写解锁原因" in page
    approval.refresh_from_db()
    assert approval.locked

    bureau.post(
        "/plans/entry/completeness/",
        {"year": 2025, "kind": "department", "code": "tjj", "action": "unlock", "reason": "统计局更正快报数"},
    )
    approval.refresh_from_db()
    assert not approval.locked and approval.unlock_reason == "统计局更正快报数"
    assert post_value(reporter, "4.3", replaces=first.pk).status_code == 302
    assert stored() == [4.3]

    changes = ObjectChange.objects.filter(
        object_id=str(approval.pk), object_type__icontains="submissionapproval"
    )
    assert [c.action for c in changes.order_by("id")] == ["create", "update"]
    assert changes.order_by("id").last().after["unlock_reason"] == "统计局更正快报数"


def test_a_town_approval_locks_the_towns_values(plan, client_for):
    town = client_for("humen")
    assert post_value(town, "2.0", region=HUMEN).status_code == 302
    client_for("admin").post(
        "/plans/entry/completeness/", {"year": 2025, "kind": "town", "code": HUMEN, "action": "approve"}
    )
    response = post_value(town, "2.1", region=HUMEN, replaces=Observation.objects.get(value=2.0).pk)
    assert response.status_code == 200 and "已审核锁定" in response.content.decode()
    assert stored(region=HUMEN) == [2.0]


# ---------------------------------------------------------------- completeness


def test_completeness_states_on_a_fixed_date(plan, client_for):
    reporter = client_for("reporter")
    post_value(reporter, "4.1", year=2025)  # tjj: 1 of 2 indicators
    post_value(reporter, "40", year=2025, indicator="hightech_mfg_share")
    # tjj now complete; kjj (4 indicators, due 03-31) nothing; songshanhu: its target indicator (the
    # plan file's town targets are R&D intensity's, reported by tjj's date, 04-30)
    town = client_for("songshanhu")
    post_value(town, "6.5", year=2025, region="441900401")
    by_code = lambda today: {s.code: s for s in services.completeness(plan, 2025, today)}  # noqa: E731

    before = by_code(dt.date(2026, 3, 31))
    assert before["tjj"].status == "reported"
    assert before["kjj"].status == "not_started" and before["kjj"].due == dt.date(2026, 3, 31)
    assert before["441900401"].status == "reported"
    assert before[HUMEN].status == "not_started"

    after = by_code(dt.date(2026, 4, 1))
    assert after["kjj"].status == "late" and after[HUMEN].status == "not_started"
    assert by_code(dt.date(2026, 5, 1))[HUMEN].status == "late"
    assert after["tjj"].status == "reported"

    post_value(client_for("bureau"), "1.6", year=2025, indicator="basic_research_share")
    assert by_code(dt.date(2026, 3, 1))["kjj"].status == "in_progress"

    html = client_for("leader").get("/plans/entry/completeness/?year=2025").content.decode()
    assert 'data-owner="tjj" data-status="reported"' in html
    assert "审核并锁定" not in html  # the leader sees, does not approve
    assert client_for("reporter").get("/plans/entry/completeness/").status_code == 403


def test_towns_are_not_asked_for_what_a_registry_feeds(plan):
    """A town target of an indicator the registries feed (towns_report: false) asks nothing of the
    town; a target of one the towns report does."""
    from kechuang.plans.models import Indicator, RegionalTarget

    fed = Indicator.objects.get(plan=plan, code="industrial_hightech_enterprises")
    RegionalTarget.objects.create(indicator=fed, region_code="441900111", target_year=2030, target_value=300)
    rules = load_rules()
    assert not rules.towns_report(fed.code) and rules.towns_report("rd_intensity")
    statuses = {s.code: s for s in services.completeness(plan, 2025, dt.date(2026, 6, 1))}
    assert "441900111" not in statuses  # its only target is fed by the enterprise registry
    assert fed not in statuses[HUMEN].expected and statuses[HUMEN].status == "late"


def test_reporter_sees_a_reminder_on_the_entry_page(plan, client_for, monkeypatch):
    monkeypatch.setattr(services, "reporting_year", lambda today: 2025)
    html = client_for("reporter").get("/plans/entry/").content.decode()
    assert 'data-testid="reporting-notice"' in html
    assert "2025 年度指标数据" in html and "全社会研发投入强度" in html


def test_api_refuses_a_blocked_value_and_returns_warnings(plan, client_for):
    import json

    client = client_for("reporter")

    def post(value):
        row = {
            "indicator": "rd_intensity",
            "region": "东莞市",
            "year": 2025,
            "value": value,
            "source": "快报",
        }
        return client.post(
            "/api/plans/dongguan-2026-2030/observations",
            json.dumps({"rows": [row]}),
            content_type="application/json",
        )

    blocked = post(25)
    assert blocked.status_code == 400 and stored() == []
    assert "超出允许范围 0–20（规则：取值范围，阻止）" in blocked.json()["errors"][0]["message"]
    warned = post(9)
    assert warned.status_code == 201 and stored() == [9.0]
    assert "超出允许范围 0.5–8（规则：取值范围，提醒）" in warned.json()["warnings"][0]
