"""The dues contract of 先用后转 licences (contracts/transfer-data.md, "What is due"), computed by
kechuang.engine.transfer.dues; the numbers in these tests are worked out by hand."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest

from kechuang.engine.transfer.dues import compute_dues, money
from kechuang.engine.transfer.licences import validate_licences

LICENSEE = "91441900MA51234562"
OTHER = "91441900MA5ABCDE1W"


def licence(code="L-1", **terms) -> dict:
    return {"code": code, "licensee": LICENSEE, "signed_on": "2026-01-05", **terms}


def dues(licences, as_of, reports=(), payments=(), events=()) -> dict:
    """The contract's JSON, through a JSON round trip (what a reader of the command's output sees)."""
    result = compute_dues(licences, list(reports), list(payments), list(events), as_of)
    return json.loads(json.dumps(result.to_json(), ensure_ascii=False))


def report(period, revenue, lic="L-1"):
    return {"licence": lic, "period": period, "revenue": revenue}


def payment(paid_on, amount, lic="L-1"):
    return {"licence": lic, "paid_on": paid_on, "amount": amount}


def event(milestone, occurred_on, lic="L-1"):
    return {"licence": lic, "milestone": milestone, "occurred_on": occurred_on}


def items(result, code="L-1") -> dict[str, dict]:
    lic = next(x for x in result["licences"] if x["code"] == code)
    return {i["ref"]: i for i in lic["items"]}


# The contract's own example licence, and a second one with quarterly royalties.
EXAMPLE = [
    licence(
        "L-2026-001",
        achievement="DGUT-2025-017",
        signed_on="2026-02-10",
        upfront={"amount": 0, "due": "2026-02-28"},
        milestones=[
            {"code": "proto", "name": "样机验收", "amount": 30, "due": "2026-09-30"},
            {"code": "mass", "name": "批量生产", "amount": 50, "event": "mass_production", "days_after": 60},
        ],
        royalty={
            "rate": 0.03,
            "period": "year",
            "start": "2026-01-01",
            "end": "2030-12-31",
            "floor": 5,
            "cap": 40,
            "report_days": 30,
        },
        deferred=[{"amount": 10, "due": "2027-06-30"}],
    ),
    {
        "code": "L-2026-002",
        "licensee": OTHER,
        "signed_on": "2026-01-05",
        "upfront": {"amount": 20, "due": "2026-01-31"},
        "royalty": {
            "rate": 0.05,
            "period": "quarter",
            "start": "2026-01-01",
            "end": "2026-12-31",
            "floor": 1,
        },
    },
]


def test_a_full_example_worked_out_by_hand():
    result = dues(
        EXAMPLE,
        "2027-03-31",
        reports=[
            report("2026", 500, "L-2026-001"),
            report("2026Q1", 100, "L-2026-002"),
            report("2026Q3", 10, "L-2026-002"),
        ],
        payments=[
            payment("2026-10-01", 30, "L-2026-001"),
            payment("2027-01-20", 10, "L-2026-001"),
            payment("2026-02-01", 30, "L-2026-002"),
            payment("2027-04-01", 100, "L-2026-002"),  # after D: ignored
        ],
        events=[
            event("mass_production", "2026-12-15", "L-2026-001"),
            event("mass", "2027-05-01", "L-2026-001"),
        ],
    )
    # L-2026-001: upfront 0 → no item; proto 30 on 2026-09-30; royalty 2026 = 3% × 500 = 15 (between
    # floor 5 and cap 40) due 2026-12-31 + 30 = 2027-01-30; mass: earliest event ≤ D is 2026-12-15,
    # + 60 days = 2027-02-13; deferred 10 on 2027-06-30 (after D, listed). Payments 40 ≤ D: proto 30
    # paid, royalty 10 of 15. Due to date 30 + 15 + 50 = 95; overdue 5 + 50 = 55.
    # L-2026-002: upfront 20; quarters Q1 5% × 100 = 5, Q2 unreported → floor 1, Q3 5% × 10 = 0.5 →
    # floor 1, Q4 unreported → 1 (ended 2026-12-31 ≤ D). Due 28, paid 30 (the 100 paid after D does
    # not count), credit 2.
    assert result == {
        "as_of": "2027-03-31",
        "licences": [
            {
                "code": "L-2026-001",
                "due_to_date": 95,
                "paid": 40,
                "overdue": 55,
                "credit": 0,
                "items": [
                    {"kind": "milestone", "ref": "proto", "due": "2026-09-30", "amount": 30, "paid": 30,
                     "outstanding": 0, "status": "paid"},
                    {"kind": "royalty", "ref": "2026", "due": "2027-01-30", "amount": 15, "paid": 10,
                     "outstanding": 5, "status": "overdue", "reported": True},
                    {"kind": "milestone", "ref": "mass", "due": "2027-02-13", "amount": 50, "paid": 0,
                     "outstanding": 50, "status": "overdue"},
                    {"kind": "deferred", "ref": "deferred-1", "due": "2027-06-30", "amount": 10, "paid": 0,
                     "outstanding": 10, "status": "open"},
                ],
            },
            {
                "code": "L-2026-002",
                "due_to_date": 28,
                "paid": 30,
                "overdue": 0,
                "credit": 2,
                "items": [
                    {"kind": "upfront", "ref": "upfront", "due": "2026-01-31", "amount": 20, "paid": 20,
                     "outstanding": 0, "status": "paid"},
                    {"kind": "royalty", "ref": "2026Q1", "due": "2026-04-30", "amount": 5, "paid": 5,
                     "outstanding": 0, "status": "paid", "reported": True},
                    {"kind": "royalty", "ref": "2026Q2", "due": "2026-07-30", "amount": 1, "paid": 1,
                     "outstanding": 0, "status": "paid", "reported": False},
                    {"kind": "royalty", "ref": "2026Q3", "due": "2026-10-30", "amount": 1, "paid": 1,
                     "outstanding": 0, "status": "paid", "reported": True},
                    {"kind": "royalty", "ref": "2026Q4", "due": "2027-01-30", "amount": 1, "paid": 1,
                     "outstanding": 0, "status": "paid", "reported": False},
                ],
            },
        ],
    }  # fmt: skip


YEARLY = {"rate": 0.1, "period": "year", "start": "2026-01-01", "end": "2029-12-31", "floor": 5, "cap": 20}


def test_royalty_is_rate_times_revenue_between_floor_and_cap():
    result = dues(
        [licence(royalty=YEARLY)],
        "2029-12-31",
        reports=[report("2026", 30), report("2027", 120), report("2028", 1000)],
    )
    got = items(result)
    assert [(ref, i["amount"], i["reported"]) for ref, i in got.items()] == [
        ("2026", 5, True),  # 10% × 30 = 3 → floor 5
        ("2027", 12, True),  # 10% × 120
        ("2028", 20, True),  # 10% × 1000 = 100 → cap 20
        ("2029", 5, False),  # no report → floor
    ]


def test_without_floor_or_cap_an_unreported_period_owes_nothing_and_revenue_is_not_capped():
    terms = {"rate": 0.2, "period": "year", "start": "2026-01-01", "end": "2027-12-31"}
    got = items(dues([licence(royalty=terms)], "2028-06-30", reports=[report("2027", 10_000)]))
    assert got["2026"]["amount"] == 0 and got["2026"]["reported"] is False and got["2026"]["status"] == "paid"
    assert got["2027"]["amount"] == 2000


def test_quarterly_periods_are_listed_once_ended_and_due_report_days_later():
    terms = {"rate": 0.1, "period": "quarter", "start": "2027-10-01", "end": "2028-12-31", "report_days": 15}
    got = items(dues([licence(royalty=terms)], "2028-03-31", reports=[report("2028Q1", 50)]))
    # 2028Q1 ends on D itself (leap year: 2028-03-31), so it is listed; 2028Q2 has not ended.
    assert list(got) == ["2027Q4", "2028Q1"]
    assert got["2027Q4"]["due"] == "2028-01-15" and got["2028Q1"]["due"] == "2028-04-15"
    assert got["2028Q1"]["amount"] == 5 and got["2028Q1"]["status"] == "open"


def test_report_days_default_to_30():
    terms = {"rate": 0.1, "period": "quarter", "start": "2026-01-01", "end": "2026-12-31"}
    got = items(dues([licence(royalty=terms)], "2026-06-30"))
    assert got["2026Q1"]["due"] == "2026-04-30" and got["2026Q2"]["due"] == "2026-07-30"


def test_the_royalty_term_bounds_the_periods():
    terms = {"rate": 0.1, "period": "year", "start": "2026-01-01", "end": "2027-12-31", "floor": 1}
    got = items(dues([licence(royalty=terms)], "2031-01-01"))
    assert list(got) == ["2026", "2027"]


MILESTONES = [
    {"code": "proto", "amount": 30, "due": "2026-09-30"},
    {"code": "mass", "amount": 50, "event": "mass_production", "days_after": 60},
    {"code": "export", "amount": 40, "event": "first_export"},  # days_after default 30
    {"code": "cert", "amount": 20, "event": "certified"},
]


def test_event_milestones_count_from_the_earliest_recorded_event_on_or_before_d():
    got = items(
        dues(
            [licence(milestones=MILESTONES)],
            "2027-03-31",
            events=[
                event("mass_production", "2027-01-10"),
                event("mass", "2026-12-01"),  # by code, earlier: this one counts
                event("first_export", "2027-03-01"),
                event("certified", "2027-04-01"),  # after D: not listed
            ],
        )
    )
    assert list(got) == ["proto", "mass", "export"]
    assert got["mass"]["due"] == "2027-01-30"  # 2026-12-01 + 60
    assert got["export"]["due"] == "2027-03-31"  # 2027-03-01 + 30 (the default) = D: open
    assert got["export"]["status"] == "open" and got["mass"]["status"] == "overdue"


def test_an_event_recorded_after_d_does_not_count_even_when_recorded_earlier_elsewhere():
    got = items(dues([licence(milestones=MILESTONES)], "2026-12-31", events=[event("mass", "2027-01-05")]))
    assert "mass" not in got and list(got) == ["proto"]


def test_deferred_payments_are_numbered_in_file_order_and_listed_before_they_are_due():
    terms = [{"amount": 10, "due": "2028-06-30"}, {"amount": 5, "due": "2027-06-30"}]
    result = dues([licence(deferred=terms)], "2027-12-31")
    got = items(result)
    assert [(i["ref"], i["due"], i["status"]) for i in result["licences"][0]["items"]] == [
        ("deferred-2", "2027-06-30", "overdue"),
        ("deferred-1", "2028-06-30", "open"),
    ]
    assert got["deferred-1"]["outstanding"] == 10
    assert result["licences"][0]["due_to_date"] == 5 and result["licences"][0]["overdue"] == 5


def test_zero_upfront_is_no_item_and_a_positive_one_is():
    zero = dues([licence(upfront={"amount": 0, "due": "2026-02-01"})], "2026-03-01")
    assert zero["licences"][0]["items"] == [] and zero["licences"][0]["due_to_date"] == 0
    paid = dues(
        [licence(upfront={"amount": 8, "due": "2026-02-01"})],
        "2026-03-01",
        payments=[payment("2026-01-20", 8)],
    )
    assert paid["licences"][0]["items"] == [
        {"kind": "upfront", "ref": "upfront", "due": "2026-02-01", "amount": 8, "paid": 8, "outstanding": 0,
         "status": "paid"}
    ]  # fmt: skip


def test_over_payment_pays_future_items_and_leaves_credit():
    lic = licence(upfront={"amount": 10, "due": "2026-02-01"}, deferred=[{"amount": 25, "due": "2027-01-31"}])
    result = dues([lic], "2026-06-30", payments=[payment("2026-01-31", 20), payment("2026-05-01", 30)])
    summary = result["licences"][0]
    got = items(result)
    assert got["upfront"]["status"] == "paid"
    assert got["deferred-1"] == {"kind": "deferred", "ref": "deferred-1", "due": "2027-01-31", "amount": 25,
                                 "paid": 25, "outstanding": 0, "status": "paid"}  # fmt: skip
    assert (summary["due_to_date"], summary["paid"], summary["overdue"], summary["credit"]) == (10, 50, 0, 15)


def test_a_future_item_partly_paid_is_open():
    lic = licence(deferred=[{"amount": 25, "due": "2027-01-31"}])
    got = items(dues([lic], "2026-06-30", payments=[payment("2026-05-01", 5)]))
    assert (got["deferred-1"]["paid"], got["deferred-1"]["outstanding"], got["deferred-1"]["status"]) == (
        5,
        20,
        "open",
    )


def test_payments_after_d_are_ignored():
    lic = licence(upfront={"amount": 10, "due": "2026-02-01"})
    result = dues([lic], "2026-03-01", payments=[payment("2026-03-01", 4), payment("2026-03-02", 6)])
    summary = result["licences"][0]
    assert (summary["paid"], summary["overdue"], summary["credit"]) == (4, 6, 0)
    assert items(result)["upfront"]["status"] == "overdue"


def test_an_item_due_on_d_is_open_and_counts_as_due_the_day_before_it_is_overdue():
    lic = licence(milestones=[{"code": "m1", "amount": 7, "due": "2026-05-01"}])
    on_d = dues([lic], "2026-05-01")
    assert items(on_d)["m1"]["status"] == "open"
    assert on_d["licences"][0]["due_to_date"] == 7 and on_d["licences"][0]["overdue"] == 0
    day_after = dues([lic], "2026-05-02")
    assert items(day_after)["m1"]["status"] == "overdue" and day_after["licences"][0]["overdue"] == 7
    day_before = dues([lic], "2026-04-30")
    assert items(day_before)["m1"]["status"] == "open" and day_before["licences"][0]["due_to_date"] == 0


def test_items_due_on_the_same_day_are_paid_upfront_milestone_royalty_deferred_then_by_ref():
    day = "2027-01-30"
    lic = licence(
        upfront={"amount": 10, "due": day},
        milestones=[{"code": "zeta", "amount": 10, "due": day}, {"code": "alpha", "amount": 10, "due": day}],
        royalty={"rate": 0.1, "period": "year", "start": "2026-01-01", "end": "2026-12-31", "floor": 10},
        deferred=[{"amount": 10, "due": day}],
    )
    result = dues([lic], "2027-02-28", payments=[payment("2027-01-01", 25)])
    rows = [(i["kind"], i["ref"], i["paid"], i["status"]) for i in result["licences"][0]["items"]]
    assert rows == [
        ("upfront", "upfront", 10, "paid"),
        ("milestone", "alpha", 10, "paid"),
        ("milestone", "zeta", 5, "overdue"),
        ("royalty", "2026", 0, "overdue"),
        ("deferred", "deferred-1", 0, "overdue"),
    ]


def test_an_earlier_due_date_is_paid_first_whatever_the_kind():
    lic = licence(
        upfront={"amount": 10, "due": "2026-06-30"},
        deferred=[{"amount": 10, "due": "2026-03-31"}],
    )
    got = items(dues([lic], "2026-12-31", payments=[payment("2026-01-01", 10)]))
    assert got["deferred-1"]["status"] == "paid" and got["upfront"]["status"] == "overdue"


def test_payments_and_reports_of_one_licence_do_not_touch_another():
    a = licence("A", upfront={"amount": 10, "due": "2026-02-01"})
    b = {**licence("B", upfront={"amount": 10, "due": "2026-02-01"}), "licensee": OTHER}
    result = dues([b, a], "2026-03-01", payments=[payment("2026-01-01", 10, "A")])
    assert [x["code"] for x in result["licences"]] == ["B", "A"]  # the order given
    assert items(result, "A")["upfront"]["status"] == "paid"
    assert items(result, "B")["upfront"]["status"] == "overdue"


def test_floating_point_noise_is_zero_and_money_has_six_decimals():
    lic = licence(royalty={"rate": 0.03, "period": "year", "start": "2026-01-01", "end": "2026-12-31"})
    # 0.03 × 1234.56 = 37.0368 on paper, 37.036799999999996 in binary floating point.
    result = dues(
        [lic], "2027-02-28", reports=[report("2026", 1234.56)], payments=[payment("2027-01-02", 37.0368)]
    )
    got = items(result)["2026"]
    assert got["amount"] == 37.0368 and got["outstanding"] == 0 and got["status"] == "paid"
    assert result["licences"][0]["credit"] == 0
    third = dues([lic], "2027-02-28", reports=[report("2026", 100 / 3)])
    assert items(third)["2026"]["amount"] == 1.0  # 0.03 × 33.333… = 0.99999…9 → 1.0 at 6 decimals
    assert money(-1e-12) == 0 and json.dumps(money(-1e-12)) == "0"
    assert money(1.23456789) == 1.234568


def test_reported_appears_on_royalty_items_only():
    lic = licence(
        upfront={"amount": 1, "due": "2026-02-01"},
        royalty={"rate": 0.1, "period": "year", "start": "2026-01-01", "end": "2026-12-31"},
    )
    result = dues([lic], "2027-06-30")
    keys = {i["kind"]: set(i) for i in result["licences"][0]["items"]}
    assert "reported" not in keys["upfront"] and "reported" in keys["royalty"]


def test_polars_frames_give_the_same_result_as_rows():
    reports = pl.DataFrame({"licence": ["L-2026-001"], "period": ["2026"], "revenue": [500.0]})
    payments = pl.DataFrame({"licence": ["L-2026-001"], "paid_on": [date(2026, 10, 1)], "amount": [40.0]})
    events = pl.DataFrame(
        {"licence": ["L-2026-001"], "milestone": ["mass"], "occurred_on": [date(2026, 12, 15)]}
    )
    terms = validate_licences(EXAMPLE)
    framed = compute_dues(terms, reports, payments, events, date(2027, 3, 31)).to_json()
    listed = dues(
        EXAMPLE,
        "2027-03-31",
        reports=[report("2026", 500, "L-2026-001")],
        payments=[payment("2026-10-01", 40, "L-2026-001")],
        events=[event("mass", "2026-12-15", "L-2026-001")],
    )
    assert json.loads(json.dumps(framed)) == listed


def test_a_missing_date_is_refused():
    with pytest.raises(ValueError, match="as_of"):
        compute_dues(EXAMPLE, as_of=None)


def test_random_licences_keep_the_books_balanced():
    """Whatever the terms and payments: what the items received plus the credit is what was paid up to
    D; each item's paid + outstanding is its amount; items are in due order; overdue ⊆ due to date."""
    import random

    rng = random.Random(7)
    for n in range(200):
        lic = licence(
            f"R{n}",
            upfront={"amount": rng.choice([0, 5, 12.5]), "due": "2026-03-01"},
            milestones=[{"code": f"m{k}", "amount": rng.randint(0, 40), "due": f"2026-{k + 4:02d}-15"} for k in range(3)],
            royalty={"rate": 0.05, "period": rng.choice(["year", "quarter"]), "start": "2026-01-01",
                     "end": "2028-12-31", "floor": rng.choice([0, 2]), "cap": rng.choice([None, 30])},
            deferred=[{"amount": rng.randint(1, 20), "due": "2027-06-30"}],
        )  # fmt: skip
        as_of = date(2026 + rng.randint(0, 3), rng.randint(1, 12), 1)
        pays = [
            payment(f"2026-{rng.randint(1, 12):02d}-01", round(rng.random() * 60, 2), f"R{n}")
            for _ in range(4)
        ]
        pays += [payment("2029-06-01", 99, f"R{n}")]  # after every D used here
        result = dues([lic], as_of.isoformat(), payments=pays)["licences"][0]
        total = sum(p["amount"] for p in pays if p["paid_on"] <= as_of.isoformat())
        got = result["items"]
        assert sum(i["paid"] for i in got) + result["credit"] == pytest.approx(total, abs=1e-6)
        assert result["paid"] == pytest.approx(total, abs=1e-6)
        for i in got:
            assert i["paid"] + i["outstanding"] == pytest.approx(i["amount"], abs=1e-6)
            assert i["status"] == (
                "paid" if i["outstanding"] == 0 else "overdue" if i["due"] < str(as_of) else "open"
            )
        assert [i["due"] for i in got] == sorted(i["due"] for i in got)
        assert result["credit"] == 0 or all(i["outstanding"] == 0 for i in got)
        assert result["overdue"] <= result["due_to_date"] + 1e-6


def test_terms_given_as_dicts_are_checked_with_their_position():
    from kechuang.engine.transfer.licences import LicenceError

    bad = {
        **licence("B"),
        "royalty": {"rate": 2, "period": "year", "start": "2026-01-01", "end": "2026-12-31"},
    }
    with pytest.raises(LicenceError) as caught:
        compute_dues([licence("A"), bad], as_of="2026-12-31")
    assert caught.value.problems == ["许可合同条款：许可合同 B（第 2 项）royalty rate：不能大于 1，收到 2"]
