from __future__ import annotations

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
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
            raise forms.ValidationError(self.error_messages["locked"], code="locked")
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            if username and self.get_user() is None:
                throttle.note_failure(username, address)
            raise
        if username:
            throttle.clear(username, address)
        return cleaned


class ThrottledLoginForm(ThrottledLoginMixin, AuthenticationForm):
    error_messages = {**AuthenticationForm.error_messages, **THROTTLE_MESSAGES}


class ThrottledAdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The Django admin's login form with the same throttle (set as admin.site.login_form)."""

    error_messages = {**AdminAuthenticationForm.error_messages, "locked": THROTTLE_MESSAGES["locked"]}


class TokenForm(forms.Form):
    name = forms.CharField(label=_("用途"), max_length=60)
