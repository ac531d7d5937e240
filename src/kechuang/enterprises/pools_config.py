"""Cultivation pools: their definitions as data (pools.yaml), labels, filters and descriptions.

pools.yaml says who enters each pool; PoolConfig validates it; describe_config() turns it into the
Chinese sentences the pool pages and the Excel export show. No database access here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
import yaml
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as _noop
from pydantic import BaseModel, ConfigDict, Field

from kechuang.engine.rules.qualify import resolve_rulesets
from kechuang.engine.rules.ruleset import Gap, Ruleset
from kechuang.engine.vocabulary import INDUSTRY_SECTIONS as SECTIONS_ZH
from kechuang.regions import region_names

CONFIG_PATH = Path(__file__).with_name("pools.yaml")
GUISHANG_REVENUE = 2000.0  # 万元: 规上工业 (国家统计局口径, rulesets/guishang.yaml)
KINDS = {
    "gaoqi_reserve": "高企后备库",
    "kexiao_reserve": "科小储备库",
    "guishang_candidates": "规上高企后备",
}
RULE_OF = {"gaoqi_reserve": "gaoqi", "kexiao_reserve": "kexiao"}
STATUS_LABELS = {
    "ready": _noop("符合条件，可申报"),
    "possible": _noop("可能符合（取决于专家评审）"),
    "one_gap": _noop("差一项"),
    "data_missing": _noop("数据不全"),
    "upgrade": _noop("高企升规"),
    "certify": _noop("规上认高"),
    "nonindustrial": _noop("行业归类核查"),
}
INDUSTRY_SECTIONS = SECTIONS_ZH  # GB/T 4754-2017 门类


# ---------------------------------------------------------------- configuration


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ReserveConfig(_Model):
    max_failed: int = Field(1, ge=0)
    count_missing: bool = True
    may_fail: list[str]
    max_relative_gap: float | None = Field(0.5, gt=0)
    relative_gap_overrides: dict[str, float] = {}
    exclude_hightech: bool = True  # 科小储备库 only


class GuishangConfig(_Model):
    revenue_floor: float = Field(1500, ge=0, lt=GUISHANG_REVENUE)
    include_certify: bool = True
    include_nonindustrial: bool = True
    nonindustrial_sections: list[str] = ["F", "M"]


class PoolConfig(_Model):
    gaoqi_reserve: ReserveConfig
    kexiao_reserve: ReserveConfig
    guishang_candidates: GuishangConfig


def load_config(path: Path | None = None) -> PoolConfig:
    data = yaml.safe_load((path or CONFIG_PATH).read_text(encoding="utf-8"))
    return PoolConfig.model_validate(data)


# ---------------------------------------------------------------- conditions of a rule set


@dataclass(frozen=True)
class Spec:
    """One condition as the pools see it: its labels, and how to measure its gap."""

    id: str
    label: str  # the rule set's full label
    short: str  # the gap label (研发费用占比)
    gap: Gap | None
    score: bool = False  # the score block: actual = the maximum score, threshold = the pass mark
    label_en: str = ""  # the English twins (the Chinese ones when the rule file has none)
    short_en: str = ""

    @property
    def quantitative(self) -> bool:
        return self.score or bool(self.gap and self.gap.measure and self.gap.op)


def _en(obj, field: str = "label") -> str:
    return getattr(obj, f"{field}_en", "") or getattr(obj, field, "")


def specs(rs: Ruleset) -> list[Spec]:
    def spec(item) -> Spec:
        short = item.gap.label if item.gap else item.label
        short_en = _en(item.gap) if item.gap else _en(item)
        return Spec(item.id, item.label, short, item.gap, label_en=_en(item), short_en=short_en)

    out = [spec(c) for c in rs.conditions]
    if rs.score:
        s = rs.score
        out.append(
            Spec(
                s.id, s.label, s.measure_label, None, True, label_en=_en(s), short_en=_en(s, "measure_label")
            )
        )
        for _, item in rs.score.items():
            if item.require_nonzero:
                out.append(spec(item.require_nonzero))
    return out


# ---------------------------------------------------------------- filters and scope


@dataclass
class Filters:
    region: str = ""
    section: str = ""
    field: str = ""
    status: str = ""
    q: str = ""

    def apply(self, frame: pl.DataFrame) -> pl.DataFrame:
        if self.region:
            frame = frame.filter(pl.col("region") == self.region)
        if self.section:
            frame = frame.filter(pl.col("section") == self.section)
        if self.field:
            frame = frame.filter(pl.col("tech_field") == self.field)
        if self.status:
            frame = frame.filter(pl.col("status") == self.status)
        if self.q:
            frame = frame.filter(
                pl.col("name").str.contains(self.q, literal=True) | (pl.col("credit_code") == self.q.upper())
            )
        return frame

    def describe(self) -> str:
        parts = [
            f"镇街：{region_names().get(self.region, self.region) if self.region else '全部'}",
            "行业门类："
            + (f"{self.section} {INDUSTRY_SECTIONS.get(self.section, '')}" if self.section else "全部"),
            f"技术领域：{self.field or '全部'}",
        ]
        if self.status:
            parts.append(f"状态：{STATUS_LABELS.get(self.status, self.status)}")
        if self.q:
            parts.append(f"企业：{self.q}")
        return "；".join(parts)


def definition(kind: str, english: bool = False) -> list[str]:
    """The pool's definition in sentences, from the configuration: Chinese (the page and the export)
    or English (the English page)."""
    with translation.override("en" if english else "zh-hans"):
        return describe_config(kind, load_config())


def describe_config(kind: str, config: PoolConfig) -> list[str]:
    """The configuration in sentences, in the active language (gettext, named placeholders)."""
    english = (translation.get_language() or "").startswith("en")
    sep = _("、")

    def pct(x: float) -> str:
        return f"{x * 100:g}%"

    if kind in RULE_OF:
        cfg: ReserveConfig = getattr(config, kind)
        rs = {r.code: r for r in resolve_rulesets(None)}[RULE_OF[kind]]
        labels = {s.id: s.short_en if english else s.short for s in specs(rs)}
        if kind == "gaoqi_reserve":
            first = _("评价年度 12 月 31 日未持有效高新技术企业证书。")
        elif cfg.exclude_hightech:
            first = _("评价年度未入库科技型中小企业，且未持有效高企证书（已在更高梯级）。")
        else:
            first = _("评价年度未入库科技型中小企业。")
        rule = (
            _(
                "按{rules}规则，不符合的条件不超过 {n} 项（缺少数据的条件也计入）；符合或可能符合的企业也列入。"
            )
            if cfg.count_missing
            else _("按{rules}规则，不符合的条件不超过 {n} 项；符合或可能符合的企业也列入。")
        )
        may_fail = _("允许不符合的条件：{labels}；其他条件必须符合。")
        extra = _("；").join(f"{labels.get(k, k)} {pct(v)}" for k, v in cfg.relative_gap_overrides.items())
        if cfg.max_relative_gap is None:
            gap = (
                _("差距上限：不符合条件的差距不超过门槛的 不限（{extra}）。")
                if extra
                else _("差距上限：不符合条件的差距不超过门槛的 不限。")
            )
        elif extra:
            gap = _("差距上限：不符合条件的差距不超过门槛的 {pct}（{extra}）。")
        else:
            gap = _("差距上限：不符合条件的差距不超过门槛的 {pct}。")
        return [
            first,
            rule.format(rules=_en(rs, "name") if english else rs.name, n=cfg.max_failed),
            may_fail.format(labels=sep.join(labels.get(c, c) for c in cfg.may_fail)),
            gap.format(pct=pct(cfg.max_relative_gap or 0), extra=extra),
        ]
    g = config.guishang_candidates
    # {low}/{high} in 万元 (the Chinese); {low_m}/{high_m} in millions of yuan (the English)
    revenue = {
        "low": f"{g.revenue_floor:g}",
        "high": f"{GUISHANG_REVENUE:g}",
        "low_m": f"{g.revenue_floor / 100:g}",
        "high_m": f"{GUISHANG_REVENUE / 100:g}",
    }
    lines = [
        _("高企升规：持有效高企证书的工业企业（行业门类 B、C、D），主营业务收入 {low}–{high} 万元。").format(
            **revenue
        )
    ]
    if g.include_certify:
        lines.append(_("规上认高：规上工业企业（主营业务收入 ≥ 2000 万元）未持高企证书，但在高企后备库中。"))
    if g.include_nonindustrial:
        lines.append(
            _("行业归类核查：持证且主营业务收入 ≥ 2000 万元，但行业代码不属工业；若主营实为制造，核实归类。")
        )
    lines.append(
        _("规上工业高新技术企业 = 持有效高企证书 + 工业 + 主营业务收入 ≥ 2000 万元（计入规划指标）。")
    )
    return lines
