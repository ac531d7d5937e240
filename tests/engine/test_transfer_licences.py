"""The licence terms file (许可合同条款) of contracts/transfer-data.md: what is accepted, and the Chinese
message, naming licence and field, for what is not."""

from __future__ import annotations

from datetime import date

import pytest

from kechuang.engine.transfer.licences import (
    LicenceError,
    Period,
    load_licences,
    parse_licences,
    validate_licences,
)

LICENSEE = "91441900MA51234562"

GOOD = """\
- code: L-2026-001            # unique
  achievement: DGUT-2025-017
  licensee: 91441900MA51234562
  signed_on: 2026-02-10
  upfront: {amount: 0, due: 2026-02-28}
  milestones:
    - {code: proto, name: 样机验收, amount: 30, due: 2026-09-30}
    - {code: mass, name: 批量生产, amount: 50, event: mass_production, days_after: 60}
  royalty:
    rate: 0.03
    period: year
    start: 2026-01-01
    end: 2030-12-31
    floor: 5
    cap: 40
    report_days: 30
  deferred:
    - {amount: 10, due: 2027-06-30}
- code: L-2026-002
  licensee: 91441900MA5ABCDE1W
  signed_on: 2026-03-01
  royalty: {rate: 0.05, period: quarter, start: 2026-04-01, end: 2027-03-31}
"""


def test_the_contract_example_is_accepted():
    first, second = parse_licences(GOOD)
    assert first.code == "L-2026-001" and first.signed_on == date(2026, 2, 10)
    assert [m.code for m in first.milestones] == ["proto", "mass"]
    assert first.milestones[1].wait == 60 and first.royalty.cap == 40
    assert second.upfront is None and second.milestones == [] and second.deferred == []
    assert second.royalty.floor == 0 and second.royalty.cap is None and second.royalty.report_days == 30
    assert [p.label for p in second.royalty.periods()] == ["2026Q2", "2026Q3", "2026Q4", "2027Q1"]


def test_a_file_with_a_byte_order_mark_and_a_licences_key_is_read(tmp_path):
    path = tmp_path / "licences.yaml"
    text = "licences:\n" + "".join("  " + line + "\n" for line in GOOD.splitlines())
    path.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert [lic.code for lic in load_licences(path)] == ["L-2026-001", "L-2026-002"]


def problems(text: str) -> list[str]:
    with pytest.raises(LicenceError) as caught:
        parse_licences(text, "lic.yaml")
    return caught.value.problems


def one(extra: str, code: str = "L-9") -> str:
    return f"- code: {code}\n  licensee: {LICENSEE}\n  signed_on: 2026-01-05\n" + extra


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ("  upfront: {amount: -1, due: 2026-02-01}\n", "upfront amount", "不能小于 0"),
        ("  upfront: {amount: 5}\n", "upfront due", "须给出支付日期"),
        ("  upfront: {amount: abc, due: 2026-02-01}\n", "upfront amount", "须为数字"),
        ("  upfront: {amount: 5, due: 2026-02-30}\n", "upfront due", "不是有效的日期「2026-02-30」"),
        ("  upfront: {amount: 5, due: 2026/02/01}\n", "upfront due", "须为日期 YYYY-MM-DD"),
        ("  upfront: {amount: 5, due: 2026-02-01, note: x}\n", "upfront note", "不认识的键"),
        ("  milestones:\n    - {code: a, amount: 1}\n", "milestones 第 1 项", "due（按日期支付）或 event"),
        (
            "  milestones:\n    - {code: a, amount: 1, due: 2026-03-01, event: x}\n",
            "milestones 第 1 项",
            "二者之一",
        ),
        (
            "  milestones:\n    - {code: a, amount: 1, due: 2026-03-01}\n    - {code: a, amount: 2, due: 2026-04-01}\n",
            "milestones 第 2 项 code",
            "「a」与第 1 项重复",
        ),
        (
            "  milestones:\n    - {code: a, amount: 1, event: x, days_after: -3}\n",
            "milestones 第 1 项 days_after",
            "不能小于 0",
        ),
        (
            "  milestones:\n    - {code: a, amount: 1, due: 2026-03-01, days_after: 5}\n",
            "milestones 第 1 项 days_after",
            "event",
        ),
        ("  milestones:\n    - {amount: 1, due: 2026-03-01}\n", "milestones 第 1 项 code", "缺少必填项"),
        (
            "  royalty: {rate: 1.2, period: year, start: 2026-01-01, end: 2026-12-31}\n",
            "royalty rate",
            "不能大于 1",
        ),
        (
            "  royalty: {rate: -0.1, period: year, start: 2026-01-01, end: 2026-12-31}\n",
            "royalty rate",
            "不能小于 0",
        ),
        (
            "  royalty: {rate: 0.1, period: month, start: 2026-01-01, end: 2026-12-31}\n",
            "royalty period",
            "year",
        ),
        (
            "  royalty: {rate: 0.1, period: year, start: 2026-04-01, end: 2026-12-31}\n",
            "royalty start",
            "自然年的第一天",
        ),
        (
            "  royalty: {rate: 0.1, period: quarter, start: 2026-02-01, end: 2026-12-31}\n",
            "royalty start",
            "自然季度的第一天",
        ),
        (
            "  royalty: {rate: 0.1, period: year, start: 2026-01-01, end: 2026-09-30}\n",
            "royalty end",
            "自然年的最后一天",
        ),
        (
            "  royalty: {rate: 0.1, period: quarter, start: 2026-01-01, end: 2026-11-30}\n",
            "royalty end",
            "自然季度的最后一天",
        ),
        (
            "  royalty: {rate: 0.1, period: year, start: 2027-01-01, end: 2026-12-31}\n",
            "royalty end",
            "不能早于 start",
        ),
        (
            "  royalty: {rate: 0.1, period: year, start: 2026-01-01, end: 2026-12-31, floor: 9, cap: 3}\n",
            "royalty cap",
            "不能小于 floor",
        ),
        (
            "  royalty: {rate: 0.1, period: year, start: 2026-01-01, end: 2026-12-31, floar: 3}\n",
            "royalty floar",
            "不认识的键",
        ),
        ("  royalty: {rate: 0.1, period: year, end: 2026-12-31}\n", "royalty start", "缺少必填项"),
        ("  deferred:\n    - {amount: 10}\n", "deferred 第 1 项 due", "缺少必填项"),
        ("  deferred:\n    - {amount: -10, due: 2027-01-01}\n", "deferred 第 1 项 amount", "不能小于 0"),
    ],
)
def test_each_bad_term_is_named_with_its_licence_and_field(extra, field, words):
    found = problems(one(extra))
    assert any(p.startswith(f"lic.yaml：许可合同 L-9（第 1 项）{field}：") and words in p for p in found), (
        found
    )


