"""Log in, log out, the user's own page with API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
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
        _, new_token = ApiToken.issue(request.user, form.cleaned_data["name"])
        messages.success(request, "令牌已生成：它只显示这一次，请立即复制保存。")
        form = TokenForm()
    return render(request, "accounts/profile.html", {"tokens": tokens, "form": form, "new_token": new_token})


@login_required
@require_POST
def revoke_token(request, pk: int):
    token = get_object_or_404(access.changeable(request.user, "api_token", ApiToken.objects.all()), pk=pk)
    token.delete()
    messages.success(request, "令牌已作废。")
    return redirect("accounts:profile")
