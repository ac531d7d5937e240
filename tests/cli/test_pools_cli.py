"""`kechuang enterprises tiers --year Y`, `kechuang pools feed-plan` and `kechuang pools list`, on the demo."""

from __future__ import annotations

import re

import openpyxl

from tests.cli.kit import DEMO_ENTERPRISES, db_rows

FEED_SOURCE = "企业库（kechuang 资格计算%"


def test_tiers_are_computed_and_stored_for_a_year(kc, demo_copy):
    assert db_rows(demo_copy, "SELECT COUNT(*) FROM enterprises_tierrecord WHERE year = 2022") == [(0,)]
    result = kc(demo_copy, "enterprises", "tiers", "--year", 2022)
    assert result.returncode == 0, result
    printed = {
        m[0]: int(m[1].replace(",", "")) for m in re.findall(r"^(\S+)：([\d,]+)$", result.stdout, re.M)
    }
    assert "未入梯队" in printed and sum(printed.values()) == DEMO_ENTERPRISES
    assert db_rows(demo_copy, "SELECT COUNT(*) FROM enterprises_tierrecord WHERE year = 2022") == [
        (DEMO_ENTERPRISES,)
    ]


def test_tiers_need_a_year(kc, demo_copy):
    result = kc(demo_copy, "enterprises", "tiers")
    assert result.returncode == 2 and "--year" in result.stderr, result


def test_feed_plan_dry_run_then_write_then_nothing_new(kc, demo_copy):
    assert kc(demo_copy, "enterprises", "tiers", "--year", 2022).returncode == 0
    count = "SELECT COUNT(*) FROM plans_observation WHERE year = 2022 AND source LIKE ?"
    dry = kc(demo_copy, "pools", "feed-plan", "--from", 2022, "--to", 2022, "--dry-run")
    assert dry.returncode == 0, dry
    created = int(re.search(r"将新增 (\d+)", dry.stdout)[1])
    assert created > 1 and "标注“模拟”" in dry.stdout
    assert db_rows(demo_copy, count, (FEED_SOURCE,)) == [(0,)]

    wrote = kc(demo_copy, "pools", "feed-plan", "--from", 2022, "--to", 2022)
    assert wrote.returncode == 0, wrote
    assert f"已新增 {created}、修订 0 条" in wrote.stdout
    assert db_rows(demo_copy, count, (FEED_SOURCE,)) == [(created,)]
    assert db_rows(
        demo_copy,
        "SELECT DISTINCT o.simulated, i.code FROM plans_observation o "
        "JOIN plans_indicator i ON i.id = o.indicator_id WHERE o.year = 2022 AND o.source LIKE ?",
        (FEED_SOURCE,),
    ) == [(1, "industrial_hightech_enterprises")]

    again = kc(demo_copy, "pools", "feed-plan", "--from", 2022, "--to", 2022)
    assert again.returncode == 0 and "已新增 0、修订 0 条" in again.stdout, again
    assert db_rows(demo_copy, count, (FEED_SOURCE,)) == [(created,)]


def test_feed_plan_refuses_reversed_years_and_years_without_tiers(kc, demo_copy):
    reversed_ = kc(demo_copy, "pools", "feed-plan", "--from", 2025, "--to", 2023)
    assert reversed_.returncode == 2 and "--to 不能早于 --from" in reversed_.stderr, reversed_
    empty = kc(demo_copy, "pools", "feed-plan", "--from", 2010, "--to", 2011)
    assert empty.returncode == 1, empty
    assert "2010–2011 年没有梯队记录" in empty.stderr and "kechuang enterprises tiers" in empty.stderr
    assert db_rows(demo_copy, "SELECT COUNT(*) FROM plans_observation WHERE year IN (2010, 2011)") == [(0,)]


def test_list_prints_the_pool_and_exports_it(kc, demo_copy, tmp_path):
    out = tmp_path / "高企后备库.xlsx"
    result = kc(demo_copy, "pools", "list", "gaoqi_reserve", "--year", 2025, "--limit", 3, "--out", out)
    assert result.returncode == 0, result
    members = int(re.search(r"高企后备库（2025 年度，(\d+) 家）", result.stdout)[1])
    assert members > 0 and f"已导出 {out}" in result.stdout.replace("\n", "")
    sheet = openpyxl.load_workbook(out).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    header = next(i for i, row in enumerate(rows) if row[0] == "统一社会信用代码")
    assert f"共 {members} 家" in rows[1][0]
    assert len([r for r in rows[header + 1 :] if r[0]]) == members

    town = kc(demo_copy, "pools", "list", "kexiao_reserve", "--region", "松山湖")
    assert town.returncode == 0 and "科小储备库" in town.stdout, town


def test_list_refuses_an_unknown_pool_region_or_output(kc, demo_copy, tmp_path):
    kind = kc(demo_copy, "pools", "list", "nope")
    assert kind.returncode == 2 and "未知的培育库 nope" in kind.stderr and "gaoqi_reserve" in kind.stderr
    region = kc(demo_copy, "pools", "list", "gaoqi_reserve", "--region", "火星")
    assert region.returncode == 2 and "未知地区「火星」" in region.stderr, region
    year = kc(demo_copy, "pools", "list", "gaoqi_reserve", "--year", 1900)
    assert year.returncode == 2 and "--year 应在 2000–2100 之间" in year.stderr, year
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    out = kc(demo_copy, "pools", "list", "gaoqi_reserve", "--out", blocker / "x.xlsx")
    assert out.returncode == 1 and "无法写入" in out.stderr, out
    assert "Traceback" not in kind.output + region.output + out.output


def test_feed_plan_before_any_plan_is_loaded(kc, fresh_var):
    result = kc(fresh_var, "pools", "feed-plan", "--from", 2023, "--to", 2024)
    assert result.returncode == 1, result
    assert "尚未加载任何规划" in result.stderr and "Traceback" not in result.output
