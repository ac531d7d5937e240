"""The enterprise side: the products and what it qualifies for, applying, consents (授权)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from kechuang import access
from kechuang.accounts.models import OrgKind, OrgUnit
from kechuang.enterprises.models import Enterprise
from kechuang.finance import vocabulary as v
from kechuang.finance.forms import ApplyForm, ConsentForm
from kechuang.finance.models import Application, Consent, Product
from kechuang.finance.services import applications as apps_service
from kechuang.finance.services import consent as consent_service
from kechuang.finance.services import products as products_service
from kechuang.finance.views.common import current_scores, page, tabs
from kechuang.web.generic import ObjectListView
from kechuang.web.names import localized


@login_required
@require_GET
def home(request):
    access.scoped(request.user, "finance_product", Product.objects.none())
    user = request.user
    counts = {"products": Product.objects.filter(is_active=True).count()}
    if access.can_view(user, "consent"):
        counts["consents"] = access.visible(
            user, "consent", Consent.objects.filter(Consent.active_q())
        ).count()
    if access.can_view(user, "loan"):
        counts["applications"] = access.visible(user, "loan", Application.objects.all()).count()
    links = {
        "match": access.can_view(user, "finance_match"),
        "consents": access.can_view(user, "consent"),
        "applications": access.can_view(user, "loan"),
        "upload": access.can_change(user, "loan_decision"),
        "validation": access.can_view(user, "validation"),
    }
    return page(request, "finance/home.html", {"counts": counts, "links": links})


class ProductList(ObjectListView):
    model = Product
    resource = "finance_product"
    template_name = "finance/products.html"
    paginate_by = 100

    def base_queryset(self):
        return Product.objects.filter(is_active=True).select_related("bank")

    def decorate(self, rows):
        by_pk = {
            o.product.pk: o
            for o in products_service.offers(Product.objects.filter(pk__in=[r.pk for r in rows]))
        }
        for r in rows:
            offer = by_pk.get(r.pk)
            r.content = offer.content if offer else None
            r.version = offer.version if offer else None
            r.field_labels = [v.field_label(f) for f in (offer.content.fields if offer else [])]
            r.kind_label = v.PRODUCT_KIND.get(offer.content.kind, "") if offer else ""
        return rows

    def extra_context(self, **kwargs):
        return {"tabs": tabs(self.request.user)}


def _enterprise_for(request):
    """The enterprise the page is about: ?credit_code= within the user's scope, or the only one."""
    visible = access.scoped(request.user, "finance_match", Enterprise.objects.all())
    code = (request.GET.get("credit_code") or request.POST.get("credit_code") or "").strip().upper()
    if code:
        return get_object_or_404(visible, credit_code=code)
    first_two = list(visible.order_by("pk")[:2])
    return first_two[0] if len(first_two) == 1 else None


@login_required
@require_GET
def match(request):
    enterprise = _enterprise_for(request)
    context = {"enterprise": enterprise, "query": request.GET.get("credit_code", "")}
    if enterprise is not None:
        s = current_scores(request)
        offers = products_service.offers()
        recs = products_service.recommendations(s, offers, enterprise.credit_code) if offers else []
        active = {c.bank_id: c for c in Consent.objects.filter(Consent.active_q(), enterprise=enterprise)}
        for r in recs:
            consent = active.get(r.offer.product.bank_id)
            r.consented = consent is not None and set(r.offer.content.fields) <= set(consent.fields)
            r.field_labels = [v.field_label(f) for f in r.offer.content.fields]
        row = s.scores.filter(s.scores["credit_code"] == enterprise.credit_code)
        first = row.row(0, named=True) if row.height else {}
        context.update(
            year=s.year,
            model=s.model,
            recs=recs,
            score=first,
            stage_name={st.code: localized(st) for st in s.model.stages}.get(first.get("stage") or "", ""),
            tier_name={t.code: localized(t) for t in s.model.tiers}.get(first.get("tier") or "", ""),
            can_apply=access.can_change(request.user, "loan"),
            applications=Application.objects.filter(enterprise=enterprise).select_related("product")[:20],
        )
    return page(request, "finance/match.html", context)


