from django.contrib import admin
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog

from kechuang import access
from kechuang.accounts.language import set_language
from kechuang.accounts.views import LoginView
from kechuang.api import api
from kechuang.web import health
from kechuang.web import views as web_views


def _admin_permission(request) -> bool:
    return request.user.is_active and access.can_view(request.user, "admin_site")


admin.site.has_permission = _admin_permission
admin.site.site_header = "科创 · 系统管理"
admin.site.site_title = "科创"

urlpatterns = [
    path("", web_views.home, name="home"),
    path("healthz", web_views.healthz, name="healthz"),
    path("health/live", health.live, name="health_live"),
    path("health/ready", health.ready, name="health_ready"),
    path("login/", LoginView.as_view(), name="login"),
    path("accounts/", include("kechuang.accounts.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("audit/", include("kechuang.audit.urls")),
    path("plans/", include("kechuang.plans.urls")),
    path("enterprises/", include("kechuang.enterprises.urls")),
    path("finance/", include("kechuang.finance.urls")),
    path("points/", include("kechuang.points.urls")),
    path("projects/", include("kechuang.projects.urls")),
    path("jobs/", include("kechuang.jobs.urls")),
    path("portal/", include("kechuang.portal.urls")),
    path("carriers/", include("kechuang.carriers.urls")),
    path("transfer/", include("kechuang.transfer.urls")),
    path("web/", include("kechuang.web.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]
