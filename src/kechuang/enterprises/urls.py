"""Enterprise pages: each module of enterprises.views contributes its own urlpatterns."""

from kechuang.enterprises.views import ladder, pools, registry, selfcheck, upload

app_name = "enterprises"
urlpatterns = (
    ladder.urlpatterns + registry.urlpatterns + upload.urlpatterns + selfcheck.urlpatterns + pools.urlpatterns
)
