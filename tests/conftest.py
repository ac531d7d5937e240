"""Shared fixtures: the personas every permission test uses.

A bureau officer, a department reporter, town officers of 松山湖 and 虎门, an enterprise, a bank
officer, a university officer, a leader, a city administrator, a carrier operator (its organisation
operates no carrier of the shared fixtures), an individual talent applicant, and the outsider (not
logged in).
Django is imported lazily so that pure engine tests also run without pytest-django.
"""

from __future__ import annotations

import pytest

from tests.personas import ENTERPRISE_CREDIT_CODE, PERSONAS


@pytest.fixture(autouse=True)
def _fast_passwords(request):
    if request.config.pluginmanager.hasplugin("django") and "db" in request.fixturenames:
        settings = request.getfixturevalue("settings")
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield


@pytest.fixture(autouse=True)
def _default_language(request):
    """Each test starts in the default language: a page read in English leaves English active in the
    worker's thread (LocaleMiddleware, the user's saved language), which would turn the next test's
    service messages into English — seen with xdist, where any test may follow an English one."""
    if not request.config.pluginmanager.hasplugin("django"):
        yield
        return
    from django.utils import translation

    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _fresh_pool_cache(request):
    """The pools' engine pass is cached by a data version made of row counts and highest ids; each test
    rolls its rows back, so the next test's identical ids would find the last test's frame."""
    if "db" in request.fixturenames or "transactional_db" in request.fixturenames:
        from kechuang.enterprises import page_cache, pools

        pools.clear_cache()
        page_cache.clear()
    yield


@pytest.fixture
def org_tree(db):
    from kechuang.accounts.models import OrgKind, OrgUnit
    from kechuang.accounts.services import load_org_tree

    load_org_tree()
    OrgUnit.objects.get_or_create(
        code="ent_demo",
        defaults={
            "name": "东莞示例科技有限公司",
            "kind": OrgKind.ENTERPRISE,
            "region_code": "441900401",
            "credit_code": ENTERPRISE_CREDIT_CODE,
            "parent": OrgUnit.objects.get(code="441900401"),
        },
    )
    OrgUnit.objects.get_or_create(
        code="car_persona",
        defaults={
            "name": "松山湖示例孵化器运营方",
            "kind": OrgKind.CARRIER,
            "region_code": "441900401",
            "parent": OrgUnit.objects.get(code="441900401"),
        },
    )
    return OrgUnit.objects


@pytest.fixture
def personas(org_tree):
    """name → User, one per persona (password 'pw-' + name)."""
    from kechuang.accounts.models import OrgUnit, User

    users = {}
    for name, (role, org_code) in PERSONAS.items():
        user = User(username=name, role=role, org=OrgUnit.objects.get(code=org_code), display_name=name)
        user.is_staff = user.is_superuser = role == "city_admin"
        user.set_password("pw-" + name)
        user.save()
        users[name] = user
    return users


@pytest.fixture
def client_for(personas):
    """client_for('bureau') → a Django test client logged in as that persona; 'outsider' → anonymous."""
    from django.test import Client

    def make(name: str) -> Client:
        client = Client()
        if name != "outsider":
            client.force_login(personas[name])
        return client

    return make
