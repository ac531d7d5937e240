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
