"""Plan pages: overview (to be completed)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import path

from kechuang import access


@login_required
def overview(request):
    access.deny_unless(access.can_view(request.user, "plan"))
    return render(request, "plans/overview.html")


urlpatterns = [path("", overview, name="overview")]
