"""我的成果收益 (issue 11 §2: the reward per inventor, shown to each inventor) and the link of an
inventor's name to an account, set by the institution's transfer officer on the achievement page.
Who sees which links is the access module's (resource inventor_reward)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from kechuang import access
from kechuang.transfer.forms import AsOfForm
from kechuang.transfer.models import Achievement, InventorLink
from kechuang.transfer.services import rewards as service
from kechuang.transfer.views.licences import _as_of


@login_required
def my_rewards(request):
    links = access.scoped(request.user, "inventor_reward", InventorLink.objects.all())
    as_of = _as_of(request)
    return render(
        request,
        "transfer/my_rewards.html",
        {
            "rewards": service.rewards(links.filter(user=request.user), as_of),
            "as_of": as_of,
            "as_of_form": AsOfForm(initial={"as_of": as_of}),
        },
    )


@login_required
@require_POST
def link_inventor(request, pk):
    access.scoped(request.user, "inventor_reward", InventorLink.objects.none(), "change")
    a = get_object_or_404(
        access.scoped(request.user, "achievement", Achievement.objects.all(), "change").select_related(
            "institution"
        ),
        pk=pk,
    )
    try:
        link = service.link_inventor(
            a, request.POST.get("name", ""), request.POST.get("username", ""), request.user
        )
    except service.LinkError as e:
        messages.error(request, str(e))
    else:
        messages.success(
            request, _("完成人「%(n)s」已关联账户 %(u)s") % {"n": link.name, "u": link.user.username}
        )
    return redirect(a.get_absolute_url() + "#inventor-links")


def context_for(user, achievement: Achievement) -> dict:
    """The achievement page's inventor accounts, for the transfer officer who may set them."""
    if not (
        access.can_change(user, "inventor_reward") and access.can_change(user, "achievement", achievement)
    ):
        return {}
    return {
        "inventor_links": access.changeable(
            user, "inventor_reward", achievement.inventor_links.select_related("user")
        ),
        "may_link": True,
    }


urlpatterns = [
    path("my-rewards/", my_rewards, name="my_rewards"),
    path("achievements/<int:pk>/inventors/", link_inventor, name="inventor_link"),
]
