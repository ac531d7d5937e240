"""Technology contracts (技术合同认定登记): the registry list and export, the import of registry
exports (all or nothing), the turnover charts and the feed of the plan indicator."""

from __future__ import annotations

import polars as pl
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from kechuang import access
from kechuang.regions import CITY_CODE, region_names
from kechuang.transfer import vocabulary as v
from kechuang.transfer.forms import ALL, UploadForm
from kechuang.transfer.models import TechContract
from kechuang.transfer.services import contracts as service
from kechuang.web.generic import ObjectListView
from kechuang.web.names import unit
from kechuang.web.uploads import StagedFile, confirmation, too_large_message, upload_too_large

DENIED = gettext_lazy("您的角色无权查看技术合同登记")
# What each Chinese header of the contract file means, for the English help (the headers stay Chinese).
HEADER_GLOSSES = {
    "registration_no": gettext_lazy("登记编号"),
    "registered_on": gettext_lazy("登记日期"),
    "type": gettext_lazy("合同类型"),
    "seller": gettext_lazy("卖方名称"),
    "seller_code": gettext_lazy("卖方统一社会信用代码"),
    "seller_region": gettext_lazy("卖方所属镇街"),
    "buyer": gettext_lazy("买方名称"),
    "buyer_region": gettext_lazy("买方所在地"),
    "amount": gettext_lazy("合同成交额"),
    "tech_amount": gettext_lazy("技术交易额"),
    "field": gettext_lazy("技术领域"),
}
TARGET = 200.0  # 亿元 by 2030 (plan indicator 5)


class ContractFilterForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("登记编号、卖方或买方"), required=False, max_length=100)
    year = forms.IntegerField(label=gettext_lazy("登记年度"), required=False, min_value=2000, max_value=2100)
    type = forms.ChoiceField(
        label=gettext_lazy("合同类型"), required=False, choices=ALL + list(v.ContractType.choices)
    )
    region = forms.ChoiceField(label=gettext_lazy("卖方所属镇街"), required=False)

    def __init__(self, data=None):
        super().__init__(data)
        self.fields["region"].choices = ALL + sorted(
            (c, n) for c, n in region_names().items() if c != CITY_CODE
        )

    def apply(self, queryset):
        from django.db.models import Q

        self.is_valid()
        d = getattr(self, "cleaned_data", {})
        if d.get("q"):
            t = d["q"].strip()
            queryset = queryset.filter(
                Q(registration_no__icontains=t) | Q(seller__icontains=t) | Q(buyer__icontains=t)
            )
        if d.get("year"):
            queryset = queryset.filter(registered_on__year=d["year"])
        if d.get("type"):
            queryset = queryset.filter(type=d["type"])
        if d.get("region"):
            queryset = queryset.filter(seller_region=d["region"])
        return queryset.order_by("-registered_on", "registration_no")


class ContractList(ObjectListView):
    model = TechContract
    resource = "tech_contract"
    denied_message = DENIED
    template_name = "transfer/contracts.html"
    filter_form = ContractFilterForm
    export_columns = tuple((h, n) for n, h in v.CONTRACT_HEADERS.items()) + (
        ("来源", "source"),
        ("模拟", "simulated"),
    )
    export_name = "技术合同"

    def decorate(self, rows):
        names = region_names()
        for c in rows:
            c.region_name = names.get(c.seller_region, c.seller_region)
        return rows

    def extra_context(self, **kwargs):
        return {"can_import": access.can_change(self.request.user, "tech_contract")}