@login_required
@require_POST
def apply(request):
    access.scoped(request.user, "loan", Application.objects.none(), "change")
    form = ApplyForm(request.POST)
    back = reverse("finance:match")
    if not form.is_valid():
        messages.error(request, _("申请未提交：请选择产品并填写正确的申请金额"))
        return HttpResponseRedirect(back)
    data = form.cleaned_data
    enterprise = get_object_or_404(
        access.scoped(request.user, "finance_match", Enterprise.objects.all()),
        credit_code=data["credit_code"],
    )
    try:
        app = apps_service.apply(
            request.user,
            enterprise,
            data["product"],
            current_scores(request),
            amount_requested=data["amount_requested"],
            grant_consent=data["grant_consent"],
        )
    except apps_service.ApplicationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("已向 %(bank)s 提交「%(p)s」申请（编号 %(id)s）")
            % {"bank": app.bank.name, "p": app.product.name, "id": app.pk},
        )
    return HttpResponseRedirect(f"{back}?credit_code={enterprise.credit_code}")


def _banks():
    return OrgUnit.objects.filter(kind=OrgKind.BANK).order_by("code")


@login_required
@require_GET
def consents(request):
    rows = access.scoped(request.user, "consent", Consent.objects.all()).select_related("enterprise", "bank")
    can_grant = access.can_change(request.user, "consent")
    enterprise = None
    if can_grant:
        enterprise = Enterprise.objects.filter(
            credit_code=getattr(request.user.org, "credit_code", None) or "\0"
        ).first()
    form = ConsentForm(banks=_banks()) if enterprise else None
    return page(
        request,
        "finance/consents.html",
        {"rows": rows[:500], "count": rows.count(), "form": form, "enterprise": enterprise},
    )


@login_required
@require_POST
def consent_grant(request):
    access.scoped(request.user, "consent", Consent.objects.none(), "change")
    form = ConsentForm(request.POST, banks=_banks())
    enterprise = Enterprise.objects.filter(
        credit_code=getattr(request.user.org, "credit_code", None) or "\0"
    ).first()
    if enterprise is None or not form.is_valid():
        messages.error(request, _("授权未保存：请选择金融机构、授权字段和截止日"))
        return HttpResponseRedirect(reverse("finance:consents"))
    data = form.cleaned_data
    try:
        c = consent_service.grant(
            request.user, enterprise, _banks().get(code=data["bank"]), data["fields"], data["valid_until"]
        )
    except consent_service.ConsentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            ngettext(
                "已授权 %(bank)s 查看 %(n)s 个字段，至 %(d)s",
                "已授权 %(bank)s 查看 %(n)s 个字段，至 %(d)s",
                len(c.fields),
            )
            % {"bank": c.bank.name, "n": len(c.fields), "d": c.valid_until},
        )
    return HttpResponseRedirect(reverse("finance:consents"))


@login_required
@require_POST
def consent_revoke(request):
    access.scoped(request.user, "consent", Consent.objects.none(), "change")
    try:
        c = consent_service.revoke(request.user, request.POST.get("consent") or 0)
    except (consent_service.ConsentError, ValueError) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已撤回对 %(bank)s 的授权，即时生效") % {"bank": c.bank.name})
    return HttpResponseRedirect(reverse("finance:consents"))


urlpatterns = [
    path("", home, name="home"),
    path("products/", ProductList.as_view(), name="products"),
    path("match/", match, name="match"),
    path("apply/", apply, name="apply"),
    path("consents/", consents, name="consents"),
    path("consents/grant/", consent_grant, name="consent_grant"),
    path("consents/revoke/", consent_revoke, name="consent_revoke"),
]
