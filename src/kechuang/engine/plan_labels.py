"""Chinese labels for the codes the plan evaluation engine returns (user-facing text is Chinese first)."""

from __future__ import annotations

TREND_LABELS: dict[str, str] = {
    "on_track": "按期可达",
    "moderately_improving": "稳步改善",
    "stagnating": "进展缓慢",
    "decreasing": "逆向变化",
    "insufficient_data": "数据不足",
    "no_data": "无数据",
    "no_target": "无目标",
    "achieved": "已达标",
    "missed": "未达标",
}

WARNING_LABELS: dict[str, str] = {
    "green": "绿灯（正常）",
    "yellow": "黄灯（关注）",
    "red": "红灯（滞后）",
}

OPENSDG_LABELS: dict[str, str] = {
    "target_achieved": "已达标",
    "substantial_progress": "显著进展",
    "moderate_progress": "有所进展，需加快",
    "limited_progress": "进展有限",
    "deterioration": "逆向恶化",
    "not_available": "尚无法计算（基期之后尚无观测值）",
}

GROWTH_MODEL_LABELS: dict[str, str] = {
    "linear": "线性（年均增加量）",
    "compound": "复合（年均增长率）",
}

BASELINE_SOURCE_LABELS: dict[str, str] = {
    "plan": "规划基期值",
    "first_observation": "最早观测值",
}

TASK_STATUS_LABELS: dict[str, str] = {
    "completed": "已完成",
    "overdue": "逾期未完成",
    "milestone_late": "节点滞后",
    "on_time": "按期推进",
}
