"""人才分类评价: applications (an applicant sees its own), the employer's recommendation, expert
scores, the bureau's decision, and revocation for fraud (barred five years)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from kechuang import access
from kechuang.carriers import services, steps, talent_rules
from kechuang.carriers.forms import DecisionForm, TalentForm
from kechuang.carriers.models import TalentApplication
from kechuang.carriers.vocabulary import TalentRoute
from kechuang.regions import region_names
from kechuang.web.generic import ObjectListView, ObjectView

DENIED = gettext_lazy("您的角色无权查看人才评价申报")


class TalentList(ObjectListView):
    model = TalentApplication
    resource = "talent_application"
    denied_message = DENIED
    template_name = "carriers/talents.html"

    def filter(self, form, queryset):
        route = self.request.GET.get("route")
        if route in TalentRoute.values:
            queryset = queryset.filter(route=route)
        return queryset

    def decorate(self, rows):
        ranking = services.talent_ranking(
            TalentApplication.objects.filter(pk__in=[r.pk for r in rows if r.route == TalentRoute.EXPERT])
        )
        for r in rows:
            r.review_rank = ranking.get(r.pk, (None, None))[0] if r.expert_score is not None else None
        return rows

    def extra_context(self, **kwargs):
        return {
            "routes": TalentRoute.choices,
            "can_apply": access.may_open(self.request.user, "carriers:talent_apply"),
        }


class TalentDetail(ObjectView):
    model = TalentApplication
    resource = "talent_application"
    denied_message = DENIED
    template_name = "carriers/talent.html"

    def extra_context(self, object=None, **kwargs):
        catalogue = {c["code"]: c for c in services.talent_catalogue()}
        own = services.declaration(object, self.request.user)
        return {
            "criterion": catalogue.get(object.criterion),
            "support": services.support_text(object),
            "region_name": region_names().get(object.region_code, object.region_code),
            "actions": steps.talent_actions(self.request.user, object, own),
            "form": DecisionForm(),
            "scores": object.scores.count(),
            "declarations": steps.declarations(object)
            if steps.may_read_declarations(self.request.user, object)
            else [],
            "own_declaration": own,
            "same_org": services.conflict_by_organisation(object, self.request.user),
            **_rules_context(object.facts),
            # the template's result, cohort rank and advice inform the decision: for those who decide
            "evaluation": talent_rules.evaluation(object)
            if access.can_change(self.request.user, "talent_decide")
            else None,
        }


def _rules_context(facts: dict) -> dict:
    """The stated facts and the recognition rules per class on them (the detail and apply pages)."""
    found = talent_rules.verdicts(facts)
    return {
        "facts": talent_rules.fact_rows(facts),
        "verdicts": found,
        "qualifies": talent_rules.qualifying_class(found),
    }


@login_required
@require_http_methods(["GET", "POST"])
def apply(request):
    access.deny_unless(access.may_open(request.user, "carriers:talent_apply"))
    form = TalentForm(request.POST or None)
    checked = {}
    if request.method == "POST" and "check" in request.POST:
        # 按所填事实检查: the rules on the facts entered so far, nothing written
        form.is_valid()
        for name in [n for n in form.errors if not n.startswith("fact_")]:
            del form.errors[name]
        checked = _rules_context(form.facts())
    elif request.method == "POST" and form.is_valid():
        try:
            app = services.submit_application(
                request.user, form.cleaned_data["id_number"], **form.application()
            )
        except ValidationError as exc:
            form.add_error(None, "；".join(exc.messages))
        else:
            messages.success(request, _("已提交申报"))
            return redirect(app.get_absolute_url())
    return render(
        request,
        "carriers/talent_apply.html",
        {
            "form": form,
            "catalogue": services.talent_catalogue(),
            "routes": dict(TalentRoute.choices),
            "checked": bool(checked),
            **checked,
        },
    )


@login_required
@require_POST
def action(request, pk: int):
    app = steps.application_to_act_on(request.user, pk)
    form = DecisionForm(request.POST)
    allowed = steps.talent_actions(request.user, app, services.declaration(app, request.user))
    if not form.is_valid() or form.cleaned_data["decision"] not in allowed:
        messages.error(request, _("无法执行该操作"))
        return redirect(app.get_absolute_url())
    d = form.cleaned_data
    try:
        match d["decision"]:
            case "recommend":
                services.recommend(app, d["text"] or _("同意推荐"))
            case "declare_none":
                services.declare(app, request.user, False)
            case "declare_conflict":
                services.declare(app, request.user, True, d["text"])
            case "score":
                if d["score"] is None:
                    raise ValidationError(_("请填写评分（0–100）"))
                services.add_score(app, request.user, d["score"])
            case "approve":
                services.decide(app, True, d["talent_class"], d["text"])
            case "reject":
                services.decide(app, False, note=d["text"])
            case "revoke":
                services.revoke_for_fraud(app, d["text"] or _("弄虚作假"))
            case "evaluate":
                n = talent_rules.store_results(talent_rules.period_of(app), request.user)
                messages.success(request, _("已运行专家评定模板，保存了同批申报的结果（%(n)s）") % {"n": n})
                return redirect(app.get_absolute_url())
        messages.success(request, _("已保存"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect(app.get_absolute_url())


urlpatterns = [
    path("talent/", TalentList.as_view(), name="talents"),
    path("talent/apply/", apply, name="talent_apply"),
    path("talent/<int:pk>/", TalentDetail.as_view(), name="talent"),
    path("talent/<int:pk>/action/", action, name="talent_action"),
]
