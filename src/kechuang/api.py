"""The typed REST API (django-ninja): OpenAPI at /api/openapi.json, interactive docs at /api/docs.

Authentication: a token for scripts (``Authorization: Bearer kc_…`` or ``X-API-Token``), tried first,
or the browser's session (with CSRF). Tokens are as NetBox's: an optional expiry, a read-only flag
(GET/HEAD/OPTIONS only) and an optional allow-list of client addresses. Every endpoint asks
kechuang.access for the user's scope.

Errors: every 4xx answer has one shape, ``ErrorOut`` — ``{"detail": "…", "errors": [...]}``, where
``errors`` lists the fields at fault (``location``, ``field``, ``message``) for a 422 and is empty
otherwise; it is documented on every operation in the OpenAPI document (an operation that declares
its own 400 body, such as the observation upload's row report, keeps it; its other 400s — a body that
is not JSON — carry an empty ``errors`` list and so match it too).
"""

from __future__ import annotations

import logging

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from ninja import Field, NinjaAPI, Schema
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import APIKeyHeader, HttpBearer, django_auth

from kechuang import access
from kechuang.accounts import throttle
from kechuang.accounts.models import ApiToken

logger = logging.getLogger(__name__)
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


# ---------------------------------------------------------------- the one error schema


class FieldErrorOut(Schema):
    location: str = Field(description="出错的位置：query / path / body / header / cookie")
    field: str = Field(description="出错的字段，如 year、rows.0.value；整体出错时为空")
    message: str


class ErrorOut(Schema):
    detail: str = Field(description="错误说明")
    errors: list[FieldErrorOut] = Field(
        default_factory=list, description="出错的字段（422 时列出，其他错误为空列表）"
    )


ERROR_DESCRIPTIONS = {
    "400": "请求体无法解析",
    "401": "未登录，或令牌无效、已过期、不允许从此地址使用",
    "403": "无权访问，或只读令牌用于写入",
    "404": "未找到，或不在您的权限范围内",
    "422": "参数不符合要求（errors 列出每个出错的字段）",
}


def error_body(detail: str, errors: list[dict] | None = None) -> dict:
    return {"detail": detail, "errors": errors or []}


def _field_message(error: dict) -> str:
    """A pydantic error in Chinese (the common kinds); others keep pydantic's English text."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind in ("greater_than_equal", "greater_than"):
        return _("应不小于 %(limit)s") % {"limit": ctx.get("ge", ctx.get("gt"))}
    if kind in ("less_than_equal", "less_than"):
        return _("应不大于 %(limit)s") % {"limit": ctx.get("le", ctx.get("lt"))}
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return _("应为整数")
    if kind in ("float_parsing", "float_type"):
        return _("应为数字")
    if kind == "finite_number":
        return _("应为有限的数值")
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"])
    if kind == "missing":
        return _("必须填写")
    if kind in ("string_too_long", "too_long"):
        return _("过长")
    if kind in ("string_too_short", "too_short"):
        return _("过短")
    return str(error.get("msg", ""))


def _field_errors(errors: list[dict]) -> list[dict]:
    out = []
    for error in errors:
        loc = [str(p) for p in error.get("loc", ())]
        location = loc[0] if loc else ""
        # A body's location names the view's parameter first (body → payload → field): drop it.
        rest = loc[2:] if location == "body" and len(loc) > 2 else loc[1:]
        out.append({"location": location, "field": ".".join(rest), "message": _field_message(error)})
    return out


# ---------------------------------------------------------------- tokens


def _user_for_token(request, token: str | None):
    """The token's user, or None (unknown token: the next authentication method is tried).

    An expired token, or one used from an address outside its allow-list, is a 401 at once; a
    read-only token used to write is a 403."""
    if not token:
        return None
    row = ApiToken.objects.select_related("user", "user__org").filter(digest=ApiToken.hash(token)).first()
    if row is None or not row.user.is_active:
        return None
    if row.is_expired():
        raise AuthenticationError(401, _("令牌已过期"))
    if not row.allows_address(throttle.client_address(request)):
        raise AuthenticationError(401, _("此令牌不允许从您的地址使用"))
    if row.read_only and request.method.upper() not in SAFE_METHODS:
        raise AuthorizationError(403, _("只读令牌不能用于写入"))
    ApiToken.objects.filter(pk=row.pk).update(last_used=timezone.now())
    request.user = row.user
    request.api_token = row
    return row.user


class BearerToken(HttpBearer):
    def authenticate(self, request, token):
        return _user_for_token(request, token)


class HeaderToken(APIKeyHeader):
    param_name = "X-API-Token"

    def authenticate(self, request, key):
        return _user_for_token(request, key)


class OneValueParser(Parser):
    """A parameter declared as one value, given twice (``?page=1&page=2``), is refused (422) instead of
    silently taking the last: the request does not say what the caller meant."""

    def parse_querydict(self, data, list_fields, request):
        repeated = [k for k in data if k not in list_fields and len(data.getlist(k)) > 1]
        if repeated:
            location = "query" if data is request.GET else "form"
            message = _("只能给一个值")
            raise ValidationError(
                [{"type": "one_value", "loc": (location, k), "msg": message} for k in repeated]
            )
        return super().parse_querydict(data, list_fields, request)


class KechuangAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document names the error schema on every operation."""

    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        return document_errors(schema)


