"""Generic scoped views: a page states its model, resource (scope) and template, and nothing else.

NetBox's generic views (ObjectListView, ObjectView, ObjectEditView) with its ObjectPermission idea,
on kechuang.access:

- every object a page shows comes from ``access.visible(user, resource, queryset)``; an object
  outside the scope is a 404, a role without any access to the resource a 403;
- ``ObjectListView`` filters with a form, paginates and exports the same filtered rows to Excel
  (``as_view(export=True)``), text cells written as text;
- ``ObjectEditView`` saves inside ``transaction.atomic`` and then checks that the saved object is
  still within ``access.changeable(user, resource, …)``; if not, the transaction is rolled back and
  the answer is 403 — a user cannot move a row out of their own scope.

A page (with its export; the filter form's ``apply(queryset)`` narrows the rows)::

    class UploadList(ObjectListView):
        model = Upload
        resource = "enterprise_upload"
        template_name = "enterprises/uploads.html"
        export_columns, export_name = (("文件", "file_name"), ("行数", "rows")), "上传记录"

    path("uploads/", UploadList.as_view(), name="uploads"),
    path("uploads/export/", UploadList.as_view(export=True), name="uploads_export"),

and its line in kechuang/access/routes.py: ``"enterprises:uploads": Needs("enterprise_upload")``.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

import xlsxwriter
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Model, QuerySet
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View

from kechuang import access
from kechuang.audit.signals import record_export
from kechuang.web.xlsx import Cells

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ScopedMixin(LoginRequiredMixin):
    """The rows a user may see (or change) of ``model``, as ``resource`` in kechuang.access."""

    model: type[Model]
    resource: str
    denied_message: str = ""  # shown on the 403 page of a role without access to the resource

    def base_queryset(self) -> QuerySet:
        return self.model._default_manager.all()

    def scoped(self, action: str = "view") -> QuerySet:
        """The scoped queryset; AccessDenied (403) when the role has no rows of the resource at all."""
        message = str(self.denied_message or _("无权访问"))
        return access.scoped(self.request.user, self.resource, self.base_queryset(), action, message)

    def extra_context(self, **kwargs) -> dict:
        """Page-specific context (override)."""
        return {}


# ----------------------------------------------------------------------------------------------
# Lists and their Excel export
# ----------------------------------------------------------------------------------------------


def write_xlsx(
    sheet_name: str,
    headers: Sequence[str],
    rows: Iterable[Sequence[Any]],
    widths: Sequence[int] = (),
    default_width: int = 16,
) -> bytes:
    """One sheet: bold headers, frozen first row, autofilter; dates as dates, numbers as numbers and
    every string as text (never a formula or a number, so "=1+1" and "0012" stay as written; see
    kechuang.web.xlsx, the cell writer every export uses)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "default_date_format": "yyyy-mm-dd"})
    cells = Cells(book)
    sheet = book.add_worksheet(sheet_name)
    cells.write_row(sheet, 0, 0, headers, {"bold": True, "bg_color": "#F0F3F6", "border": 1})
    last = 0
    for last, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if isinstance(value, str) and value in ("", "—"):
                continue
            cells.write(sheet, last, c, value)
    for c, width in enumerate(widths):
        sheet.set_column(c, c, width)
    if len(headers) > len(widths):
        sheet.set_column(len(widths), len(headers), default_width)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, last, len(headers) - 1)
    book.close()
    return buffer.getvalue()


