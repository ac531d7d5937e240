"""What is due under 先用后转 licences as of a date D (contracts/transfer-data.md, "What is due").

``compute_dues(licences, reports, payments, events, as_of)`` is pure (no Django) and is used by the
command ``kechuang transfer dues`` and by the transfer app's pages. For each licence:

- Items: the upfront fee when its amount > 0 (ref ``upfront``); each dated milestone (ref = its
  code); each event milestone whose event is recorded on or before D (an event record names the
  milestone by its code or by its event name; recorded several times: the earliest on or before D),
  due ``occurred_on + days_after`` (default 30); each royalty period of the term whose last day is on
  or before D (ref ``2026`` / ``2026Q1``), due ``last day + report_days``; each deferred payment
  (ref ``deferred-1``, ``deferred-2`` … in file order). Upfront, milestone and deferred items due
  after D are listed too; royalty periods only once ended; unrecorded event milestones not at all.
- Royalty amount: reported revenue R → ``min(max(rate × R, floor), cap)``; no report → the floor
  and ``reported: false`` (``reported`` appears on royalty items only).
- Payments with ``paid_on`` ≤ D are summed per licence and applied to the items in order of due
  date (same date: upfront, milestone, royalty, deferred; then by ref as text), each filled before
  the next; what is left over is ``credit`` (so items due after D can be paid already).
- Status: ``paid`` (outstanding 0), ``overdue`` (due before D and outstanding > 0), else ``open``;
  an item due on D itself is open and counts in ``due_to_date``.
- Per licence: ``due_to_date`` = sum of amounts of items due on or before D; ``paid`` = payments up
  to D; ``overdue`` = sum of outstanding of overdue items; ``credit``.

Floating-point noise: the computation is in binary floating point; any amount whose magnitude is
below 1e-9 is taken as 0 (so a payment of exactly 37.0368 settles a royalty of 0.03 × 1234.56), and
money in the JSON is rounded to 6 decimal places (integral values are written without a fraction).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from kechuang.engine.transfer.licences import Licence, Period, parse_date, validate_licences

EPSILON = 1e-9
DECIMALS = 6

KINDS = ("upfront", "milestone", "royalty", "deferred")  # the order of items due on the same day
KIND_RANK = {k: i for i, k in enumerate(KINDS)}
KIND_LABELS = {"upfront": "入门费", "milestone": "阶段性支付", "royalty": "收入提成", "deferred": "延期支付"}
STATUS_LABELS = {"paid": "已付清", "overdue": "逾期", "open": "未到期"}


def clean(x: float) -> float:
    """0 for floating-point noise (|x| < 1e-9), else x."""
    return 0.0 if abs(x) < EPSILON else x


def money(x: float) -> int | float:
    """A money amount as the JSON shows it: noise → 0, rounded to 6 decimals, integral → int."""
    value = round(clean(x), DECIMALS) + 0.0  # + 0.0 turns -0.0 into 0.0
    return int(value) if value.is_integer() and abs(value) < 1e15 else value


@dataclass
class Item:
    """One payment obligation of a licence, and how much of it the payments cover."""

    kind: str
    ref: str
    due: date
    amount: float
    reported: bool | None = None  # royalty items only
    paid: float = 0.0
    outstanding: float = 0.0
    status: str = "open"

    @property
    def order(self) -> tuple[date, int, str]:
        return (self.due, KIND_RANK[self.kind], self.ref)

    def settle(self, available: float, as_of: date) -> float:
        """Apply what is left of the payments to this item; return what is left after it."""
        self.paid = min(self.amount, max(available, 0.0))
        self.outstanding = clean(self.amount - self.paid)
        if self.outstanding == 0:
            self.paid = self.amount
            self.status = "paid"
        elif self.due < as_of:
            self.status = "overdue"
        else:
            self.status = "open"
        return clean(available - self.paid)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "ref": self.ref,
            "due": self.due.isoformat(),
            "amount": money(self.amount),
            "paid": money(self.paid),
            "outstanding": money(self.outstanding),
            "status": self.status,
        }
        if self.kind == "royalty":
            out["reported"] = bool(self.reported)
        return out


@dataclass
class LicenceDues:
    code: str
    items: list[Item]
    due_to_date: float
    paid: float
    overdue: float
    credit: float

    def to_json(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "due_to_date": money(self.due_to_date),
            "paid": money(self.paid),
            "overdue": money(self.overdue),
            "credit": money(self.credit),
            "items": [i.to_json() for i in self.items],
        }


@dataclass
class Dues:
    as_of: date
    licences: list[LicenceDues] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"as_of": self.as_of.isoformat(), "licences": [lic.to_json() for lic in self.licences]}


def licence_items(
    lic: Licence, revenue: Mapping[str, float], occurred: Mapping[str, list[date]], as_of: date
) -> list[Item]:
    """The items of one licence as of D, in the order payments are applied (nothing paid yet).

    ``revenue``: reported revenue by period label; ``occurred``: the dates recorded for each event
    record name (milestone code or event name)."""
    items: list[Item] = []
    if lic.upfront is not None and lic.upfront.amount > 0 and lic.upfront.due is not None:
        items.append(Item("upfront", "upfront", lic.upfront.due, lic.upfront.amount))
    for m in lic.milestones:
        if m.due is not None:
            items.append(Item("milestone", m.code, m.due, m.amount))
            continue
        dates = [d for name in {m.code, m.event} for d in occurred.get(name or "", []) if d <= as_of]
        if dates:
            items.append(Item("milestone", m.code, min(dates) + timedelta(days=m.wait), m.amount))
    r = lic.royalty
    if r is not None:
        for p in r.periods():
            if p.last > as_of:
                break
            reported = revenue.get(p.label)
            items.append(
                Item(
                    "royalty",
                    p.label,
                    p.last + timedelta(days=r.report_days),
                    r.amount(reported),
                    reported is not None,
                )
            )
    for i, d in enumerate(lic.deferred, start=1):
        items.append(Item("deferred", f"deferred-{i}", d.due, d.amount))
    items.sort(key=lambda item: item.order)
    return items


def settle_licence(code: str, items: list[Item], paid: float, as_of: date) -> LicenceDues:
    """Apply the payments up to D (their sum, ``paid``) to the items in order; the licence's totals."""
    left = clean(paid)
    for item in items:
        left = item.settle(left, as_of)
    return LicenceDues(
        code=code,
        items=items,
        due_to_date=sum(i.amount for i in items if i.due <= as_of),
        paid=paid,
        overdue=sum(i.outstanding for i in items if i.status == "overdue"),
        credit=left,
    )


