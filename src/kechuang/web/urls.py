from django.urls import path

from kechuang.web import views

app_name = "web"
urlpatterns = [
    path("modules/pending/", views.pending, name="pending"),
]
