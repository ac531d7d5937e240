"""The public portal lists the published application-scenario lists (应用场景清单) without login: only
the selected scenarios of published lists, never the scores, the rejected ones or lists in progress."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anyone_sees_the_selected_scenarios_of_published_lists_only(transfer_world):
    from kechuang.transfer.models import Scenario, ScenarioList

    published = ScenarioList.objects.create(
        title="2025 年东莞应用场景清单", year=2025, stage="published", published_on=date(2025, 11, 20)
    )
    Scenario.objects.create(
        scenario_list=published,
        title="港口集装箱智能理货",
        description="视觉识别箱号",
        field="电子信息",
        proposer="东莞港",
        selected=True,
    )
    Scenario.objects.create(
        scenario_list=published, title="落选的场景", description="未入选", proposer="某单位", selected=False
    )
    Scenario.objects.create(
        scenario_list=published,
        title="光伏屋顶运维机器人",
        description="清洗与巡检",
        field="新能源与节能",
        proposer="松山湖",
        selected=True,
    )
    in_call = transfer_world["scenario_list"]  # still in call: not public
    anonymous = Client()
    url = reverse("portal:scenarios")
    page = anonymous.get(url).content.decode()
    assert "2025 年东莞应用场景清单" in page and "港口集装箱智能理货" in page and "光伏屋顶运维机器人" in page
    assert "落选的场景" not in page and in_call.title not in page and "园区无人配送" not in page
    assert "2025-11-20" in page
    only = anonymous.get(url, {"field": "新能源与节能"}).content.decode()
    assert "光伏屋顶运维机器人" in only and "港口集装箱智能理货" not in only
    # the portal's menu (on every portal page) leads there
    assert 'data-testid="portal-nav"' in page and f'href="{url}"' in page


def test_without_published_lists_the_page_says_so(transfer_world):
    page = Client().get(reverse("portal:scenarios"))
    assert page.status_code == 200 and 'data-testid="no-scenario-lists"' in page.content.decode()
