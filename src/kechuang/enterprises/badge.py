"""The header of an enterprise page (issue 9 §2): the tier the enterprise HOLDS, with its year and what
it rests on, and the VERDICT of the rule sets for the year shown — two different things, each labelled
as what it is, so the page never seems to contradict itself.

- Held (已认定): the stored tier of the year shown (or the latest year before it), from the certificate
  and the registration (高企证书有效期, 科技型中小企业入库年度), as engine.rules.evaluate.tier_expr
  assigns it; its basis names the registry field and the upload it came from.
- Verdict (测评): the highest ladder rung whose rule set says 符合 or 可能符合 on the year's data,
  else 数据不全 when a rung cannot be judged, else 不符合 — the qualification cards below, in one line.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from kechuang.engine.enterprise_labels import RULE_LABELS
from kechuang.enterprises.models import Enterprise

LADDER_RULES = ("lingjun", "gaoqi", "kexiao")  # the rungs with a rule set, top first
RULE_OF_TIER = {"lingjun": "lingjun", "guishang_gaoqi": "gaoqi", "gaoqi": "gaoqi", "kexiao": "kexiao"}


def _held_record(tiers: list[dict], year: int) -> dict | None:
    """The tier record of ``year``, else the latest before it, else the earliest after it."""
    before = [t for t in tiers if t["year"] <= year]
    if before:
        return before[-1]
    return tiers[0] if tiers else None


def _basis(enterprise: Enterprise, tier: str, year: int, source) -> str:
    """What a held tier rests on: the certificate date, the registration year or the rule set."""
    if tier in ("gaoqi", "guishang_gaoqi") and enterprise.hightech_cert_until:
        text = _("高企证书有效期至 %(date)s") % {"date": enterprise.hightech_cert_until.isoformat()}
        if tier == "guishang_gaoqi":
            text += _("；%(year)s 年为规模以上工业企业") % {"year": year}
    elif tier == "kexiao" and enterprise.kexiao_registered_year:
        text = _("%(year)s 年入库科技型中小企业") % {"year": enterprise.kexiao_registered_year}
    elif tier == "lingjun":
        return _("按 %(year)s 年数据经科技领军企业规则认定") % {"year": year}
    else:
        return ""
    return text


def header(enterprise: Enterprise, year: int, tiers: list[dict], verdicts: list[dict], lineage) -> dict:
    """{"held": …, "verdict": …, "differs": bool} for the page header; ``tiers`` and ``verdicts`` as
    portrait.build makes them, ``lineage`` the portrait's (for the registry fields' sources)."""
    record = _held_record(tiers, year)
    held = None
    if record is not None:
        field = "kexiao_registered_year" if record["tier"] == "kexiao" else "hightech_cert_until"
        source = lineage.registry_source(enterprise, field)
        held = {
            "tier": record["tier"],
            "year": record["year"],
            "label": record["label"],
            "badge": record["badge"],
            "recognised": record["tier"] != "none",
            "basis": _basis(enterprise, record["tier"], record["year"], source),
            "basis_source": str(source) if source and record["tier"] != "lingjun" else "",
        }
    by_code = {v["code"]: v for v in verdicts}
    reach = ("yes", "possible")
    best = next((by_code[c] for c in LADDER_RULES if by_code.get(c, {}).get("eligible") in reach), None)
    if best is not None:
        verdict = {
            "code": best["code"],
            "eligible": best["eligible"],
            "badge": best["badge"],
            "text": (
                _("符合%(rule)s认定条件") if best["eligible"] == "yes" else _("可能符合%(rule)s认定条件")
            )
            % {"rule": _(RULE_LABELS[best["code"]])},
        }
    elif any(by_code.get(c, {}).get("eligible") == "unknown" for c in LADDER_RULES):
        verdict = {"code": "", "eligible": "unknown", "badge": "grey", "text": _("数据不全，暂无法判定")}
    else:
        verdict = {"code": "", "eligible": "no", "badge": "red", "text": _("不符合任何梯队的认定条件")}
    held_rule = RULE_OF_TIER.get(held["tier"]) if held else None
    differs = bool(held_rule and by_code.get(held_rule, {}).get("eligible") != "yes")
    return {"year": year, "held": held, "verdict": verdict, "differs": differs}
