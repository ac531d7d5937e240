"""Organisations, users, roles and API tokens.

Organisation units form a tree: 东莞市 → 市直部门 and 镇街（园区） → enterprises, universities, banks.
A user belongs to one organisation unit and has one role; what that lets them see is decided in
kechuang.access, nowhere else.
"""

from __future__ import annotations

import hashlib
import ipaddress
import secrets
from collections.abc import Iterable
from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
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
    CARRIER = "carrier", _("创新载体")


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

    @property
    def name_en(self) -> str:
        """The English name of a department, town or the city (reference CSVs); '' for others,
        whose names are proper names shown as they are."""
        return self._english(full=True)

    @property
    def short_name_en(self) -> str:
        return self._english(full=False)

    def _english(self, full: bool) -> str:
        if self.kind == OrgKind.DEPARTMENT:
            from kechuang.accounts.departments import english_names

            return english_names(full=full).get(self.code, "")
        if self.kind in REGION_KINDS:
            from kechuang.regions import town_rows

            return next((r.get("name_en", "") for r in town_rows() if r["code"] == self.region_code), "")
        return ""


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("市级管理员")
    BUREAU_STAFF = "bureau_staff", _("科技局业务人员")
    DEPT_REPORTER = "dept_reporter", _("部门填报员")
    TOWN_ADMIN = "town_admin", _("镇街管理员")
    ENTERPRISE_USER = "enterprise_user", _("企业用户")
    BANK_USER = "bank_user", _("金融机构用户")
    UNIVERSITY_USER = "university_user", _("高校院所用户")
    LEADER = "leader", _("领导（只读）")
    TECH_MANAGER = "tech_manager", _("技术经理人")
    EXPERT = "expert", _("评审专家")
    CARRIER_OPERATOR = "carrier_operator", _("载体运营方")
    INDIVIDUAL = "individual", _("个人申报者")


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
    # The interface language the user chose (zh-hans / en); blank: cookie or browser (accounts.language)
    language = models.CharField(_("界面语言"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username


class ApiToken(models.Model):
    """A token for scripts: only its SHA-256 is stored; the plain token is shown once.

    As NetBox's tokens: an optional expiry, a read-only flag (GET, HEAD and OPTIONS only) and an
    optional list of client addresses or networks it may be used from (empty: any address)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("用途"), max_length=60)
    digest = models.CharField(max_length=64, unique=True)
    prefix = models.CharField(max_length=8)
    created = models.DateTimeField(auto_now_add=True)
    last_used = models.DateTimeField(null=True, blank=True)
    expires = models.DateTimeField(_("有效期至"), null=True, blank=True)
    read_only = models.BooleanField(_("只读"), default=False)
    allowed_ips = models.JSONField(_("允许的来源地址"), default=list, blank=True)

    class Meta:
        verbose_name = _("API 令牌")
        verbose_name_plural = _("API 令牌")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(
        cls,
        user: User,
        name: str,
        *,
        expires: datetime | None = None,
        read_only: bool = False,
        allowed_ips: Iterable[str] = (),
    ) -> tuple[ApiToken, str]:
        """A new token (audited as 令牌签发); returns the row and the plain token, shown only once."""
        from kechuang.audit.models import Action
        from kechuang.audit.signals import record

        networks = [str(ipaddress.ip_network(a.strip(), strict=False)) for a in allowed_ips if a.strip()]
        plain = "kc_" + secrets.token_urlsafe(32)
        token = cls.objects.create(
            user=user,
            name=name,
            digest=cls.hash(plain),
            prefix=plain[3:9],
            expires=expires,
            read_only=read_only,
            allowed_ips=networks,
        )
        record(Action.TOKEN_ISSUE, token, after=token.audit_facts())
        return token, plain

    def audit_facts(self) -> dict:
        owner = User.objects.filter(pk=self.user_id).values_list("username", flat=True).first()
        return {
            "user": owner or str(self.user_id),
            "name": self.name,
            "prefix": self.prefix,
            "expires": self.expires.isoformat() if self.expires else None,
            "read_only": self.read_only,
            "allowed_ips": list(self.allowed_ips or []),
        }

    def is_expired(self, now: datetime | None = None) -> bool:
        return self.expires is not None and (now or timezone.now()) >= self.expires

    def allows_address(self, address: str) -> bool:
        """Whether the token may be used from this client address (always, without an allow-list)."""
        if not self.allowed_ips:
            return True
        try:
            client = ipaddress.ip_address(address)
        except ValueError:
            return False
        for network in self.allowed_ips:
            try:
                if client in ipaddress.ip_network(network, strict=False):
                    return True
            except ValueError:
                continue
        return False


class LoginFailure(models.Model):
    """One failed login of an account from a client address; see kechuang.accounts.throttle."""

    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} @ {self.address}"
