"""Home page and the page for modules that are not built yet."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from kechuang import access


@login_required
def home(request):
    return render(request, "web/home.html", {"entries": access.menu(request.user)})


@login_required
def pending(request):
    return render(request, "web/pending.html")


def healthz(request):
    from django.http import JsonResponse

    return JsonResponse({"status": "ok"})
