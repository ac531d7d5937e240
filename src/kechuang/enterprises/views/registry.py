"""The registry list (企业名录) with its Excel export, and one enterprise's page (画像).

Generic scoped views (kechuang.web.generic): the scope from kechuang.access, filtering in
forms.RegistryFilterForm, the page data from portrait.
"""

from __future__ import annotations

from django.urls import path, re_path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang import access
from kechuang.engine.years import parse_year
from kechuang.enterprises import portrait
from kechuang.enterprises.forms import RegistryFilterForm, tier_year
from kechuang.enterprises.models import Enterprise
from kechuang.regions import region_names
from kechuang.web.generic import ObjectListView, ObjectView

EXPORT_COLUMNS = (  # (Chinese header, field)
    ("统一社会信用代码", "credit_code"),
    ("企业名称", "name"),
    ("所属镇街", "region_code"),
    ("行业代码", "industry_code"),
    ("技术领域", "tech_field"),
    ("成立日期", "registered_on"),
    ("高企证书有效期至", "hightech_cert_until"),
    ("科技型中小企业入库年度", "kexiao_registered_year"),
    ("研发机构级别", "rd_institution_level"),
)
DENIED = gettext_lazy("您的角色无权查看企业库")


def scoped(request):
    """The enterprises this user may see (403 for roles without any)."""
    return access.scoped(request.user, "enterprise", Enterprise.objects.all(), message=str(DENIED))


class RegistryList(ObjectListView):
    model = Enterprise
    resource = "enterprise"
    denied_message = DENIED
    template_name = "enterprises/list.html"
    export_columns = EXPORT_COLUMNS
    export_name = "企业名录"
    export_widths = (22, 36)

    def get_filter_form(self, queryset):
        regions = list(queryset.order_by().values_list("region_code", flat=True).distinct())
        self.year = tier_year()
        return RegistryFilterForm(self.request.GET or None, regions=regions)

    def filter(self, form, queryset):
        return form.apply(queryset, self.year)

    def page_rows(self, queryset):
        return queryset.only(*[f for _h, f in EXPORT_COLUMNS if f != "rd_institution_level"])

    def decorate(self, rows):
        names = region_names()
        for e in rows:
            e.region_name = names.get(e.region_code, e.region_code)
            e.tier_label = portrait.tier_label(e.tier_now) if e.tier_now else "—"
            e.tier_badge = portrait.TIER_BADGE.get(e.tier_now or "none", "grey")
        return rows

    def extra_context(self, **kwargs):
        return {
            "tier_year": self.year,
            "can_upload": access.may_open(self.request.user, "enterprises:upload"),
        }

    def export_headers(self):
        # marked 计算列: the upload ignores it, so that this export uploads back unchanged
        tier = _("梯队（%(year)s 年，计算列）") % {"year": self.year} if self.year else _("梯队（计算列）")
        return [*super().export_headers(), tier]

    def export_rows(self, queryset):
        names = region_names()
        fields = [f for _h, f in EXPORT_COLUMNS]
        region, level = fields.index("region_code"), fields.index("rd_institution_level")
        for row in queryset.values_list(*fields, "tier_now").iterator(chunk_size=self.chunk_size):
            row = list(row)
            row[region] = names.get(row[region], row[region])
            row[level] = portrait.display("rd_institution_level", row[level])
            row[-1] = portrait.tier_label(row[-1]) if row[-1] else ""
            yield row


class EnterpriseDetail(ObjectView):
    model = Enterprise
    resource = "enterprise"
    denied_message = DENIED
    template_name = "enterprises/detail.html"
    lookup_field = "credit_code"

    def extra_context(self, object):
        page = portrait.build(object, parse_year(self.request.GET.get("year")))
        return {
            "p": page,
            "e": object,
            "region_name": region_names().get(object.region_code, object.region_code),
        }


registry = RegistryList.as_view()
registry_export = RegistryList.as_view(export=True)
detail = EnterpriseDetail.as_view()

urlpatterns = [
    path("registry/", registry, name="registry"),
    path("registry/export/", registry_export, name="registry_export"),
    re_path(r"^(?P<credit_code>[0-9A-Z]{18})/$", detail, name="detail"),
]
