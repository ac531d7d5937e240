from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kechuang.accounts import throttle

THROTTLE_MESSAGES = {
    "invalid_login": _("用户名或密码不正确。"),
    "locked": _("登录失败次数过多，请 15 分钟后再试。"),
}


class ThrottledLoginMixin:
    """The one login throttle (kechuang.accounts.throttle), for every form that logs a person in.

    A locked (account, address) is refused before the password is checked; a failed password is
    counted; a right password that the form refuses for another reason (inactive, not staff) is not."""

    def clean(self):
        username = self.cleaned_data.get("username") or ""
        address = throttle.client_address(self.request)
        if username and throttle.is_locked(username, address):
            from kechuang.accounts.signals import record_login_failure

            record_login_failure(username, self.request, "locked")
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username and self.get_user() is None:
                throttle.note_failure(username, address)
            elif username:  # the right password, refused for another reason (inactive, not staff)
                from kechuang.accounts.signals import record_login_failure

                record_login_failure(username, self.request, "not_allowed")
            raise
        if username:
            throttle.clear(username, address)
        return cleaned


class ThrottledLoginForm(ThrottledLoginMixin, AuthenticationForm):
    error_messages = {**AuthenticationForm.error_messages, **THROTTLE_MESSAGES}


class ThrottledAdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The Django admin's login form with the same throttle (set as admin.site.login_form)."""

    error_messages = {**AdminAuthenticationForm.error_messages, "locked": THROTTLE_MESSAGES["locked"]}


EXPIRY_CHOICES = (
    ("30", _("30 天")),
    ("90", _("90 天")),
    ("365", _("1 年")),
    ("0", _("永不过期")),
)
MAX_ALLOWED_NETWORKS = 20


class TokenForm(forms.Form):
    """A new API token: what it is for, how long it lives, read-only or not, where it may be used from."""

    name = forms.CharField(label=_("用途"), max_length=60)
    expires_in = forms.ChoiceField(label=_("有效期"), choices=EXPIRY_CHOICES, initial="90")
    read_only = forms.BooleanField(label=_("只读（只能查询，不能写入）"), required=False)
    allowed_ips = forms.CharField(
        label=_("允许的来源地址"),
        required=False,
        max_length=2000,
        help_text=_("IP 地址或网段，以逗号或换行分隔，如 10.1.0.0/16；留空表示不限"),
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_allowed_ips(self) -> list[str]:
        items = [a.strip() for a in self.cleaned_data["allowed_ips"].replace(",", "\n").split() if a.strip()]
        if len(items) > MAX_ALLOWED_NETWORKS:
            raise forms.ValidationError(_("最多填写 %(n)d 个地址或网段") % {"n": MAX_ALLOWED_NETWORKS})
        networks = []
        for item in items:
            try:
                networks.append(str(ipaddress.ip_network(item, strict=False)))
            except ValueError:
                raise forms.ValidationError(
                    _("不是有效的 IP 地址或网段：%(value)s") % {"value": item[:50]}
                ) from None
        return networks

    def expires(self) -> datetime | None:
        days = int(self.cleaned_data["expires_in"])
        return timezone.now() + timedelta(days=days) if days else None