def xlsx_response(body: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(body, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


class ObjectListView(ScopedMixin, View):
    """A scoped, filtered, paginated list; ``as_view(export=True)`` is the same rows as Excel.

    Declare ``model``, ``resource``, ``template_name``; optionally ``filter_form`` (a form whose
    ``apply(queryset)`` returns the filtered rows — override ``filter`` for another signature),
    ``export_columns`` ((header, field) pairs) and ``export_name`` for the export.
    """

    http_method_names: ClassVar[list[str]] = ["get", "head", "options"]
    template_name: str
    filter_form: type | None = None
    paginate_by: int = 50
    export: bool = False
    export_columns: Sequence[tuple[str, str]] = ()
    export_name: str = ""  # sheet name and file name stem
    export_widths: Sequence[int] = ()
    chunk_size: int = 2000

    # --- hooks -----------------------------------------------------------------------------------
    def get_filter_form(self, queryset: QuerySet):
        return self.filter_form(self.request.GET or None) if self.filter_form else None

    def filter(self, form, queryset: QuerySet) -> QuerySet:
        return form.apply(queryset) if form is not None else queryset

    def page_rows(self, queryset: QuerySet) -> QuerySet:
        """The queryset the page shows (e.g. with .only() / select_related)."""
        return queryset

    def decorate(self, rows: list) -> list:
        """Add display attributes to the rows of one page (override)."""
        return rows

    def export_headers(self) -> list[str]:
        return [header for header, _field in self.export_columns]

    def export_rows(self, queryset: QuerySet) -> Iterable[Sequence[Any]]:
        fields = [field for _header, field in self.export_columns]
        return queryset.values_list(*fields).iterator(chunk_size=self.chunk_size)

    def export_filename(self) -> str:
        return f"{self.export_name}-{timezone.localdate():%Y%m%d}.xlsx"

    # --- the request -----------------------------------------------------------------------------
    def rows(self) -> tuple[Any, QuerySet]:
        """(filter form, the scoped and filtered rows)."""
        queryset = self.scoped("view")
        form = self.get_filter_form(queryset)
        return form, self.filter(form, queryset)

    def get(self, request, *args, **kwargs):
        form, rows = self.rows()
        if self.export:
            body = write_xlsx(
                self.export_name, self.export_headers(), self.export_rows(rows), widths=self.export_widths
            )
            name = self.export_filename()
            record_export(request.resolver_match.view_name, name, rows.count(), request.GET.urlencode())
            return xlsx_response(body, name)
        page = Paginator(self.page_rows(rows), self.paginate_by).get_page(request.GET.get("page"))
        page.object_list = self.decorate(list(page.object_list))
        context = {"form": form, "page": page, "query": request.GET.urlencode(), **self.extra_context()}
        return render(request, self.template_name, context)


# ----------------------------------------------------------------------------------------------
# One object
# ----------------------------------------------------------------------------------------------


class ObjectView(ScopedMixin, View):
    """One object, fetched only from the scoped queryset (outside the scope: 404).

    Declare ``model``, ``resource``, ``template_name``; ``lookup_field`` (default ``pk``) is matched
    with the URL keyword of the same name. The object is in the context as ``object``.
    """

    http_method_names: ClassVar[list[str]] = ["get", "head", "options"]
    template_name: str
    lookup_field: str = "pk"
    action: str = "view"

    def get_object(self) -> Model:
        return get_object_or_404(
            self.scoped(self.action), **{self.lookup_field: self.kwargs[self.lookup_field]}
        )

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        return render(request, self.template_name, {"object": obj, **self.extra_context(object=obj)})


class ObjectEditView(ScopedMixin, View):
    """Create or edit one object with a ModelForm, NetBox ObjectPermission style.

    The object to edit comes from ``access.changeable`` (outside: 404). On a valid POST the form is
    saved inside a transaction; if the saved object is then not within ``access.changeable`` (it was
    moved out of the user's scope, or created outside it) everything is rolled back and the answer
    is 403. Declare ``model``, ``resource``, ``form_class`` and ``success_url`` (or override
    ``get_success_url``); ``template_name`` defaults to a plain form page. Without ``lookup_field``
    in the URL the view creates.
    """

    http_method_names: ClassVar[list[str]] = ["get", "post", "head", "options"]
    template_name: str = "web/generic/edit.html"
    form_class: type
    lookup_field: str = "pk"
    success_url: str = ""

    def get_object(self) -> Model:
        if self.lookup_field not in self.kwargs:
            self.scoped("change")  # 403 unless the role may change some rows
            return self.model()
        return get_object_or_404(self.scoped("change"), **{self.lookup_field: self.kwargs[self.lookup_field]})

    def get_success_url(self, obj: Model) -> str:
        return self.success_url or obj.get_absolute_url()

    def render_form(self, form, obj, status: int = 200):
        context = {"form": form, "object": obj, **self.extra_context(object=obj)}
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        obj = self.get_object()
        return self.render_form(self.form_class(instance=obj), obj)

    def post(self, request, *args, **kwargs):
        obj = self.get_object()
        form = self.form_class(request.POST, request.FILES, instance=obj)
        if not form.is_valid():
            return self.render_form(form, obj, status=200)
        with transaction.atomic():
            obj = form.save()
            still_mine = access.changeable(
                request.user, self.resource, self.model._default_manager.filter(pk=obj.pk)
            )
            if not still_mine.exists():
                # Raising inside the atomic block rolls the save (and its audit record) back.
                raise access.AccessDenied(_("保存后的对象超出了您的权限范围，未保存任何修改"))
        return HttpResponseRedirect(self.get_success_url(obj))