def _chart_bar(title: str, frame: pl.DataFrame, horizontal: bool = False) -> dict:
    keys, values = frame["key"].to_list(), frame["value"].to_list()
    cat = {"type": "category", "data": keys}
    val = {"type": "value", "name": unit("亿元")}
    return {
        "title": {"text": title, "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 110 if horizontal else 50, "right": 20, "bottom": 40},
        "xAxis": val if horizontal else cat,
        "yAxis": {**cat, "inverse": True} if horizontal else val,
        "series": [
            {
                "type": "bar",
                "data": values,
                "label": {"show": True, "position": "right" if horizontal else "top"},
            }
        ],
        "animation": False,
    }


@login_required
def stats(request):
    rows = access.scoped(request.user, "tech_contract", TechContract.objects.all(), message=str(DENIED))
    frame = service.contract_frame(rows)
    years = sorted(set(frame["year"].to_list())) if frame.height else []
    try:
        year = int(request.GET.get("year") or (years[-1] if years else 0))
    except ValueError:
        year = years[-1] if years else 0
    names = region_names()
    context = {"years": years, "year": year, "target": TARGET}
    if years:
        by_year = (
            frame.group_by("year")
            .agg((pl.col("amount").sum() / 10_000).round(2).alias("value"), pl.col("simulated").any())
            .sort("year")
        )
        latest = by_year.filter(pl.col("year") == year)
        current = latest["value"][0] if latest.height else 0.0
        by_town = (
            service.breakdown(frame, year, "seller_region")
            .with_columns(pl.col("key").replace_strict(names, default=pl.col("key")))
            .head(32)
        )
        context.update(
            by_year=by_year.to_dicts(),
            current=current,
            gap=max(TARGET - current, 0.0),
            type_chart=_chart_bar(_("按合同类型（亿元）"), service.breakdown(frame, year, "type")),
            field_chart=_chart_bar(
                _("按技术领域（亿元）"),
                service.breakdown(frame, year, "field").with_columns(pl.col("key").replace("", "（未填）")),
                horizontal=True,
            ),
            town_chart={**_chart_bar(_("按卖方所属镇街（亿元）"), by_town, horizontal=True)},
            town_height=max(300, 22 * by_town.height + 60),
            target_chart={
                "title": {"text": _("技术合同成交额与 2030 年目标（亿元）"), "textStyle": {"fontSize": 14}},
                "tooltip": {"trigger": "axis"},
                "grid": {"left": 50, "right": 30, "bottom": 40},
                "xAxis": {"type": "category", "data": [str(y) for y in by_year["year"].to_list()] + ["2030"]},
                "yAxis": {"type": "value", "name": unit("亿元")},
                "series": [
                    {
                        "type": "bar",
                        "name": _("成交额"),
                        "data": by_year["value"].to_list() + [None],
                        "label": {"show": True, "position": "top"},
                    },
                    {
                        "type": "line",
                        "name": _("目标"),
                        "data": [None] * by_year.height + [TARGET],
                        "symbolSize": 10,
                        "markLine": {
                            "data": [{"yAxis": TARGET, "name": _("目标 200 亿元")}],
                            "lineStyle": {"type": "dashed", "color": "#c0392b"},
                        },
                    },
                ],
                "animation": False,
            },
            can_feed=access.can_change(request.user, "tech_contract"),
        )
    return render(request, "transfer/contract_stats.html", context)


@login_required
@require_POST
def feed(request):
    access.scoped(request.user, "tech_contract", TechContract.objects.none(), "change")
    try:
        result = service.feed_turnover(user=None)
    except Exception as exc:  # no plan loaded
        messages.error(request, _("未能写入规划监测：%(e)s") % {"e": str(exc)[:200]})
        return redirect("transfer:contract_stats")
    messages.success(
        request,
        _(
            "已写入规划监测指标「技术合同成交额」：新增 %(c)s 条，修订 %(r)s 条；与上次相同 %(s)s 条；官方数据保留 %(o)s 条。"
        )
        % {"c": result.created, "r": result.revised, "s": result.skipped_same, "o": result.skipped_official},
    )
    return redirect("transfer:contract_stats")


STAGED_KEY = "contract_upload"


@login_required
@require_http_methods(["GET", "POST"])
def import_contracts(request):
    """Choose a registry export → the preview (every row error, or the contracts and a confirm button)
    → confirm → imported (web.uploads: the one upload flow)."""
    access.scoped(request.user, "tech_contract", TechContract.objects.none(), "change")
    form, errors, refused, preview, token = UploadForm(), None, "", None, ""
    action = request.POST.get("action") if request.method == "POST" else None
    if action in ("import", "cancel"):
        staged = StagedFile.load(request, STAGED_KEY, request.POST.get("token", ""))
        if (ended := confirmation(request, staged, "transfer:contract_import")) is not None:
            return ended
        try:
            frame = service.check_file(staged.path, staged.name)  # again: the registry may have changed
        except service.ContractImportError as exc:
            errors = exc.rows
        else:
            n = service.import_contracts(frame, f"{staged.name}（{request.user}，登记系统导出）")
            messages.success(
                request, ngettext("已导入 %(n)s 份技术合同", "已导入 %(n)s 份技术合同", n) % {"n": n}
            )
            return redirect("transfer:contracts")
        finally:
            staged.discard(request)
    elif request.method == "POST":
        if upload_too_large(request):
            refused = too_large_message()
        else:
            form = UploadForm(request.POST, request.FILES)
            if form.is_valid():
                staged = StagedFile.stash(request, STAGED_KEY, form.cleaned_data["file"])
                try:
                    frame = service.check_file(staged.path, staged.name)
                except service.ContractImportError as exc:
                    errors = exc.rows
                    staged.discard(request)
                else:
                    preview, token = (
                        {"name": staged.name, "rows": frame.height, "sample": frame.head(20).to_dicts()},
                        staged.token,
                    )
    return render(
        request,
        "transfer/contract_import.html",
        {
            "form": form,
            "errors": errors,
            "refused": refused,
            "headers": v.CONTRACT_HEADERS,
            "header_glosses": [
                (h, str(HEADER_GLOSSES[k]) if str(HEADER_GLOSSES[k]) != h else "")
                for k, h in v.CONTRACT_HEADERS.items()
            ],
            "preview": preview,
            "token": token,
        },
    )


urlpatterns = [
    path("contracts/", ContractList.as_view(), name="contracts"),
    path("contracts/export/", ContractList.as_view(export=True), name="contracts_export"),
    path("contracts/import/", import_contracts, name="contract_import"),
    path("contracts/stats/", stats, name="contract_stats"),
    path("contracts/feed/", feed, name="contract_feed"),
]
