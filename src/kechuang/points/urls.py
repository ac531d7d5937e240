"""创新积分 pages (the 创新积分 menu entry is points:home)."""

from django.urls import path

from kechuang.points.views import pages
from kechuang.points.views.ranking import Ranking

app_name = "points"
urlpatterns = [
    path("", pages.home, name="home"),
    path("run/", pages.run, name="run"),
    path("model/", pages.model, name="model"),
    path("model/versions/<int:pk>/", pages.version, name="version"),
    path("ranking/", Ranking.as_view(), name="ranking"),
    path("ranking/export/", Ranking.as_view(export=True), name="ranking_export"),
    path("enterprise/<str:credit_code>/", pages.enterprise, name="enterprise"),
]
