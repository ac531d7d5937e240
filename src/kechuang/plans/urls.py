"""Plan monitoring pages: each views_* module contributes its own urlpatterns."""

from kechuang.plans import views_entry, views_monitor, views_report, views_tasks

app_name = "plans"
urlpatterns = (
    views_monitor.urlpatterns + views_entry.urlpatterns + views_tasks.urlpatterns + views_report.urlpatterns
)
