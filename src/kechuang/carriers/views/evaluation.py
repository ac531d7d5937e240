"""Evaluation results (one engine, every template): the list by template and period, one result
with the points behind it, and running an evaluation (the bureau)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from kechuang import access
from kechuang.carriers import services
from kechuang.carriers.models import EvaluationResult
from kechuang.engine.evaluation import EvaluationInputError
from kechuang.web import names
from kechuang.web.generic import ObjectListView, ObjectView

DENIED = gettext_lazy("您的角色无权查看评价结果")


class EvaluationList(ObjectListView):
    model = EvaluationResult
    resource = "carrier_evaluation"
    denied_message = DENIED
    template_name = "carriers/evaluations.html"
    export_columns = (
        ("载体编号", "carrier__code"),
        ("载体", "carrier__name"),
        ("评价模板", "template"),
        ("模板版本", "template_version"),
        ("评价期", "period"),
        ("评价类别", "evaluation_class"),
        ("总分", "total"),
        ("等级", "grade_label"),
        ("同类排名", "rank"),
        ("同类数量", "cohort_size"),
        ("上期等级", "previous_grade"),
        ("较上期变化", "change"),
        ("连续不合格次数", "consecutive_failures"),
        ("触发取消资格", "consequence"),
        ("奖励合计（万元）", "reward_total"),
        ("提升建议", "lift"),
        ("英文提升建议", "lift_en"),
        ("缺少数据", "missing"),
    )
    export_name = "创新载体评价结果"
    export_widths = (12, 30)

    def filter(self, form, queryset):
        self.code = self.request.GET.get("template") or "incubator_operation"
        if self.code not in services.TEMPLATES:
            self.code = "incubator_operation"
        queryset = queryset.filter(template=self.code)
        periods = list(queryset.order_by("-period").values_list("period", flat=True).distinct())
        self.period = self.request.GET.get("period") or (periods[0] if periods else "")
        self.periods = periods
        return (
            queryset.filter(period=self.period).select_related("carrier").order_by("evaluation_class", "rank")
        )

    def extra_context(self, **kwargs):
        tpl = services.template(self.code)
        classes, grades = tpl.labels(names.english())
        return {
            "classes": classes,
            "grades": grades,
            "templates": services.TEMPLATES,
            "code": self.code,
            "period": self.period,
            "periods": self.periods,
            "tpl": tpl,
            "can_run": access.can_change(self.request.user, "carrier_evaluation"),
        }


class EvaluationDetail(ObjectView):
    model = EvaluationResult
    resource = "carrier_evaluation"
    denied_message = DENIED
    template_name = "carriers/evaluation.html"

    def extra_context(self, object=None, **kwargs):
        tpl = services.template(object.template)
        history = object.carrier.evaluations.filter(template=object.template).order_by("period")
        classes, grades = tpl.labels(names.english())
        return {
            "tpl": tpl,
            "rows": services.result_rows(object),
            "missing": services.missing_text(object),
            "rewards": services.reward_rows(object),
            "history": history,
            "class_label": classes.get(object.evaluation_class, object.evaluation_class),
            "grades": grades,
            "can_withdraw": access.may_open(self.request.user, "carriers:withdraw")
            and access.can_view(self.request.user, "carrier", object.carrier),
        }


@login_required
@require_POST
def run(request):
    access.scoped(request.user, "carrier_evaluation", EvaluationResult.objects.none(), "change")
    code = request.POST.get("template", "")
    period = (request.POST.get("period") or "").strip()
    if code not in services.TEMPLATES or not period:
        messages.error(request, _("请选择评价模板并填写评价期（如 2025 或 2023-2025）"))
        return redirect("carriers:evaluations")
    try:
        period = services.evaluation_period(code, period)
        result = services.run_evaluation(code, period)
    except EvaluationInputError as exc:
        messages.error(request, str(exc))
        return redirect("carriers:evaluations")
    done = ngettext("已完成 %(n)s 个载体的评价", "已完成 %(n)s 个载体的评价", result.stored)
    messages.success(request, done % {"n": result.stored})
    return redirect(f"{request.path.rsplit('run/', 1)[0]}?template={code}&period={period}")


urlpatterns = [
    path("evaluations/", EvaluationList.as_view(), name="evaluations"),
    path("evaluations/export/", EvaluationList.as_view(export=True), name="evaluations_export"),
    path("evaluations/<int:pk>/", EvaluationDetail.as_view(), name="evaluation"),
    path("evaluations/run/", run, name="evaluation_run"),
]
