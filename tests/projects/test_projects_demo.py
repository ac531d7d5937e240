"""The demo of 重大科技项目: every organisation mode, a consortium, reviews, projects at each stage,
warnings — and a second run writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.audit.models import ObjectChange
from kechuang.projects import demo, services, stakes
from kechuang.projects.models import Application, Assignment, Call, Conflict, Project, Stake

pytestmark = pytest.mark.django_db


def test_the_demo_covers_the_modes_and_stages_and_is_idempotent(org_tree):
    lines = demo.load_demo(seed=2026)
    assert any("竞争择优" in line for line in lines) and any("科技安全" in line for line in lines)
    assert set(Call.objects.values_list("mode", flat=True)) == {
        "competitive", "open_competition", "directed", "owner", "post_subsidy"
    }  # fmt: skip
    assert Application.objects.filter(consortium=True).exists()
    assert Conflict.objects.exists()
    assert Assignment.objects.filter(expert__username="pj_expert", score__isnull=True).exists()
    stages = set(Project.objects.values_list("stage", flat=True))
    assert {"running", "passed", "conditional", "failed"} <= stages
    failed = Project.objects.filter(stage="failed").first()
    assert services.exemption_dossier(failed)[:2] == b"PK"  # a .docx
    as_of = dt.date(2027, 1, 1)  # after the demo's exits (2026), within the third stake's holding period
    status = {r["status"] for r in stakes.stake_rows(Stake.objects.all(), as_of)}
    assert {"exited", "partly_exited", "locked"} <= status  # 补改投: one bought back, one partly sold
    levels = {r.indicator.code: r.level for r in services.security_board()}
    assert "red" in levels.values() and "yellow" in levels.values()
    counts = (
        Call.objects.count(),
        Application.objects.count(),
        Project.objects.count(),
        Stake.objects.count(),
        ObjectChange.objects.count(),
    )
    assert demo.load_demo(seed=2026) == []
    assert (Call.objects.count(), Application.objects.count(), Project.objects.count(),
            Stake.objects.count(), ObjectChange.objects.count()) == counts  # fmt: skip
