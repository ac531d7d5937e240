"""The carrier's equity investment in an incubated enterprise has its year: the 标准级 check
("equity investment in ≥ 10% of the incubated enterprises", 工信厅科函〔2025〕349号 转载) counts the
enterprises invested in the report year; one recorded without a year counts as before; a year before
the entry, or a year without the investment, is refused in Chinese."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kechuang.carriers import services
from kechuang.carriers.models import Carrier, IncubatedEnterprise

pytestmark = pytest.mark.django_db

YEAR = 2025


def _invested(world, **kw):
    return world.a.incubated.filter(invested=True).update(**kw)


def _check(world):
    figures = services.incubation_figures(Carrier.objects.filter(pk=world.a.pk), YEAR).row(0, named=True)
    verdict = services.recognition(world.a, YEAR)
    investment = next(c for c in verdict.conditions if c.id == "investment")
    return figures["invested_count"], investment.status


def test_the_standard_level_check_counts_the_investments_of_the_report_year(world):
    from kechuang.enterprises.models import Fact

    Fact.objects.filter(year=YEAR).update(equity_financing=0)  # the other way (20% financed) closed
    # 9 inside, 1 invested (no year recorded): 1/9 = 11% ≥ 10%, as before the year was kept
    assert _check(world) == (1, "pass")
    _invested(world, invested_year=YEAR)
    assert _check(world) == (1, "pass")
    _invested(world, invested_year=YEAR - 1)  # invested the year before: not this year's
    assert _check(world) == (0, "fail")
    # another enterprise invested in this year: 1 of 9 again
    link = world.a.incubated.filter(invested=False, graduated_year__isnull=True).order_by("pk").first()
    link.invested, link.invested_year = True, YEAR
    link.save()
    assert _check(world) == (1, "pass")


def test_a_year_before_entry_or_without_the_investment_is_refused(world):
    link = IncubatedEnterprise.objects.filter(carrier=world.a, invested=True).get()
    link.invested_year = 2021  # entered 2022
    with pytest.raises(ValidationError, match="股权投资年度不能早于入驻年度（2022）"):
        link.full_clean()
    link.invested, link.invested_year = False, YEAR
    with pytest.raises(ValidationError, match="填写股权投资年度须同时勾选「载体股权投资」"):
        link.full_clean()


def test_the_administration_edits_the_year(world, login):
    page = login("admin").get(f"/admin/carriers/carrier/{world.a.pk}/change/").content.decode()
    assert 'name="incubated-0-invested_year"' in page and "股权投资年度" in page
