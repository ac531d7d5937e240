"""Finance fixtures: the sample products loaded, consents in every state, applications to both banks.

- the persona enterprise (OWN) consents to bank_icbc_dg (the `bank` persona) for 企业名称 and 营业收入;
- OTHER_BANK consents only to bank_dgrcb;
- REVOKED consented to bank_icbc_dg and revoked; EXPIRED consented to bank_icbc_dg until yesterday;
- each of them has an application to the bank it consented to.
A second bank officer (`bank2` at bank_dgrcb) sees OTHER_BANK only.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from tests.enterprises import conftest as enterprise_fixtures

population = enterprise_fixtures.population


@dataclass
class FinanceWorld:
    own: str
    other_bank: str
    revoked: str
    expired: str
    never: str  # consented to nobody
    hidden_names: list[str]  # names the icbc bank must never see


@pytest.fixture
def finance(population, personas, db):
    from django.utils import timezone

    from kechuang.accounts.models import OrgKind, OrgUnit, User
    from kechuang.enterprises.models import Enterprise
    from kechuang.finance.demo import GUARANTOR
    from kechuang.finance.models import Application, Consent
    from kechuang.finance.services import products as products_service
    from kechuang.finance.services.scores import clear_cache, scored

    clear_cache()
    code, name, short = GUARANTOR
    OrgUnit.objects.get_or_create(
        code=code, defaults={"name": name, "short_name": short, "kind": OrgKind.BANK}
    )
    products_service.load_directory(loaded_by="test")
    icbc, dgrcb = OrgUnit.objects.get(code="bank_icbc_dg"), OrgUnit.objects.get(code="bank_dgrcb")
    bank2 = User(username="bank2", role="bank_user", org=dgrcb, display_name="bank2")
    bank2.set_password("pw-bank2")
    bank2.save()
    personas["bank2"] = bank2
    others = population.others
    world = FinanceWorld(population.own, others[0], others[1], others[2], others[3], [])
    today = timezone.localdate()
    year = scored(2024).year
    offers = {o.content.code: o for o in products_service.offers()}
    setups = [
        (world.own, icbc, today + dt.timedelta(days=30), False, "kelian_dai"),
        (world.other_bank, dgrcb, today + dt.timedelta(days=30), False, "kebao_dai"),
        (world.revoked, icbc, today + dt.timedelta(days=30), True, "kelian_dai"),
        (world.expired, icbc, today - dt.timedelta(days=1), False, "toulian_dai"),
    ]
    for credit_code, bank, until, revoked, product in setups:
        enterprise = Enterprise.objects.get(credit_code=credit_code)
        Consent.objects.create(
            enterprise=enterprise,
            bank=bank,
            fields=["name", "revenue"],
            valid_until=until,
            revoked_at=timezone.now() if revoked else None,
        )
        offer = offers[product]
        Application.objects.create(
            enterprise=enterprise,
            product=offer.product,
            product_version=offer.version,
            bank=bank,
            year=year,
            points=100.0,
            line=50.0,
        )
    world.hidden_names = list(
        Enterprise.objects.filter(
            credit_code__in=[world.other_bank, world.revoked, world.expired, world.never]
        ).values_list("name", flat=True)
    )
    return world
