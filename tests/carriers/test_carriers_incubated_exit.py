"""Removing an incubated enterprise is a dated exit (退出: 毕业, 迁出, 注销, 误录) that keeps the row: the
counts of a year and the 标准级 checks take the enterprises present at its end (one that left in 2025
counts in 2024, not in 2025; one entered by mistake in no year); a graduation exit is a graduation."""

from __future__ import annotations

import datetime as dt

import pytest

from kechuang.carriers import services, upkeep
from kechuang.carriers.models import Carrier, IncubatedEnterprise

pytestmark = pytest.mark.django_db

YEAR = 2025


def _figures(world, year=YEAR):
    return services.incubation_figures(Carrier.objects.filter(pk=world.a.pk), year).row(0, named=True)


def _investment(world):
    verdict = services.recognition(world.a, YEAR)
    return next(c for c in verdict.conditions if c.id == "investment").status


def test_an_enterprise_that_left_counts_until_the_year_it_left(world):
    from kechuang.enterprises.models import Fact

    Fact.objects.filter(year=YEAR).update(equity_financing=0)  # only the equity investment counts
    before, earlier = _figures(world), _figures(world, YEAR - 1)
    assert before["incubated_count"] == 9 and before["invested_count"] == 1 and _investment(world) == "pass"
    invested = IncubatedEnterprise.objects.get(carrier=world.a, invested=True)
    upkeep.leave_incubated(invested, "moved", dt.date(YEAR, 3, 1))
    now = _figures(world)
    assert (now["incubated_count"], now["invested_count"]) == (8, 0)
    assert _investment(world) == "fail"  # the 标准级 check: 0 of the 8 present
    assert _figures(world, YEAR - 1)["incubated_count"] == earlier["incubated_count"]  # there in 2024
    invested.refresh_from_db()
    assert IncubatedEnterprise.objects.filter(pk=invested.pk).exists() and invested.exit_reason == "moved"


def test_one_entered_by_mistake_counts_in_no_year_and_a_graduation_exit_is_a_graduation(world):
    links = list(
        IncubatedEnterprise.objects.filter(carrier=world.a, graduated_year__isnull=True).order_by("pk")
    )
    before, earlier = _figures(world), _figures(world, YEAR - 1)
    upkeep.leave_incubated(links[1], "mistaken", dt.date(YEAR, 5, 1))
    assert _figures(world, YEAR - 1)["incubated_count"] == earlier["incubated_count"] - 1
    upkeep.leave_incubated(links[2], "graduated", dt.date(YEAR, 6, 30))
    links[2].refresh_from_db()
    assert links[2].graduated_year == YEAR
    now = _figures(world)
    assert now["incubated_count"] == before["incubated_count"] - 2
    assert now["graduated_count"] == before["graduated_count"] + 1


def test_a_bad_exit_is_refused_naming_the_field_and_nothing_is_written(world):
    from django.core.exceptions import ValidationError

    link = IncubatedEnterprise.objects.filter(carrier=world.a).order_by("pk").first()
    for reason, day, message in (
        ("", None, "退出原因：请选择：毕业、迁出、注销、误录"),
        ("moved", "2021-12-31", "退出日期：不能早于入驻年度（2022）"),
        ("moved", "2025-02-30", "退出日期：应为日期"),
    ):
        with pytest.raises(ValidationError, match=message):
            upkeep.leave_incubated(link, reason, day)
    link.refresh_from_db()
    assert link.left_on is None and link.exit_reason == ""


def test_the_carrier_page_shows_the_exit_and_leaves_out_one_entered_by_mistake(world, login):
    links = list(IncubatedEnterprise.objects.filter(carrier=world.a).order_by("pk"))
    upkeep.leave_incubated(links[0], "moved", dt.date(YEAR, 3, 1))
    upkeep.leave_incubated(links[1], "mistaken", dt.date(YEAR, 3, 2))
    page = login("op_a").get(f"/carriers/c/{world.a.code}/").content.decode()
    table = page[page.index('data-testid="incubated"') :]
    assert "<td>2025-03-01（迁出）</td>" in table
    assert links[0].enterprise.name in table and links[1].enterprise.name not in table
