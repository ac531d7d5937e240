"""Instrument sharing: the catalogue, one instrument (usage against the national reference lines),
booking, the owner's approval and machine hours, ratings, and vouchers within the year's budget."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from kechuang import access
from kechuang.carriers import services
from kechuang.carriers.forms import BookingForm, UseForm, VoucherForm
from kechuang.carriers.models import Booking, Instrument
from kechuang.carriers.vocabulary import BookingStatus
from kechuang.web.generic import ObjectListView, ObjectView

DENIED = gettext_lazy("您的角色无权查看仪器设施")


class InstrumentList(ObjectListView):
    model = Instrument
    resource = "instrument"
    denied_message = DENIED
    template_name = "carriers/instruments.html"

    def filter(self, form, queryset):
        q = (self.request.GET.get("q") or "").strip()[:60]
        if q:
            queryset = queryset.filter(
                Q(name__icontains=q)
                | Q(name_en__icontains=q)
                | Q(category__icontains=q)
                | Q(owner__name__icontains=q)
            )
        return queryset.select_related("owner")

    def decorate(self, rows):
        year = services_year()
        usage = {
            r["instrument_id"]: r
            for r in services.instrument_usage(
                Instrument.objects.filter(pk__in=[r.pk for r in rows]), year
            ).to_dicts()
        }
        for r in rows:
            u = usage.get(r.pk, {})
            r.work_hours, r.external_hours, r.rating = (
                u.get("work_hours", 0),
                u.get("external_hours", 0),
                u.get("rating"),
            )
        return rows

    def extra_context(self, **kwargs):
        year = services_year()
        total, left = services.voucher_budget_left(year)
        return {
            "year": year,
            "reference": services.REFERENCE_LINES,
            "budget": total,
            "left": left,
            "q": self.request.GET.get("q", ""),
        }


def services_year() -> int:
    from django.db.models import Max

    return Booking.objects.aggregate(y=Max("year"))["y"] or 2025


class InstrumentDetail(ObjectView):
    model = Instrument
    resource = "instrument"
    denied_message = DENIED
    template_name = "carriers/instrument.html"
    lookup_field = "code"

    def extra_context(self, object=None, **kwargs):
        year = services_year()
        usage = services.instrument_usage(Instrument.objects.filter(pk=object.pk), year).to_dicts()[0]
        ref = services.REFERENCE_LINES
        return {
            "year": year,
            "usage": usage,
            "reference": ref,
            "form": BookingForm(),
            "can_book": access.can_change(self.request.user, "booking"),
        }


@login_required
@require_POST
def book(request, code: str):
    access.scoped(request.user, "booking", Booking.objects.none(), "change")
    inst = get_object_or_404(access.visible(request.user, "instrument", Instrument.objects.all()), code=code)
    form = BookingForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items()))
        return redirect(inst.get_absolute_url())
    try:
        services.book(request.user, inst, form.cleaned_data["date"], form.cleaned_data["hours_requested"])
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
        return redirect(inst.get_absolute_url())
    messages.success(request, _("已提交预约，等待仪器所有单位审批"))
    return redirect("carriers:bookings")


class BookingList(ObjectListView):
    model = Booking
    resource = "booking"
    denied_message = gettext_lazy("您的角色无权查看仪器预约")
    template_name = "carriers/bookings.html"

    def filter(self, form, queryset):
        status = self.request.GET.get("status")
        if status in BookingStatus.values:
            queryset = queryset.filter(status=status)
        return queryset.select_related("instrument", "instrument__owner").prefetch_related("voucher")

    def decorate(self, rows):
        user = self.request.user
        shown = Booking.objects.filter(pk__in=[r.pk for r in rows])
        changeable = set(access.changeable(user, "booking", shown).values_list("pk", flat=True))
        # the instrument owner's steps (approval, machine hours): booking_decision
        decidable = set(access.changeable(user, "booking_decision", shown).values_list("pk", flat=True))
        for r in rows:
            r.can_decide = r.pk in decidable and r.status == BookingStatus.REQUESTED
            r.can_use = r.pk in decidable and r.status == BookingStatus.APPROVED
            r.can_rate = (
                r.pk in changeable
                and r.applicant_id == user.pk
                and r.status == BookingStatus.DONE
                and r.rating is None
            )
        return rows

    def extra_context(self, **kwargs):
        year = services_year()
        total, left = services.voucher_budget_left(year)
        return {
            "statuses": BookingStatus.choices,
            "year": year,
            "budget": total,
            "left": left,
            "can_voucher": access.can_change(self.request.user, "voucher"),
            "use_form": UseForm(),
            "voucher_form": VoucherForm(),
        }


@login_required
@require_POST
def booking_action(request, pk: int):
    """The instrument owner approves or rejects a booking, or records the machine hours used; the user
    who booked rates the service once it is done."""
    qs = access.scoped(request.user, "booking", Booking.objects.all(), "change")
    booking = get_object_or_404(qs, pk=pk)
    if request.POST.get("action") == "rate":
        try:
            services.rate_booking(booking, request.user, _rating(request.POST.get("rating")))
            messages.success(request, _("已评价"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect("carriers:bookings")
    if not access.can_change(request.user, "booking_decision", booking):
        messages.error(request, _("只有仪器所有单位可以审批和登记机时"))
        return redirect("carriers:bookings")
    action = request.POST.get("action")
    try:
        if action in ("approve", "reject"):
            services.decide_booking(booking, action == "approve")
            messages.success(request, _("已审批"))
        elif action == "use":
            form = UseForm(request.POST)
            if not form.is_valid():
                raise ValidationError(
                    "；".join(f"{form.fields[f].label}：{e[0]}" for f, e in form.errors.items())
                )
            services.record_use(booking, form.cleaned_data["hours"], form.cleaned_data["rating"])
            messages.success(request, _("已登记机时"))
        else:
            messages.error(request, _("未知的操作"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("carriers:bookings")


def _rating(value) -> int | None:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        return None


@login_required
@require_POST
def voucher(request, pk: int):
    access.scoped(request.user, "voucher", Booking.objects.none(), "change")
    booking = get_object_or_404(access.visible(request.user, "booking", Booking.objects.all()), pk=pk)
    form = VoucherForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(_("请填写创新券金额（万元）"))
        services.issue_voucher(booking, form.cleaned_data["amount"])
        messages.success(request, _("已兑付创新券"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("carriers:bookings")


urlpatterns = [
    path("instruments/", InstrumentList.as_view(), name="instruments"),
    path("instruments/<str:code>/", InstrumentDetail.as_view(), name="instrument"),
    path("instruments/<str:code>/book/", book, name="book"),
    path("bookings/", BookingList.as_view(), name="bookings"),
    path("bookings/<int:pk>/", booking_action, name="booking_action"),
    path("bookings/<int:pk>/voucher/", voucher, name="voucher"),
]
