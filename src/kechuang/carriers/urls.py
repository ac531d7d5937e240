"""创新载体与人才 pages (/carriers/)."""

from kechuang.carriers.views import evaluation, instruments, registry, talent, upkeep, withdrawal

app_name = "carriers"
urlpatterns = (
    registry.urlpatterns
    + withdrawal.urlpatterns
    + evaluation.urlpatterns
    + instruments.urlpatterns
    + talent.urlpatterns
    + upkeep.urlpatterns
)
