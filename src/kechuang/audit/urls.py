from django.urls import path

from kechuang.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.change_list, name="list"),
    path("<int:pk>/", views.change_detail, name="detail"),
]
