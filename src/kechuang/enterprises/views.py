from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from kechuang import access


@login_required
def home(request):
    access.deny_unless(access.can_view(request.user, "enterprise"))
    return render(request, "enterprises/home.html")
