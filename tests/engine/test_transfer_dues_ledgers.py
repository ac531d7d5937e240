"""Revenue reports, payments and milestone events read from CSV (kechuang.engine.transfer.ledger_files):
good files become the frames the dues use, and every bad row is named by file, line and column."""

from __future__ import annotations

from datetime import date

import pytest

from kechuang.engine.transfer.ledger_files import LedgerError, read_ledgers
from kechuang.engine.transfer.licences import parse_licences

LICENCES = parse_licences("""\
- code: Y
  licensee: 91441900MA51234562
  signed_on: 2026-01-05
  milestones:
    - {code: proto, amount: 30, due: 2026-09-30}
    - {code: mass, amount: 50, event: mass_production}
  royalty: {rate: 0.1, period: year, start: 2026-01-01, end: 2028-12-31}
- code: Q
  licensee: 91441900MA5ABCDE1W
  signed_on: 2026-01-05
  royalty: {rate: 0.1, period: quarter, start: 2026-04-01, end: 2027-03-31}
- code: N
  licensee: 91441900MA5ABCDE1W
  signed_on: 2026-01-05
  upfront: {amount: 5, due: 2026-02-01}
""")


def write(tmp_path, name: str, text: str, bom: bool = False):
    path = tmp_path / name
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path


def errors(tmp_path, **files) -> list[str]:
    paths = {kind: write(tmp_path, f"{kind}.csv", text) for kind, text in files.items()}
    with pytest.raises(LedgerError) as caught:
        read_ledgers(LICENCES, **paths)
    return caught.value.problems


def test_good_files_with_and_without_bom_any_column_order_and_extra_columns(tmp_path):
    reports = write(
        tmp_path, "r.csv", "Period, Licence ,revenue,note\n2026,Y,120.5,x\n\n2026Q2,Q,0,\n", bom=True
    )
    payments = write(tmp_path, "p.csv", "licence,paid_on,amount\nY,2026-03-01,10\nY,2026-03-01,1e1\n")
    events = write(
        tmp_path, "e.csv", "licence,milestone,occurred_on\nY,mass,2026-05-01\nY,mass_production,2026-04-01\n"
    )
    got = read_ledgers(LICENCES, reports, payments, events)
    assert got.reports.rows() == [("Y", "2026", 120.5), ("Q", "2026Q2", 0.0)]
    assert got.payments["amount"].to_list() == [10.0, 10.0]
    assert got.events["occurred_on"].to_list() == [date(2026, 5, 1), date(2026, 4, 1)]


def test_files_not_given_are_empty(tmp_path):
    got = read_ledgers(LICENCES)
    assert got.reports.is_empty() and got.payments.is_empty() and got.events.is_empty()
    assert got.payments.columns == ["licence", "paid_on", "amount"]


def test_report_rows_are_checked_against_the_licence(tmp_path):
    text = (
        "licence,period,revenue\n"
        "Y,2026,10\n"  # line 2: good
        "Z,2026,10\n"  # 3: unknown licence
        "Y,2026-1,10\n"  # 4: bad period
        "Y,2026Q1,10\n"  # 5: quarter for a yearly royalty
        "Q,2026,10\n"  # 6: year for a quarterly royalty
        "Y,2029,10\n"  # 7: after the term
        "Q,2026Q1,10\n"  # 8: before the term
        "Y,2026,11\n"  # 9: the same period again
        "Y,2027,-1\n"  # 10: negative
        "Y,2028,十\n"  # 11: not a number
        "Q,2026Q3,\n"  # 12: empty
        "N,2026,5\n"  # 13: no royalty
        ",2026,5\n"  # 14: no licence
    )
    found = errors(tmp_path, reports=text)
    path = tmp_path / "reports.csv"
    expected = {
        3: "licence：许可合同文件中没有编号为「Z」的许可合同",
        4: "period：期间须为年份（如 2026）或季度（如 2026Q1），收到「2026-1」",
        5: "period：许可合同 Y 按年提成，期间须为年份（如 2026），收到「2026Q1」",
        6: "period：许可合同 Q 按季度提成，期间须为季度（如 2026Q1），收到「2026」",
        7: "period：2029 不在许可合同 Y 的提成期限内（2026-01-01 至 2028-12-31）",
        8: "period：2026Q1 不在许可合同 Q 的提成期限内（2026-04-01 至 2027-03-31）",
        9: "period：许可合同 Y 的 2026 收入已在第 2 行报告过",
        10: "revenue：不能为负数，收到 -1",
        11: "revenue：须为数字，收到「十」",
        12: "revenue：缺少数值",
        13: "period：许可合同 N 没有收入提成条款，无需报告收入",
        14: "licence：缺少许可合同编号",
    }
    assert found == [f"{path} 第 {line} 行 {why}" for line, why in expected.items()]


def test_payment_rows_are_checked(tmp_path):
    text = "licence,paid_on,amount\nY,2026-13-01,5\nY,2026/03/01,5\nY,,5\nN,2026-03-01,-2\nN,2026-03-01,nan\nX,2026-03-01,1\n"
    found = errors(tmp_path, payments=text)
    path = tmp_path / "payments.csv"
    assert found == [
        f"{path} 第 2 行 paid_on：不是有效的日期「2026-13-01」",
        f"{path} 第 3 行 paid_on：须为日期 YYYY-MM-DD，收到「2026/03/01」",
        f"{path} 第 4 行 paid_on：缺少日期",
        f"{path} 第 5 行 amount：不能为负数，收到 -2",
        f"{path} 第 6 行 amount：须为数字，收到「nan」",
        f"{path} 第 7 行 licence：许可合同文件中没有编号为「X」的许可合同",
    ]


def test_event_rows_are_checked(tmp_path):
    text = "licence,milestone,occurred_on\nY,proto,2026-05-01\nY,launch,2026-05-01\nY,mass,2026-02-29\nQ,mass,2026-05-01\n"
    found = errors(tmp_path, events=text)
    path = tmp_path / "events.csv"
    assert found == [
        f"{path} 第 2 行 milestone：阶段性支付「proto」按日期支付，不按事件",
        f"{path} 第 3 行 milestone：许可合同 Y 没有编号或事件名为「launch」的按事件支付的阶段性支付",
        f"{path} 第 4 行 occurred_on：不是有效的日期「2026-02-29」",
        f"{path} 第 5 行 milestone：许可合同 Q 没有编号或事件名为「mass」的按事件支付的阶段性支付",
    ]


def test_missing_columns_an_empty_file_and_another_encoding_are_refused(tmp_path):
    found = errors(
        tmp_path, reports="licence,period\nY,2026\n", payments="", events="licence,milestone,occurred_on\n"
    )
    assert found[0] == (
        f"{tmp_path / 'reports.csv'} 第 1 行（表头）：缺少列 revenue（收入报告文件须有列 licence、period、revenue）"
    )
    assert found[1] == f"付款记录文件 {tmp_path / 'payments.csv'} 为空：须有表头 licence,paid_on,amount"
    assert len(found) == 2  # a header alone is a file with no events
    gbk = tmp_path / "gbk.csv"
    gbk.write_bytes("licence,paid_on,amount\n甲,2026-01-01,1\n".encode("gbk"))
    with pytest.raises(LedgerError, match="不是 UTF-8 编码"):
        read_ledgers(LICENCES, payments=gbk)


def test_line_numbers_count_blank_lines(tmp_path):
    found = errors(tmp_path, payments="licence,paid_on,amount\n\nY,2026-01-01,1\n\nY,2026-01-01,x\n")
    assert found == [f"{tmp_path / 'payments.csv'} 第 5 行 amount：须为数字，收到「x」"]
