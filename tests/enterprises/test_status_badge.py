"""An enterprise page never contradicts itself (issue 9 §2): the header shows the tier HELD (its year
and what it rests on) and the VERDICT for the year shown, each labelled as what it is, and both agree
with the tier history and the qualification cards below."""

from __future__ import annotations

import html as htmllib
import re

import pytest

pytestmark = pytest.mark.django_db

LADDER = (("lingjun", "科技领军企业"), ("gaoqi", "高新技术企业"), ("kexiao", "科技型中小企业"))
RULE_OF_TIER = {
    "科技领军企业": "lingjun",
    "规上高新技术企业": "gaoqi",
    "高新技术企业": "gaoqi",
    "科技型中小企业": "kexiao",
}


def text(pattern: str, html: str) -> str | None:
    found = re.search(pattern, html, re.S)
    return htmllib.unescape(found.group(1)).strip() if found else None


def page(client, code: str, year: int) -> str:
    response = client.get(f"/enterprises/{code}/?year={year}")
    assert response.status_code == 200
    return response.content.decode()


def check_header(html: str, year: int, tiers: dict[int, str]) -> dict:
    """Every rule of the header, for one page; returns what it read."""
    status = html.split('data-testid="enterprise-status"')[1].split('data-testid="year-form"')[0]
    held_year = text(r"(?:已认定|尚未认定)（(\d{4}) 年梯队）", status)
    held = text(r'data-testid="tier-held-label">([^<]+)<', status)
    verdict_label = text(r"(\d{4}) 年测评（按当年数据）", status)
    verdict = text(r'data-testid="year-verdict-label">([^<]+)<', status)
    # labelled as what they are
    assert held_year and held, "the held tier is labelled 已认定/尚未认定 with its year"
    assert verdict_label == str(year) and verdict, "the verdict is labelled with the year shown"
    # the held tier is the stored tier of that year (the tier history says the same)
    assert int(held_year) <= year or int(held_year) == min(tiers)
    assert held == tiers[int(held_year)]
    assert ("已认定" in status) == (held != "未入梯队")
    # the verdict is what the cards below say, top rung first
    cards = {c: text(rf'data-testid="eligible-{c}">([^<]+)<', html) for c, _n in LADDER}
    reached = [(c, n) for c, n in LADDER if cards[c] == "符合" or (cards[c] or "").startswith("可能符合")]
    expected = (
        f"{'符合' if cards[reached[0][0]] == '符合' else '可能符合'}{reached[0][1]}认定条件"
        if reached
        else None
    )
    unknown = any(cards[c] == "数据不全" for c, _n in LADDER)
    assert verdict == (expected or ("数据不全，暂无法判定" if unknown else "不符合任何梯队的认定条件"))
    # a held tier whose rule set says otherwise this year is explained, not left as a riddle
    rule = RULE_OF_TIER.get(held)
    assert ('data-testid="status-note"' in status) == bool(rule and cards[rule] != "符合")
    return {"held": held, "held_year": int(held_year), "verdict": verdict}


def tier_history(html: str) -> dict[int, str]:
    table = html.split('data-testid="tier-history"')[1].split("</table>")[0]
    return {
        int(y): t for y, t in re.findall(r"<tr><td>(\d{4})</td><td><span class=\"badge \w+\">([^<]+)<", table)
    }


def test_the_own_enterprise_shows_its_registration_and_the_years_verdict(population, client_for):
    client = client_for("enterprise")
    html = page(client, population.own, 2024)
    read = check_header(html, 2024, tier_history(html))
    assert read["held"] == "科技型中小企业" and read["held_year"] == 2024
    basis = re.sub(r"<[^>]+>", "", text(r'data-testid="tier-held-basis">(.+?)</span>\n', html) or "")
    assert basis.startswith("依据：2024 年入库科技型中小企业（来源：企业名录.csv")
    assert "2024 年测评" in html.split('id="verdicts"')[1]  # each card says whose verdict it is


def test_an_earlier_year_shows_that_years_tier_not_a_later_one(population, client_for):
    html = page(client_for("enterprise"), population.own, 2023)
    read = check_header(html, 2023, tier_history(html))
    assert read["held_year"] == 2023 and read["held"] == "未入梯队"
    assert "尚未认定（2023 年梯队）" in html


@pytest.mark.parametrize("year", [2023, 2024])
def test_no_page_contradicts_itself(population, client_for, year):
    client = client_for("bureau")
    seen = set()
    for code in population.all[::2]:
        html = page(client, code, year)
        read = check_header(html, year, tier_history(html))
        seen.add((read["held"], read["verdict"], 'data-testid="status-note"' in html))
    assert len({held for held, _v, _n in seen}) > 1  # checked on more than one kind of tier
