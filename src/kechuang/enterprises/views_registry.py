"""The registry list (企业名录) with its Excel export, and one enterprise's page (画像).

Thin: scope from kechuang.access, filtering in forms.RegistryFilterForm, the page data from portrait.
"""

from __future__ import annotations

import io
from datetime import datetime, time

import xlsxwriter
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, re_path
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from kechuang import access
from kechuang.enterprises import portrait
from kechuang.enterprises.forms import RegistryFilterForm, tier_year
from kechuang.enterprises.models import Enterprise
from kechuang.regions import region_names

PAGE_SIZE = 50
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


def scoped(request):
    """The enterprises this user may see (403 for roles without any)."""
    access.deny_unless(access.can_view(request.user, "enterprise"), _("您的角色无权查看企业库"))
    return access.visible(request.user, "enterprise", Enterprise.objects.all())


def filtered(request):
    visible = scoped(request)
    regions = list(visible.order_by().values_list("region_code", flat=True).distinct())
    form = RegistryFilterForm(request.GET or None, regions=regions)
    year = tier_year()
    return form, form.apply(visible, year), year


@login_required
@require_GET
def registry(request):
    form, rows, year = filtered(request)
    fields = [name for _header, name in EXPORT_COLUMNS if name != "rd_institution_level"]
    page = Paginator(rows.only(*fields), PAGE_SIZE).get_page(request.GET.get("page"))
    names = region_names()
    for e in page:
        e.region_name = names.get(e.region_code, e.region_code)
        e.tier_label = portrait.tier_label(e.tier_now) if e.tier_now else "—"
        e.tier_badge = portrait.TIER_BADGE.get(e.tier_now or "none", "grey")
    return render(
        request,
        "enterprises/list.html",
        {
            "form": form,
            "page": page,
            "tier_year": year,
            "query": request.GET.urlencode(),
            "can_upload": access.can_change(request.user, "enterprise_upload"),
        },
    )


@login_required
@require_GET
def registry_export(request):
    """The filtered list as an Excel file with Chinese headers (one query)."""
    _form, rows, year = filtered(request)
    tier_header = _("梯队（%(year)s 年）") % {"year": year} if year else _("梯队")
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "default_date_format": "yyyy-mm-dd"})
    sheet = book.add_worksheet("企业名录")
    bold = book.add_format({"bold": True, "bg_color": "#F0F3F6", "border": 1})
    headers = [h for h, _f in EXPORT_COLUMNS] + [tier_header]
    sheet.write_row(0, 0, headers, bold)
    names = region_names()
    values = rows.values_list(*[f for _h, f in EXPORT_COLUMNS], "tier_now")
    last = 0
    for last, row in enumerate(values.iterator(chunk_size=2000), start=1):
        cells = dict(zip([f for _h, f in EXPORT_COLUMNS] + ["tier"], row, strict=True))
        cells["region_code"] = names.get(cells["region_code"], cells["region_code"])
        cells["rd_institution_level"] = portrait.display(
            "rd_institution_level", cells["rd_institution_level"]
        )
        cells["tier"] = portrait.tier_label(cells["tier"]) if cells["tier"] else ""
        for c, value in enumerate(cells.values()):
            if value is None or value == "—":
                continue
            if hasattr(value, "isoformat"):
                sheet.write_datetime(last, c, datetime.combine(value, time()))
            else:
                sheet.write(last, c, value)
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 36)
    sheet.set_column(2, len(headers), 16)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, last, len(headers) - 1)
    book.close()
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"企业名录-{timezone.localdate():%Y%m%d}.xlsx"
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


@login_required
@require_GET
def detail(request, credit_code: str):
    enterprise = get_object_or_404(scoped(request), credit_code=credit_code)
    try:
        year = int(request.GET.get("year") or 0) or None
    except ValueError:
        year = None
    page = portrait.build(enterprise, year)
    return render(
        request,
        "enterprises/detail.html",
        {
            "p": page,
            "e": enterprise,
            "region_name": region_names().get(enterprise.region_code, enterprise.region_code),
            "tier_now": page.tiers[-1] if page.tiers else None,
        },
    )


urlpatterns = [
    path("registry/", registry, name="registry"),
    path("registry/export/", registry_export, name="registry_export"),
    re_path(r"^(?P<credit_code>[0-9A-Z]{18})/$", detail, name="detail"),
]
