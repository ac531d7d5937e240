"""Organisations, users, roles and API tokens.

Organisation units form a tree: 东莞市 → 市直部门 and 镇街（园区） → enterprises, universities, banks.
A user belongs to one organisation unit and has one role; what that lets them see is decided in
kechuang.access, nowhere else.
"""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    CITY = "city", _("市")
    DEPARTMENT = "department", _("市直部门")
    SUBDISTRICT = "subdistrict", _("街道")
    TOWN = "town", _("镇")
    AREA = "area", _("功能区（园区）")
    ENTERPRISE = "enterprise", _("企业")
    UNIVERSITY = "university", _("高校院所")
    BANK = "bank", _("金融机构")


REGION_KINDS = {OrgKind.CITY, OrgKind.SUBDISTRICT, OrgKind.TOWN, OrgKind.AREA}


class OrgUnit(models.Model):
    audited = True
    code = models.CharField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    short_name = models.CharField(_("简称"), max_length=60, blank=True)
    kind = models.CharField(_("类型"), max_length=20, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # The town or area a unit sits in (for enterprises, universities, banks); a region is its own region.
    region_code = models.CharField(_("所属镇街代码"), max_length=12, blank=True, db_index=True)
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True, db_index=True)

    class Meta:
        verbose_name = _("机构")
        verbose_name_plural = _("机构")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_region(self) -> bool:
        return self.kind in REGION_KINDS


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("市级管理员")
    BUREAU_STAFF = "bureau_staff", _("科技局业务人员")
    DEPT_REPORTER = "dept_reporter", _("部门填报员")
    TOWN_ADMIN = "town_admin", _("镇街管理员")
    ENTERPRISE_USER = "enterprise_user", _("企业用户")
    BANK_USER = "bank_user", _("金融机构用户")
    UNIVERSITY_USER = "university_user", _("高校院所用户")
    LEADER = "leader", _("领导（只读）")


class User(AbstractUser):
    audited = True
    org = models.ForeignKey(
        OrgUnit,
        verbose_name=_("所属机构"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.LEADER)
    display_name = models.CharField(_("姓名"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username


class ApiToken(models.Model):
    """A token for scripts: only its SHA-256 is stored; the plain token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=60)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str) -> tuple[ApiToken, str]:
        plain = "kc_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, digest=cls.hash(plain), prefix=plain[3:9])
        return token, plain


class LoginFailure(models.Model):
    """One failed login of an account from a client address; see kechuang.accounts.throttle."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} @ {self.address}"
