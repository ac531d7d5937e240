"""`kechuang transfer dues` run as a user runs it: files in, the contract's JSON (or a table) out, with
no database; bad files refused in Chinese naming file, row and column, nothing on stdout."""

from __future__ import annotations

import json

import pytest

from tests.cli.kit import DB_NAME, run_in

LICENCES = """\
- code: L-2026-001
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
  signed_on: 2026-01-05
  upfront: {amount: 20, due: 2026-01-31}
  royalty: {rate: 0.05, period: quarter, start: 2026-01-01, end: 2026-12-31, floor: 1}
"""
REPORTS = "licence,period,revenue\nL-2026-001,2026,500\nL-2026-002,2026Q1,100\nL-2026-002,2026Q3,10\n"
PAYMENTS = (
    "licence,paid_on,amount\nL-2026-001,2026-10-01,30\nL-2026-001,2027-01-20,10\n"
    "L-2026-002,2026-02-01,30\nL-2026-002,2027-04-01,100\n"
)
EVENTS = "licence,milestone,occurred_on\nL-2026-001,mass_production,2026-12-15\nL-2026-001,mass,2027-05-01\n"


@pytest.fixture
def files(tmp_path):
    folder = tmp_path / "files"
    folder.mkdir()
    for name, text in (("licences.yaml", LICENCES), ("reports.csv", REPORTS), ("payments.csv", PAYMENTS),
                       ("events.csv", EVENTS)):  # fmt: skip
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def dues(var, folder, *extra, **names):
    args = ["transfer", "dues", "--licences", folder / names.get("licences", "licences.yaml")]
    for option in ("reports", "payments", "events"):
        name = names.get(option, f"{option}.csv")
        if name:
            args += [f"--{option}", folder / name]
    return run_in(var, *args, *extra)


def test_the_files_alone_give_the_contract_json_without_a_database(empty_var, files):
    result = dues(empty_var, files, "--as-of", "2027-03-31")
    assert result.returncode == 0, result
    data = json.loads(result.stdout)
    assert data["as_of"] == "2027-03-31"
    first, second = data["licences"]
    # Worked out in tests/engine/test_transfer_dues.py::test_a_full_example_worked_out_by_hand.
    assert (first["code"], first["due_to_date"], first["paid"], first["overdue"], first["credit"]) == (
        "L-2026-001", 95, 40, 55, 0
    )  # fmt: skip
    assert [(i["ref"], i["due"], i["outstanding"], i["status"]) for i in first["items"]] == [
        ("proto", "2026-09-30", 0, "paid"),
        ("2026", "2027-01-30", 5, "overdue"),
        ("mass", "2027-02-13", 50, "overdue"),
        ("deferred-1", "2027-06-30", 10, "open"),
    ]
    assert (second["due_to_date"], second["paid"], second["credit"]) == (28, 30, 2)
    assert [i.get("reported") for i in second["items"]] == [None, True, False, True, False]
    assert result.stderr == ""
    assert not (empty_var / DB_NAME).exists()  # no database was created or touched


def test_reports_and_payments_not_given_are_none(empty_var, files):
    result = dues(empty_var, files, "--as-of", "2026-12-31", reports="", payments="", events="")
    assert result.returncode == 0, result
    first, second = json.loads(result.stdout)["licences"]
    assert [i["ref"] for i in first["items"]] == ["proto", "2026", "deferred-1"]
    assert first["items"][1]["amount"] == 5 and first["items"][1]["reported"] is False  # the floor
    assert second["overdue"] == 20 + 1 + 1 + 1  # upfront and the three quarters due by D, nothing paid


def test_the_table_shows_each_licence_and_the_totals(empty_var, files):
    result = dues(empty_var, files, "--as-of", "2027-03-31", "--format", "table")
    assert result.returncode == 0, result
    out = result.stdout
    for words in (
        "许可合同 L-2026-001",
        "许可合同 L-2026-002",
        "应付日期",
        "阶段性支付",
        "收入提成",
        "逾期",
        "合计",
    ):
        assert words in out, words
    total = next(line for line in out.splitlines() if "合计" in line and "│" in line)
    assert [cell.strip() for cell in total.split("│")[1:-1]] == ["合计", "123", "70", "55", "2"]


@pytest.mark.parametrize(
    ("name", "text", "expected"),
    [
        (
            "licences.yaml",
            LICENCES.replace("floor: 5", "floor: 50"),
            "许可合同 L-2026-001（第 1 项）royalty cap：不能小于 floor",
        ),
        ("reports.csv", REPORTS + "L-2026-002,2026Q5,3\n", "reports.csv 第 5 行 period：期间须为年份"),
        ("payments.csv", PAYMENTS + "L-2026-002,2027-02-01,-5\n", "payments.csv 第 6 行 amount：不能为负数"),
        (
            "events.csv",
            EVENTS + "L-2026-009,mass,2027-01-01\n",
            "events.csv 第 4 行 licence：许可合同文件中没有编号为「L-2026-009」",
        ),
    ],
)
def test_a_bad_file_is_refused_naming_row_and_column(empty_var, files, name, text, expected):
    (files / name).write_text(text, encoding="utf-8")
    result = dues(empty_var, files, "--as-of", "2027-03-31")
    assert result.returncode == 1, result
    assert result.stdout == ""
    assert expected in result.stderr and "Traceback" not in result.stderr


def test_usage_errors_exit_2(empty_var, files):
    bad_date = dues(empty_var, files, "--as-of", "2027-02-30")
    assert bad_date.returncode == 2 and "--as-of 不是有效的日期「2027-02-30」" in bad_date.stderr, bad_date
    missing = dues(empty_var, files, "--as-of", "2027-03-31", payments="nope.csv")
    assert missing.returncode == 2 and "--payments 找不到文件" in missing.stderr, missing
    alone = run_in(empty_var, "transfer", "dues", "--reports", files / "reports.csv", "--as-of", "2027-03-31")
    assert alone.returncode == 2 and "须与 --licences 一起使用" in alone.stderr, alone
    assert bad_date.stdout == missing.stdout == alone.stdout == ""


def test_without_licences_and_without_a_database_it_says_so(empty_var):
    result = run_in(empty_var, "transfer", "dues", "--as-of", "2027-03-31")
    assert result.returncode == 1, result
    assert "数据库尚未建立" in result.stderr and "Traceback" not in result.output
