from django.urls import path

from kechuang.plans import views

app_name = "plans"
urlpatterns = [
    path("", views.overview, name="overview"),
]
