"""A carrier's own data kept by its operator (the administration's inlines did it alone before): the
incubated enterprises of an incubator — linked to the enterprise registry by 统一社会信用代码, with the
entry and graduation years and the carrier's equity investment — and a new R&D institution's reported
values of its 「一院一策」 targets for a year. The pages and the API call these; who may call them on
which carrier is kechuang.access's (resource ``carrier_upkeep``, whose rows are carriers). Every
change is audited (the models are); a refusal is a ValidationError whose messages name the field
(「入驻年度：…」) and nothing is written."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kechuang.carriers.models import Carrier, IncubatedEnterprise, InstitutionTarget, TargetValue
from kechuang.carriers.vocabulary import ExitReason

LABELS = {
    "credit_code": gettext_lazy("统一社会信用代码"),
    "entered_year": gettext_lazy("入驻年度"),
    "graduated_year": gettext_lazy("毕业年度"),
    "invested": gettext_lazy("载体股权投资（确权实缴）"),
    "invested_year": gettext_lazy("股权投资年度"),
    "left_on": gettext_lazy("退出日期"),
    "exit_reason": gettext_lazy("退出原因"),
    "year": gettext_lazy("年度"),
    "target": gettext_lazy("目标"),
    "value": gettext_lazy("实际值"),
}
FIRST_YEAR, LAST_YEAR = 2000, 2100


def field_message(label, message) -> str:
    """「入驻年度：应为 …」: a message naming its field."""
    sep = _("：")
    return f"{label}{sep}{message}"


def _labelled(errors: dict[str, list[str]]) -> ValidationError:
    return ValidationError(
        [field_message(LABELS.get(field, field), m) for field, msgs in errors.items() for m in msgs]
    )


def _year(value, field: str, errors: dict, required: bool = True) -> int | None:
    if value in (None, ""):
        if required:
            errors.setdefault(field, []).append(_("请填写"))
        return None
    try:
        year = int(str(value).strip())
    except ValueError:
        year = None
    if year is None or not FIRST_YEAR <= year <= LAST_YEAR:
        errors.setdefault(field, []).append(_("应为 2000–2100 之间的年份"))
        return None
    return year


def incubated(carrier: Carrier):
    return IncubatedEnterprise.objects.filter(carrier=carrier).select_related("enterprise")


def find_incubated(carrier: Carrier, credit_code: str) -> IncubatedEnterprise | None:
    return incubated(carrier).filter(enterprise__credit_code=(credit_code or "").strip().upper()).first()


def _check_link(link: IncubatedEnterprise, errors: dict) -> None:
    if errors:
        raise _labelled(errors)
    try:
        link.full_clean(exclude=["carrier", "enterprise"])
    except ValidationError as exc:
        raise _labelled(exc.message_dict) from exc


def add_incubated(
    carrier: Carrier,
    credit_code: str,
    entered_year,
    graduated_year=None,
    invested: bool = False,
    invested_year=None,
) -> IncubatedEnterprise:
    """A registry enterprise enters the carrier's incubation (once per carrier); with the carrier's
    equity investment, its year when known (the 标准级 check counts the year's investments)."""
    from kechuang.enterprises.models import Enterprise

    errors: dict[str, list[str]] = {}
    code = (credit_code or "").strip().upper()
    enterprise = None
    if not code:
        errors["credit_code"] = [_("请填写")]
    else:
        enterprise = Enterprise.objects.filter(credit_code=code).first()
        if enterprise is None:
            errors["credit_code"] = [_("企业库中没有统一社会信用代码为 %(c)s 的企业") % {"c": code}]
        elif (
            old := IncubatedEnterprise.objects.filter(carrier=carrier, enterprise=enterprise).first()
        ) is not None:
            if old.left_on is not None:  # one row per carrier: moving back in undoes the exit
                errors["credit_code"] = [
                    _(
                        "%(n)s 已于 %(d)s 退出本载体（%(r)s）；如重新入驻或退出登记有误，请在「已退出的企业」中撤销退出，再修改该行"
                    )
                    % {"n": enterprise.name, "d": old.left_on.isoformat(), "r": old.get_exit_reason_display()}
                ]
            else:
                errors["credit_code"] = [
                    _("%(n)s 已是本载体的在孵（或毕业）企业，请修改该行") % {"n": enterprise.name}
                ]
    link = IncubatedEnterprise(
        carrier=carrier,
        enterprise=enterprise,
        entered_year=_year(entered_year, "entered_year", errors),
        graduated_year=_year(graduated_year, "graduated_year", errors, required=False),
        invested=bool(invested),
        invested_year=_year(invested_year, "invested_year", errors, required=False),
    )
    _check_link(link, errors)
    link.save()
    return link


def edit_incubated(link: IncubatedEnterprise, **changes) -> IncubatedEnterprise:
    """Changes the given fields of an incubated enterprise (entered_year, graduated_year and
    invested_year — None or "" clears them —, invested); the others are kept. No longer invested
    clears the investment's year unless one is given."""
    errors: dict[str, list[str]] = {}
    if "entered_year" in changes:
        link.entered_year = _year(changes["entered_year"], "entered_year", errors)
        if link.left_on is not None and link.entered_year and link.entered_year > link.left_on.year:
            errors.setdefault("entered_year", []).append(
                _("不能晚于退出日期（%(d)s）所在年度") % {"d": link.left_on.isoformat()}
            )
    if "graduated_year" in changes:
        graduated = _year(changes["graduated_year"], "graduated_year", errors, required=False)
        if graduated is None and link.exit_reason == ExitReason.GRADUATED and "graduated_year" not in errors:
            errors["graduated_year"] = [_("该企业已以毕业退出，毕业年度不能清空；如退出登记有误，请撤销退出")]
        if graduated != link.graduated_year:
            link.graduated_by_exit = False  # the year is now the operator's, not the exit's
        link.graduated_year = graduated
    if "invested" in changes and changes["invested"] is not None:
        link.invested = bool(changes["invested"])
        if not link.invested and "invested_year" not in changes:
            link.invested_year = None
    if "invested_year" in changes:
        link.invested_year = _year(changes["invested_year"], "invested_year", errors, required=False)
    _check_link(link, errors)
    link.save()
    return link


def leave_incubated(link: IncubatedEnterprise, reason, left_on=None) -> IncubatedEnterprise:
    """The enterprise leaves the carrier (退出): the row is kept with the date (today when not given)
    and the reason — 毕业 (also the graduation year, when not yet recorded), 迁出, 注销 or 误录 (entered
    by mistake: it then counts in no year). Refused, naming the field, for an unknown reason, a date
    that is not one, before the entry year or after today, or an enterprise that has already left."""
    import datetime as dt

    errors: dict[str, list[str]] = {}
    if reason not in ExitReason.values:
        choices = "、".join(str(label) for label in ExitReason.labels)
        errors["exit_reason"] = [_("请选择：%(c)s") % {"c": choices}]
    today = timezone.localdate()
    day = today
    if isinstance(left_on, dt.date):
        day = left_on
    elif left_on not in (None, ""):
        try:
            day = dt.date.fromisoformat(str(left_on).strip())
        except ValueError:
            errors["left_on"] = [_("应为日期，如 %(d)s") % {"d": today.isoformat()}]
            day = None
    if day is not None:
        if day > today:
            errors.setdefault("left_on", []).append(_("不能晚于今天（%(d)s）") % {"d": today.isoformat()})
        elif day.year < link.entered_year:
            errors.setdefault("left_on", []).append(_("不能早于入驻年度（%(y)s）") % {"y": link.entered_year})
    if errors:
        raise _labelled(errors)
    if link.left_on is not None:  # the request's own faults first, then the row's state
        raise ValidationError(
            _("%(n)s 已于 %(d)s 退出（%(r)s）")
            % {"n": link.enterprise.name, "d": link.left_on.isoformat(), "r": link.get_exit_reason_display()}
        )
    link.left_on, link.exit_reason = day, reason
    if reason == ExitReason.GRADUATED and link.graduated_year is None:
        link.graduated_year, link.graduated_by_exit = day.year, True
    link.save()
    return link


def undo_exit(link: IncubatedEnterprise) -> IncubatedEnterprise:
    """撤销退出: an exit recorded by mistake, or an enterprise moving back in (one row per carrier),
    is undone — the date and reason are cleared, and the graduation year too when the exit set it.
    Audited as every change; refused for an enterprise that has not left."""
    if link.left_on is None:
        raise ValidationError(_("%(n)s 没有退出登记，无需撤销") % {"n": link.enterprise.name})
    link.left_on, link.exit_reason = None, ""
    if link.graduated_by_exit:
        link.graduated_year = None
    link.graduated_by_exit = False
    link.save()
    return link


# ------------------------------------------------------------------------------------------------
# 「一院一策」: an institution reports its targets' values for a year
# ------------------------------------------------------------------------------------------------


def target_rows(carrier: Carrier, year: int | None) -> list[dict]:
    """Each target of the carrier with its value for ``year`` (None when not reported)."""
    targets = list(InstitutionTarget.objects.filter(carrier=carrier).order_by("code"))
    reported = dict(
        TargetValue.objects.filter(target__in=targets, year=year).values_list("target_id", "value")
    )
    return [{"target": t, "value": reported.get(t.pk)} for t in targets]


def _number(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = str(value).strip().replace(",", "")
        if not text:
            return None
        number = float(text)
    if number != number or number in (float("inf"), float("-inf")):  # NaN, infinity
        raise ValueError
    return number


def report_target_values(
    carrier: Carrier, year, values: dict[str, object], correct: bool = False
) -> list[TargetValue]:
    """The values of the carrier's targets (by target code) for ``year``, all or nothing. A target left
    empty is not reported; a value already reported for that year is changed only with ``correct``
    (else refused with the value on record); the same value again changes nothing."""
    errors: dict[str, list[str]] = {}
    y = _year(year, "year", errors)
    if y is not None and y > timezone.localdate().year:
        errors.setdefault("year", []).append(_("不能报送未来年度的实际值"))
    targets = {t.code: t for t in InstitutionTarget.objects.filter(carrier=carrier)}
    if not targets:
        raise ValidationError(_("该载体没有「一院一策」目标"))
    wanted: dict[str, float] = {}
    for code, raw in values.items():
        target = targets.get(str(code).strip())
        if target is None:
            errors.setdefault("target", []).append(_("该载体没有编号为 %(c)s 的目标") % {"c": code})
            continue
        try:
            number = _number(raw)
        except ValueError:
            errors.setdefault("value", []).append(
                _("「%(t)s」的实际值应为数字：%(v)s") % {"t": target.name, "v": raw}
            )
            continue
        if number is not None:
            wanted[target.code] = number
    if not errors and not wanted:
        errors["value"] = [_("请至少填写一个目标的实际值")]
    existing = {
        v.target.code: v
        for v in TargetValue.objects.filter(target__carrier=carrier, year=y).select_related("target")
    }
    if not correct:
        for code, number in wanted.items():
            old = existing.get(code)
            if old is not None and old.value != number:
                errors.setdefault("value", []).append(
                    _("「%(t)s」%(y)s 年已报送 %(v)s；如需更正请选择「更正已报送的值」")
                    % {"t": targets[code].name, "y": y, "v": f"{old.value:g}"}
                )
    if errors:
        raise _labelled(errors)
    saved = []
    with transaction.atomic():
        for code, number in wanted.items():
            old = existing.get(code)
            if old is None:
                saved.append(TargetValue.objects.create(target=targets[code], year=y, value=number))
            elif old.value != number:
                old.value = number
                old.save(update_fields=["value"])
                saved.append(old)
            else:
                saved.append(old)
    return saved
