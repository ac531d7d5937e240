from django.contrib.auth import views as auth_views
from django.urls import path

from kechuang.accounts import views

app_name = "accounts"
urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("tokens/<int:pk>/revoke/", views.revoke_token, name="revoke_token"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