def _rows(table: Any) -> Iterable[Mapping[str, Any]]:
    """Rows of a Polars DataFrame, or an iterable of mappings, or nothing for None."""
    if table is None:
        return []
    if hasattr(table, "iter_rows"):
        return table.iter_rows(named=True)
    return table


def compute_dues(
    licences: Iterable[Licence | Mapping[str, Any]],
    reports: Any = None,
    payments: Any = None,
    events: Any = None,
    as_of: date | str | None = None,
) -> Dues:
    """What is due as of ``as_of`` for each licence, in the order given.

    ``licences``: validated Licence objects or mappings in the YAML shape (validated here, keys the
    format does not know are ignored); ``reports`` (licence, period, revenue), ``payments``
    (licence, paid_on, amount) and ``events`` (licence, milestone, occurred_on): Polars DataFrames or
    iterables of mappings, dates as ``date`` or ``YYYY-MM-DD``. Rows naming other licences are
    ignored here (the file readers refuse them). ``.to_json()`` gives the contract's JSON."""
    if as_of is None:
        raise ValueError("缺少计算日期 as_of")
    as_of = parse_date(as_of)
    licences = list(licences)
    given = [lic for lic in licences if not isinstance(lic, Licence)]
    if given:
        checked = iter(validate_licences(given, "许可合同条款", strict_keys=False))
        licences = [lic if isinstance(lic, Licence) else next(checked) for lic in licences]
    revenue: dict[str, dict[str, float]] = defaultdict(dict)
    for row in _rows(reports):
        if row.get("revenue") is None:
            continue
        period = Period.parse(str(row["period"]).strip())
        if period is not None:
            revenue[str(row["licence"])][period.label] = float(row["revenue"])
    paid: dict[str, float] = defaultdict(float)
    for row in _rows(payments):
        if row.get("amount") is not None and parse_date(row["paid_on"]) <= as_of:
            paid[str(row["licence"])] += float(row["amount"])
    occurred: dict[str, dict[str, list[date]]] = defaultdict(lambda: defaultdict(list))
    for row in _rows(events):
        occurred[str(row["licence"])][str(row["milestone"]).strip()].append(parse_date(row["occurred_on"]))
    out = Dues(as_of)
    for lic in licences:
        items = licence_items(lic, revenue.get(lic.code, {}), occurred.get(lic.code, {}), as_of)
        out.licences.append(settle_licence(lic.code, items, paid.get(lic.code, 0.0), as_of))
    return out
