"""Log in, log out, the user's own page with API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kechuang import access
from kechuang.accounts.forms import ThrottledLoginForm, TokenForm
from kechuang.accounts.models import ApiToken


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledLoginForm
    redirect_authenticated_user = True


@login_required
def profile(request):
    tokens = access.visible(request.user, "api_token", ApiToken.objects.all()).order_by("-created")
    new_token = None
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        _token, new_token = ApiToken.issue(
            request.user,
            form.cleaned_data["name"],
            expires=form.expires(),
            read_only=form.cleaned_data["read_only"],
            allowed_ips=form.cleaned_data["allowed_ips"],
        )
        messages.success(request, _("令牌已生成：它只显示这一次，请立即复制保存。"))
        form = TokenForm()
    context = {"tokens": tokens, "form": form, "new_token": new_token, "now": timezone.now()}
    return render(request, "accounts/profile.html", context)


@login_required
@require_POST
def revoke_token(request, pk: int):
    token = get_object_or_404(access.changeable(request.user, "api_token", ApiToken.objects.all()), pk=pk)
    token.delete()  # audited as 作废令牌 (kechuang.accounts.signals)
    messages.success(request, _("令牌已作废。"))
    return redirect("accounts:profile")
