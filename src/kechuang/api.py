"""The typed REST API (django-ninja): OpenAPI at /api/openapi.json, interactive docs at /api/docs.

Authentication: the browser's session (with CSRF) or a token for scripts
(``Authorization: Bearer kc_…``). Every endpoint asks kechuang.access for the user's scope.
"""

from __future__ import annotations

from django.utils import timezone
from ninja import NinjaAPI, Schema
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from kechuang import access
from kechuang.accounts.models import ApiToken


def _user_for_token(token: str):
    row = ApiToken.objects.select_related("user", "user__org").filter(digest=ApiToken.hash(token)).first()
    if row is None or not row.user.is_active:
        return None
    ApiToken.objects.filter(pk=row.pk).update(last_used=timezone.now())
    return row.user


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        user = _user_for_token(token)
        if user is not None:
            request.user = user
        return user


class HeaderToken(APIKeyHeader):
    param_name = "X-API-Token"

    def authenticate(self, request, key):
        user = _user_for_token(key or "")
        if user is not None:
            request.user = user
        return user


api = NinjaAPI(
    title="科创 kechuang API",
    version="1",
    description="东莞市科技创新规划实施平台的接口。每个接口都按用户的权限范围返回数据。",
    # Tokens first: a script's write carries no session or CSRF cookie, and the session check (tried
    # first) would refuse it with "CSRF check Failed" before the token were looked at.
    auth=[BearerToken(), HeaderToken(), django_auth],
    urls_namespace="api",
    docs_url="/docs",
)


@api.exception_handler(access.AccessDenied)
def _denied(request, exc):
    return api.create_response(request, {"detail": str(exc) or "无权访问"}, status=403)


class MeOut(Schema):
    username: str
    display_name: str
    role: str
    role_label: str
    org_code: str | None
    org_name: str | None
    menu: list[str]


@api.get("/me", response=MeOut, tags=["账户"], summary="当前用户、机构、角色和可用模块")
def me(request):
    user = request.user
    return {
        "username": user.username,
        "display_name": user.display_name,
        "role": user.role,
        "role_label": user.get_role_display(),
        "org_code": user.org.code if user.org_id else None,
        "org_name": user.org.name if user.org_id else None,
        "menu": [e["key"] for e in access.menu(user)],
    }


def _add_routers() -> None:
    from kechuang.enterprises.api import router as enterprises_router
    from kechuang.plans.api import router as plans_router

    api.add_router("/plans", plans_router)
    api.add_router("/enterprises", enterprises_router)


_add_routers()
