from django.urls import path

from kechuang.portal import views
from kechuang.transfer.views.public import achievements, scenarios

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("indicators/<str:code>/", views.indicator, name="indicator"),
    path("indicators/<str:code>.csv", views.indicator_csv, name="indicator_csv"),
    path("indicators/<str:code>.json", views.indicator_json, name="indicator_json"),
    path("search/", views.search, name="search"),
    path("map/", views.tile_map, name="map"),
    path("scenarios/", scenarios, name="scenarios"),  # 应用场景清单 (kechuang.transfer)
    path("achievements/", achievements, name="achievements"),  # 可转化的科技成果 (kechuang.transfer)
    path("manage/", views.manage, name="manage"),
]
