"""The points demo: the sample model and a stored run per year with facts; a second run writes nothing."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_the_demo_scores_every_year_once(population):
    from kechuang.points.demo import load_demo
    from kechuang.points.models import PointsModelVersion, PointsRun, PointsScore

    first = load_demo(1)
    assert any("已加载积分模型" in line for line in first)
    assert any(line.startswith("创新积分：2024 年度 40 家企业") for line in first)
    assert sorted(PointsRun.objects.values_list("year", flat=True)) == [2022, 2023, 2024]
    counts = (PointsModelVersion.objects.count(), PointsRun.objects.count(), PointsScore.objects.count())
    assert load_demo(1) == []
    assert (
        PointsModelVersion.objects.count(),
        PointsRun.objects.count(),
        PointsScore.objects.count(),
    ) == counts