def document_errors(schema):
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    model = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    components.update(model.pop("$defs", {}))
    components["ErrorOut"] = model
    ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
    for item in schema.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            responses = operation["responses"]
            declared = {str(code) for code in responses}  # django-ninja keys them by int
            for code, description in ERROR_DESCRIPTIONS.items():
                if code in declared or (code == "400" and "requestBody" not in operation):
                    continue
                responses[int(code)] = {"description": description, **ref}
    return schema


api = KechuangAPI(
    title="科创 kechuang API",
    version="1",
    description="东莞市科技创新规划实施平台的接口。每个接口都按用户的权限范围返回数据。"
    "错误均以 {detail, errors} 返回。",
    # Tokens first: a script's write carries no session or CSRF cookie, and the session check (tried
    # first) would refuse it with "CSRF check Failed" before the token were looked at.
    auth=[BearerToken(), HeaderToken(), django_auth],
    urls_namespace="api",
    docs_url="/docs",
    parser=OneValueParser(),
)

# django-ninja's own English messages, in Chinese.
_NINJA_MESSAGES = {
    "Cannot parse request body": gettext_noop("请求体不是有效的 JSON"),
    "Unauthorized": gettext_noop("未登录或令牌无效"),
    "Forbidden": gettext_noop("无权访问"),
    "CSRF check Failed": gettext_noop("CSRF 校验失败：请刷新页面后重试，脚本请使用令牌"),
    "Method not allowed": gettext_noop("不支持此请求方法"),
}


def _translated(message: str) -> str:
    for english, chinese in _NINJA_MESSAGES.items():
        if message.startswith(english):
            return _(chinese)
    return message


@api.exception_handler(access.AccessDenied)
def _denied(request, exc):
    return api.create_response(request, error_body(str(exc) or _("无权访问")), status=403)


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return api.create_response(request, error_body(_translated(str(exc))), status=exc.status_code)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, error_body(_("未找到，或不在您的权限范围内")), status=404)


@api.exception_handler(ValidationError)
def _invalid(request, exc):
    errors = _field_errors(exc.errors)
    fields = "、".join(e["field"] or e["location"] for e in errors[:5])
    detail = _("参数不符合要求：%(fields)s") % {"fields": fields} if fields else _("参数不符合要求")
    return api.create_response(request, error_body(detail, errors), status=422)


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
    from kechuang.carriers.api import router as carriers_router
    from kechuang.enterprises.api import router as enterprises_router
    from kechuang.finance.api import router as finance_router
    from kechuang.plans.api import router as plans_router
    from kechuang.points.api import router as points_router
    from kechuang.projects import api as projects_api
    from kechuang.projects.api import router as projects_router
    from kechuang.transfer.api import router as transfer_router

    api.add_router("/plans", plans_router)
    api.add_router("/enterprises", enterprises_router)
    api.add_router("/finance", finance_router)
    api.add_router("/carriers", carriers_router)
    api.add_router("/transfer", transfer_router)
    api.add_router("/points", points_router)
    api.add_router("/projects", projects_router)
    for module in (projects_api,):
        for refusal in module.REFUSALS:
            api.add_exception_handler(refusal, _refused)


def _refused(request, exc):
    """A module's refusal (its service's own exception, listed in the module's ``REFUSALS``): a 400
    with the service's Chinese message, as a form shows it. Nothing was written (the services
    refuse before writing, or inside the transaction the request's write runs in)."""
    return api.create_response(request, error_body(str(exc)), status=400)


_add_routers()
