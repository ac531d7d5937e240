"""The registry behind the computed figures is kept by the city's administrator: a carrier's page in
the administration lists its incubated enterprises (linked to the enterprise registry) and a
「一院一策」 target's page its yearly values; a graduation before entry is refused."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kechuang.carriers.models import IncubatedEnterprise, InstitutionTarget

pytestmark = pytest.mark.django_db


def test_the_administrator_keeps_incubated_enterprises_and_target_values(world, login):
    c = login("admin")
    page = c.get(f"/admin/carriers/carrier/{world.a.pk}/change/").content.decode()
    assert "在孵企业" in page and world.enterprises[0].name in page
    target = InstitutionTarget.objects.get(code="T1")
    page = c.get(f"/admin/carriers/institutiontarget/{target.pk}/change/").content.decode()
    assert "目标完成值" in page
    for v in target.values.all():
        assert f'value="{v.year}"' in page


def test_a_graduation_before_entry_is_refused(world):
    link = IncubatedEnterprise.objects.filter(carrier=world.a).first()
    link.graduated_year = link.entered_year - 1
    with pytest.raises(ValidationError, match="毕业年度不能早于入驻年度"):
        link.full_clean()
