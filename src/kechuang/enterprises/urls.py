from django.urls import path

from kechuang.enterprises import views

app_name = "enterprises"
urlpatterns = [
    path("", views.home, name="home"),
]
