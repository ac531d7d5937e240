"""Demo data for 创新积分: the shipped sample model (if no model is loaded) and stored scores for every
year with enterprise facts. Idempotent: a year already scored with the active version is left as is."""

from __future__ import annotations

from kechuang.enterprises.models import Fact
from kechuang.points.models import PointsModel, PointsRun
from kechuang.points.services import ensure_active_version, store_run


def load_demo(seed: int) -> list[str]:  # noqa: ARG001  (nothing random here)
    lines = []
    loaded_before = PointsModel.objects.filter(is_active=True).exists()
    version = ensure_active_version("demo")
    if not loaded_before:
        lines.append(f"创新积分：已加载积分模型 {version.model.name} 第 {version.number} 版（示例）")
    years = sorted(set(Fact.objects.values_list("year", flat=True).distinct()))
    done = set(PointsRun.objects.filter(version=version, superseded=False).values_list("year", flat=True))
    for year in years:
        if year in done:
            continue
        run = store_run(year, version, started_by="demo")
        lines.append(
            f"创新积分：{year} 年度 {run.enterprises:,} 家企业，参评 {run.scored:,}，"
            f"排除 {run.excluded:,}，无当年数据 {run.no_facts:,}"
        )
    if version.model.is_sample and lines:
        lines.append("创新积分：所用模型为示例模型，指标与权重未经市科技局确认")
    return lines
