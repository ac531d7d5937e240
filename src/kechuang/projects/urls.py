"""Pages of 重大科技项目 (classified in kechuang/access/routes.py)."""

from django.urls import path

from kechuang.projects import views, views_ethics, views_outputs, views_portfolio, views_security

app_name = "projects"
urlpatterns = [
    path("", views.home, name="home"),
    path("calls/new/", views.CallEdit.as_view(), name="call_new"),
    path("calls/<int:pk>/edit/", views.CallEdit.as_view(), name="call_edit"),
    path("calls/<int:pk>/", views.call_detail, name="call"),
    path("calls/<int:pk>/apply/", views.apply, name="apply"),
    path("calls/<int:pk>/decide/", views.call_decide, name="call_decide"),
    path("applications/", views.ApplicationList.as_view(), name="applications"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/submit/", views.application_submit, name="application_submit"),
    path("reviews/", views.ReviewList.as_view(), name="reviews"),
    path("reviews/<int:pk>/", views.review, name="review"),
    path("list/", views.ProjectList.as_view(), name="projects"),
    path("list/<int:pk>/", views.project_detail, name="project"),
    path("list/<int:pk>/exemption.docx", views.exemption, name="exemption"),
    path("list/<int:pk>/stake/", views_portfolio.stake_action, name="stake"),
    path("list/<int:pk>/outputs/", views_outputs.record, name="output_new"),
    path("list/<int:pk>/outputs/<int:output>/verify/", views_outputs.verify, name="output_verify"),
    path("list/<int:pk>/outputs/<int:output>/withdraw/", views_outputs.withdraw, name="output_withdraw"),
    path("list/<int:pk>/outputs/<int:output>/reject/", views_outputs.reject, name="output_reject"),
    path("portfolio/", views_portfolio.portfolio, name="portfolio"),
    path("ethics/committees/", views_ethics.committees, name="ethics_committees"),
    path("ethics/committees/new/", views_ethics.CommitteeEdit.as_view(), name="ethics_committee_new"),
    path(
        "ethics/committees/<int:pk>/edit/", views_ethics.CommitteeEdit.as_view(), name="ethics_committee_edit"
    ),
    path("security/", views_security.board, name="security"),
    path("security/readings/template.xlsx", views_security.readings_template, name="security_template"),
    path("security/readings/upload/", views_security.readings_upload, name="security_upload"),
    path("security/<slug:code>/", views_security.indicator, name="security_indicator"),
]
