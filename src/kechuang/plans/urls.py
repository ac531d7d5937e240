"""Every page of the plans app (namespace ``plans``), grouped by concern."""

from django.urls import path

from kechuang.plans.discipline import views as discipline
from kechuang.plans.entry import views as entry
from kechuang.plans.monitoring import views as monitoring
from kechuang.plans.report import views as report
from kechuang.plans.tasks import views as tasks

app_name = "plans"
urlpatterns = [
    # monitoring: the overview, an indicator, plan versions
    path("", monitoring.overview, name="overview"),
    path("indicators/<str:code>/", monitoring.indicator, name="indicator"),
    path("versions/", monitoring.versions, name="versions"),
    path("versions/<int:a>/<int:b>/", monitoring.version_diff, name="version_diff"),
    # entry: values by form and file, upload batches
    path("entry/", entry.entry_form, name="entry"),
    path("entry/previous/", entry.entry_previous, name="entry_previous"),
    path("entry/template.xlsx", entry.entry_template, name="entry_template"),
    path("entry/upload/", entry.entry_upload, name="entry_upload"),
    path("entry/upload/confirm/", entry.entry_upload_confirm, name="entry_upload_confirm"),
    path("entry/batches/", entry.entry_batches, name="entry_batches"),
    path("entry/batches/<int:pk>/", entry.entry_batch, name="entry_batch"),
    # discipline: values that break a rule, completeness with approval and unlocking
    path("entry/outliers/", discipline.outliers, name="outliers"),
    path("entry/completeness/", discipline.completeness, name="completeness"),
    path("entry/task-reporting/", discipline.task_reporting, name="task_reporting"),
    # tasks: the board, a task, progress reports, evidence, the department scorecard
    path("tasks/", tasks.board, name="tasks"),
    path("tasks/<str:code>/", tasks.task_detail, name="task"),
    path("tasks/<str:code>/report/", tasks.task_report, name="task_report"),
    path("task-reports/<int:pk>/evidence/", tasks.task_evidence, name="task_evidence"),
    path("departments/", tasks.departments, name="departments"),
    # report: the annual report page and download
    path("report/", report.report, name="report"),
    path("report/job/", report.report_job, name="report_job"),
]