def test_the_licensee_credit_code_is_checked():
    text = f"- code: L-1\n  licensee: {LICENSEE[:-1]}3\n  signed_on: 2026-01-05\n"
    (p,) = problems(text)
    assert p.startswith("lic.yaml：许可合同 L-1（第 1 项）licensee：统一社会信用代码") and "校验" in p


def test_missing_fields_of_a_licence_are_named():
    found = problems("- code: L-1\n")
    assert "lic.yaml：许可合同 L-1（第 1 项）licensee：缺少必填项" in found
    assert "lic.yaml：许可合同 L-1（第 1 项）signed_on：缺少必填项" in found


def test_a_licence_without_a_code_is_named_by_its_position():
    found = problems(one("") + f"- licensee: {LICENSEE}\n  signed_on: 2026-01-05\n")
    assert found == ["lic.yaml：第 2 项许可合同（无编号）code：缺少必填项"]


def test_licence_codes_are_unique():
    found = problems(one("") + one("", code="L-8") + one(""))
    assert found == ["lic.yaml：许可合同 L-9（第 3 项）code：许可合同编号「L-9」与第 1 项重复"]


def test_not_a_list_or_not_yaml_is_refused():
    assert "顶层须为许可合同的列表" in problems("code: L-1\n")[0]
    assert "不是合法的 YAML" in problems("- code: [L-1\n")[0]
    assert "须为映射" in problems("- just text\n")[0]


def test_every_problem_of_the_file_is_listed():
    text = one("  upfront: {amount: -1, due: 2026-02-01}\n") + one(
        "  deferred:\n    - {amount: 1}\n", code="L-8"
    )
    found = problems(text)
    assert len(found) == 2 and "L-9" in found[0] and "L-8" in found[1]


def test_keys_the_platform_adds_are_dropped_when_asked():
    item = {"code": "L-1", "licensee": LICENSEE, "signed_on": date(2026, 1, 5), "id": 7,
            "upfront": {"amount": 1, "due": date(2026, 2, 1), "label": "入门费"}}  # fmt: skip
    with pytest.raises(LicenceError, match="不认识的键"):
        validate_licences([item])
    (lic,) = validate_licences([item], strict_keys=False)
    assert lic.upfront.amount == 1


def test_periods_parse_years_and_quarters_only():
    assert Period.parse("2026") == Period(date(2026, 1, 1), date(2026, 12, 31), "2026", "year")
    assert Period.parse("2028Q1").last == date(2028, 3, 31)
    assert Period.parse("2026Q4").first == date(2026, 10, 1)
    for bad in ("2026Q5", "2026-Q1", "26", "2026q1", "2026 Q1", ""):
        assert Period.parse(bad) is None, bad


def test_a_null_floor_report_days_or_days_after_means_the_default():
    text = one(
        "  royalty: {rate: 0.1, period: year, start: 2026-01-01, end: 2026-12-31, floor: ~, report_days: ~}\n"
        "  milestones:\n    - {code: m, amount: 1, event: e, days_after: ~}\n"
    )
    (lic,) = parse_licences(text)
    assert (lic.royalty.floor, lic.royalty.report_days, lic.milestones[0].wait) == (0, 30, 30)


def test_a_bad_credit_code_is_reported_with_the_other_problems_of_its_licence():
    found = problems(f"- code: L-1\n  licensee: {LICENSEE[:-1]}3\n  signed_on: 2026-01-32\n")
    assert found == [
        "lic.yaml：许可合同 L-1（第 1 项）signed_on：不是有效的日期「2026-01-32」",
        f"lic.yaml：许可合同 L-1（第 1 项）licensee：统一社会信用代码「{LICENSEE[:-1]}3」校验码错误，应为2",
    ]
