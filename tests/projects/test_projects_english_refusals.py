"""The projects refusals in English for an English reader (the programme officer's API, the funding
decision): the same refusals as in Chinese, without Chinese left in them."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.foundation.test_english_pages import CJK
from tests.projects.test_projects_api_running import detail, post
from tests.projects.test_projects_english import _english

pytestmark = pytest.mark.django_db


def _refused(response) -> str:
    assert response.status_code == 400, response.content
    text = detail(response)
    assert not CJK.search(text.replace("测试", "")), text
    return text


def test_the_officers_api_refuses_in_english(client_for, personas, world):
    _english(personas, "bureau")
    bureau = client_for("bureau")
    assert _refused(post(bureau, "calls/decide", {"call": "NO-SUCH"})) == 'Call "NO-SUCH" not found'
    late = post(bureau, "calls/decide", {"call": world.call.code, "start": "1999-01-01"})
    assert _refused(late) == "The start date should be between 2000 and 2100"
    gate = post(bureau, "calls/gate", {"call": world.call.code, "on": "1999-12-31"})
    assert _refused(gate) == "The assessment date should be between 2000 and 2100"
    none = post(bureau, "milestones/verify", {"project": "XM-9", "number": 2})
    assert _refused(none) == 'Milestone 2 of project "XM-9" not found'


def test_deciding_an_open_or_decided_call_is_refused_in_english(client_for, personas, world):
    _english(personas, "bureau")
    world.call.closes_on = dt.date(2099, 12, 31)
    world.call.save()
    bureau = client_for("bureau")
    assert _refused(post(bureau, "calls/decide", {"call": world.call.code})) == (
        "Call T-01 is still collecting applications (deadline 2099-12-31): "
        "funding is decided once it has closed or its deadline has passed"
    )
    world.call.status = "decided"
    world.call.save()
    assert _refused(post(bureau, "calls/decide", {"call": world.call.code})) == (
        "Call T-01 has been decided: experts can no longer be assigned nor funding decided"
    )


def test_ethics_and_reading_refusals_in_english(client_for, personas, world):
    from django.utils import translation

    from kechuang.projects import services
    from kechuang.projects.models import EthicsCommittee, SecurityIndicator
    from tests.projects.conftest import make_call
    from tests.projects.test_projects_api_running import funded_project

    _english(personas, "enterprise")
    project = funded_project(world, make_call("T-AI", field="人工智能"))
    EthicsCommittee.objects.create(name="伦理委员会甲", registration="AI-01", fields=["人工智能"],
                                   valid_until=dt.date(2028, 12, 31))  # fmt: skip
    body = {"project": project.code, "committee": "伦理委员会甲", "committee_registration": "AI-01",
            "number": "", "approved_on": "2026-05-20"}  # fmt: skip
    holder = client_for("enterprise")
    assert _refused(post(holder, "ethics", body)) == "Please enter the approval no."
    blank = post(holder, "ethics", {**body, "number": "EC-1", "committee_registration": " "})
    assert _refused(blank) == "Please enter the committee registration no."
    future = post(holder, "ethics", {**body, "number": "EC-1", "approved_on": "2099-01-01"})
    assert _refused(future) == "The approval date 2099-01-01 is after today"
    computed = SecurityIndicator.objects.create(code="c1", name="集中度", yellow=60, red=80, computed=True)
    reported = SecurityIndicator.objects.create(
        code="r1", name="人才流失", yellow=5, red=10, department="人社局"
    )
    services.record_reading(reported, "2025", 3.0, "人社局填报")
    with translation.override("en"):
        with pytest.raises(services.ProjectError) as platform:
            services.record_reading(computed, "2025", 10.0, "x")
        with pytest.raises(services.ProjectError) as again:
            services.record_reading(reported, "2025", 4.0, "x")
    assert (
        str(platform.value) == "Indicator “集中度” is computed from the platform's data and is not reported"
    )
    assert str(again.value) == "Indicator “人才流失” already has 3 for 2025 (人社局填报); not overwritten"
    with translation.override("zh-hans"), pytest.raises(services.ProjectError) as chinese:
        services.record_reading(reported, "2025", 4.0, "x")
    assert str(chinese.value) == "指标「人才流失」2025 已有数值 3（人社局填报），未覆盖"  # as before
