"""Enterprise pages: each views_* module contributes its own urlpatterns."""

from kechuang.enterprises import views_ladder, views_pools, views_registry, views_selfcheck, views_upload

app_name = "enterprises"
urlpatterns = (
    views_ladder.urlpatterns
    + views_registry.urlpatterns
    + views_upload.urlpatterns
    + views_selfcheck.urlpatterns
    + views_pools.urlpatterns
)
