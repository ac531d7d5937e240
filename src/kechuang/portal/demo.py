"""The demo publishes every indicator of the plan on the public portal (idempotent)."""

from __future__ import annotations

from kechuang.plans.models import Plan
from kechuang.portal.services import ensure_publications


def load_demo(seed: int) -> list[str]:
    lines = []
    for plan in Plan.objects.all():
        created = ensure_publications(plan, publish=True)
        lines.append(f"公开门户：{plan.name}，新增公开指标 {created} 项（/portal/）")
    return lines
