"""Organisation tree and demo accounts: loaded from the reference data shipped in kechuang/data."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from importlib import resources

from django.db import transaction

from kechuang.accounts.models import OrgKind, OrgUnit, Role, User
from kechuang.regions import CITY_CODE, town_rows


def department_rows() -> list[dict[str, str]]:
    text = resources.files("kechuang.data").joinpath("dongguan-departments.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(text.splitlines()))


# Sample institutions for the demo (banks and universities are real names; their accounts are demo ones).
SAMPLE_INSTITUTIONS = (
    ("bank_icbc_dg", "中国工商银行东莞分行", "工行东莞分行", OrgKind.BANK, "441900003"),
    ("bank_dgrcb", "东莞农村商业银行", "东莞农商银行", OrgKind.BANK, "441900003"),
    ("univ_dgut", "东莞理工学院", "东莞理工学院", OrgKind.UNIVERSITY, "441900401"),
    ("univ_gbu", "大湾区大学", "大湾区大学", OrgKind.UNIVERSITY, "441900401"),
)


@transaction.atomic
def load_org_tree() -> int:
    """Create or update the city, its departments and regions; returns how many units were created."""
    created = 0
    city, made = OrgUnit.objects.update_or_create(
        code=CITY_CODE,
        defaults={"name": "东莞市", "short_name": "东莞市", "kind": OrgKind.CITY, "region_code": CITY_CODE},
    )
    created += made
    for row in town_rows():
        if row["code"] == CITY_CODE:
            continue
        _, made = OrgUnit.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "short_name": row["name"],
                "kind": row["kind"],
                "parent": city,
                "region_code": row["code"],
            },
        )
        created += made
    for row in department_rows():
        _, made = OrgUnit.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "short_name": row["short_name"],
                "kind": OrgKind.DEPARTMENT,
                "parent": city,
                "region_code": CITY_CODE,
            },
        )
        created += made
    for code, name, short, kind, region in SAMPLE_INSTITUTIONS:
        _, made = OrgUnit.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "short_name": short,
                "kind": kind,
                "region_code": region,
                "parent": OrgUnit.objects.get(code=region),
            },
        )
        created += made
    return created


DEMO_PASSWORD = "kechuang-demo-2026"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    display_name: str
    role: str
    org_code: str


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("admin", "系统管理员", Role.CITY_ADMIN, CITY_CODE),
    DemoAccount("kjj", "科技局 王科员", Role.BUREAU_STAFF, "kjj"),
    DemoAccount("tjj", "统计局 李填报", Role.DEPT_REPORTER, "tjj"),
    DemoAccount("scjgj", "市场监管局 陈填报", Role.DEPT_REPORTER, "scjgj"),
    DemoAccount("songshanhu", "松山湖 张主任", Role.TOWN_ADMIN, "441900401"),
    DemoAccount("humen", "虎门镇 刘主任", Role.TOWN_ADMIN, "441900121"),
    DemoAccount("bank", "工行东莞分行 周经理", Role.BANK_USER, "bank_icbc_dg"),
    DemoAccount("dgut", "东莞理工学院 技术转移中心", Role.UNIVERSITY_USER, "univ_dgut"),
    DemoAccount("leader", "市领导（只读）", Role.LEADER, CITY_CODE),
)


def ensure_demo_accounts(
    enterprise_org: OrgUnit | None = None,
    password: str = DEMO_PASSWORD,
    extra: tuple[DemoAccount, ...] = (),
) -> list[tuple]:
    """Create missing demo accounts (existing ones are left as they are). Returns (user name, role, org).
    ``extra``: the topic modules' accounts (kechuang.demo.MODULE_DEMOS)."""
    accounts = list(DEMO_ACCOUNTS) + list(extra)
    if enterprise_org is not None:
        accounts.append(
            DemoAccount(
                "enterprise",
                f"{enterprise_org.short_name or enterprise_org.name}",
                Role.ENTERPRISE_USER,
                enterprise_org.code,
            )
        )
    out = []
    for acc in accounts:
        org = OrgUnit.objects.get(code=acc.org_code)
        user = User.objects.filter(username=acc.username).first()
        if user is None:
            user = User(username=acc.username, display_name=acc.display_name, role=acc.role, org=org)
            user.is_staff = user.is_superuser = acc.role == Role.CITY_ADMIN
            user.set_password(password)
            user.save()
        out.append((user.username, user.get_role_display(), org.name))
    return out
