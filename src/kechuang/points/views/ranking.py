"""The ranking lists (创新领跑榜 …): the chosen year's scores by stage and tier, filtered by town,
industry and tier, with the same rows as Excel."""

from __future__ import annotations

from django import forms
from django.db.models import Case, Q, QuerySet, When
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang import access
from kechuang.enterprises.forms import SECTIONS
from kechuang.points import portrait
from kechuang.points import vocabulary as words
from kechuang.points.models import PointsScore
from kechuang.regions import region_names
from kechuang.web.generic import ObjectListView
from kechuang.web.names import industry_section, localized


class RankingFilter(forms.Form):
    year = forms.ChoiceField(label=gettext_lazy("年度"), required=False)
    list = forms.ChoiceField(label=gettext_lazy("榜单"), required=False)
    stage = forms.ChoiceField(label=gettext_lazy("阶段"), required=False)
    region = forms.ChoiceField(label=gettext_lazy("所属镇街"), required=False)
    section = forms.ChoiceField(label=gettext_lazy("行业门类"), required=False)
    q = forms.CharField(label=gettext_lazy("企业名称或信用代码"), required=False, max_length=100)

    def __init__(self, data, cur: portrait.Current, regions: list[str]):
        super().__init__(data)
        self.cur = cur
        everything = [("", _("全部"))]
        names = region_names()
        self.fields["year"].choices = [(str(y), str(y)) for y in reversed(cur.years)]
        self.fields["list"].choices = [
            ("", _("全部参评企业")),
            *[(t.code, words.list_name(localized(t))) for t in cur.model.tiers],
        ]
        self.fields["stage"].choices = everything + [(s.code, localized(s)) for s in cur.model.stages]
        self.fields["region"].choices = everything + sorted(names.items())
        self.fields["region"].widget.choices = everything + sorted((c, names.get(c, c)) for c in regions)
        self.fields["section"].choices = everything + [(k, f"{k} {industry_section(k)}") for k in SECTIONS]

    def apply(self, queryset: QuerySet) -> QuerySet:
        self.is_valid()
        d = getattr(self, "cleaned_data", {})
        queryset = queryset.filter(excluded="").exclude(stage="")
        if d.get("list"):
            queryset = queryset.filter(tier=d["list"])
        if d.get("stage"):
            queryset = queryset.filter(stage=d["stage"])
        if d.get("region"):
            queryset = queryset.filter(region_code=d["region"])
        if d.get("section"):
            queryset = queryset.filter(industry_code__startswith=d["section"])
        if d.get("q"):
            text = d["q"].strip()
            queryset = queryset.filter(Q(credit_code__icontains=text.upper()) | Q(name__icontains=text))
        order = Case(*[When(stage=s.code, then=k) for k, s in enumerate(self.cur.model.stages)], default=99)
        return queryset.order_by(order, "rank", "credit_code")


class Ranking(ObjectListView):
    model = PointsScore
    resource = "points"
    denied_message = gettext_lazy("您的角色无权查看创新积分")
    template_name = "points/ranking.html"
    export_name = "创新积分榜单"
    export_widths = (8, 36, 22, 16, 10, 10, 12, 12, 12, 10)

    def dispatch(self, request, *args, **kwargs):
        self.cur = portrait.current(request.GET.get("year"))
        return super().dispatch(request, *args, **kwargs)

    def base_queryset(self) -> QuerySet:
        run = self.cur.run
        rows = PointsScore.objects.filter(run=run) if run else PointsScore.objects.none()
        return rows.annotate(name=portrait.enterprise_name())

    def get_filter_form(self, queryset):
        regions = sorted(set(queryset.values_list("region_code", flat=True).distinct()) - {""})
        return RankingFilter(self.request.GET or None, self.cur, regions)

    def decorate(self, rows: list) -> list:
        n, towns = self.cur.names, region_names()
        for r in rows:
            r.stage_name = n["stage"].get(r.stage, r.stage)
            r.tier_name = n["tier"].get(r.tier, "")
            r.region_name = towns.get(r.region_code, r.region_code)
            r.top_percent = 100 * r.top_share if r.top_share is not None else None
        return rows

    def export_headers(self) -> list[str]:
        return [
            _("阶段内排名"),
            _("企业名称"),
            _("统一社会信用代码"),
            _("所属镇街"),
            _("行业代码"),
            _("阶段"),
            _("积分"),
            _("同阶段参评数"),
            _("排名百分位"),
            _("层级"),
        ]

    def export_rows(self, queryset: QuerySet):
        n, towns = self.cur.names, region_names()
        fields = (
            "rank",
            "name",
            "credit_code",
            "region_code",
            "industry_code",
            "stage",
            "points",
            "cohort_size",
            "top_share",
            "tier",
        )
        for rank, name, code, region, industry, stage, points, size, share, tier in queryset.values_list(
            *fields
        ).iterator(chunk_size=self.chunk_size):
            yield (
                rank,
                name or "",
                code,
                towns.get(region, region),
                industry,
                n["stage"].get(stage, stage),
                round(points, 2) if points is not None else None,
                size,
                round(share, 4) if share is not None else None,
                n["tier"].get(tier, ""),
            )

    def export_filename(self) -> str:
        sample = "（示例）" if self.cur.is_sample else ""
        return f"创新积分榜单-{self.cur.year or ''}{sample}.xlsx"

    def extra_context(self, **kwargs) -> dict:
        cur = self.cur
        chosen = self.request.GET.get("list", "")
        title = dict((t.code, words.list_name(localized(t))) for t in cur.model.tiers).get(
            chosen, _("全部参评企业")
        )
        return {
            "cur": cur,
            "active": "ranking",
            "sample": cur.is_sample,
            "sample_note": words.SAMPLE_NOTE,
            "lists": [(t.code, words.list_name(localized(t))) for t in cur.model.tiers],
            "chosen_list": chosen,
            "list_title": title,
            "may_view_enterprise": access.can_view(self.request.user, "points"),
        }
