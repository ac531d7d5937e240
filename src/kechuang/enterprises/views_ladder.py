"""Enterprise pages: the ladder dashboard (to be completed)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from kechuang import access


@login_required
def home(request):
    access.deny_unless(access.can_view(request.user, "enterprise"))
    return render(request, "enterprises/home.html")


urlpatterns = [path("", home, name="home")]
