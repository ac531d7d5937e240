"""`kechuang finance load` run as a user runs it: the shipped products, a changed file, bad files."""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from tests.cli.kit import DB_NAME, db_rows

PRODUCTS = Path(__file__).resolve().parents[2] / "src" / "kechuang" / "finance" / "products"


def test_check_validates_the_shipped_products_without_a_database(kc, empty_var):
    result = kc(empty_var, "finance", "load", "--check")
    assert result.returncode == 0, result
    assert "校验通过：创新积分E担（jifen_edan）（示例）" in result.stdout
    assert "科链贷" in result.stdout and "Traceback" not in result.output


def _banks(var: Path) -> None:
    """The three institutions of the shipped products, as the demo or an administrator creates them."""
    con = sqlite3.connect(var / DB_NAME)
    with con:
        con.executemany(
            "INSERT INTO accounts_orgunit (code, name, short_name, kind, region_code, credit_code) "
            "VALUES (?, ?, '', 'bank', '', '')",
            [
                ("bank_icbc_dg", "中国工商银行东莞分行"),
                ("bank_dgrcb", "东莞农村商业银行"),
                ("guar_dkc", "东科创担保"),
            ],
        )
    con.close()


def test_a_changed_product_becomes_a_new_version(kc, fresh_var, tmp_path):
    demo_copy = fresh_var
    _banks(demo_copy)
    folder = tmp_path / "products"
    shutil.copytree(PRODUCTS, folder)
    first = kc(demo_copy, "finance", "load", folder)
    assert first.returncode == 0, first
    assert "科链贷（kelian_dai）：第 1 版（新版本）" in first.stdout
    same = kc(demo_copy, "finance", "load", folder)
    assert same.returncode == 0, same
    assert "科链贷（kelian_dai）：第 1 版（内容未变化）" in same.stdout
    text = (folder / "kelian_dai.yaml").read_text(encoding="utf-8").replace("max: 1000", "max: 800")
    (folder / "kelian_dai.yaml").write_text(text, encoding="utf-8")
    changed = kc(demo_copy, "finance", "load", folder / "kelian_dai.yaml")
    assert changed.returncode == 0, changed
    assert "第 2 版（新版本）" in changed.stdout
    rows = db_rows(demo_copy, "SELECT v.number FROM finance_productversion v JOIN finance_product p "
                   "ON p.id = v.product_id WHERE p.code = 'kelian_dai' ORDER BY v.number")  # fmt: skip
    assert rows == [(1,), (2,)]


def test_a_bad_file_loads_nothing_and_names_the_entry(kc, fresh_var, tmp_path):
    folder = tmp_path / "products"
    shutil.copytree(PRODUCTS, folder)
    bad = (
        (folder / "toulian_dai.yaml")
        .read_text(encoding="utf-8")
        .replace("equity_financing > 0", "equity > 0")
    )
    (folder / "toulian_dai.yaml").write_text(bad, encoding="utf-8")
    result = kc(fresh_var, "finance", "load", folder)
    assert result.returncode == 1, result
    assert "toulian_dai.yaml" in result.stderr and "eligibility[1].when" in result.stderr
    assert "使用了未知的列 equity" in result.stderr
    assert db_rows(fresh_var, "SELECT COUNT(*) FROM finance_product") == [(0,)]


def test_an_unknown_bank_is_refused_in_chinese(kc, fresh_var):
    result = kc(fresh_var, "finance", "load", PRODUCTS / "kelian_dai.yaml")  # no institutions yet
    assert result.returncode == 1, result
    assert "金融机构 bank_icbc_dg 不存在" in result.stderr
    assert db_rows(fresh_var, "SELECT COUNT(*) FROM finance_product") == [(0,)]


def test_a_missing_path_is_a_usage_error(kc, empty_var):
    result = kc(empty_var, "finance", "load", "no-such-dir")
    assert result.returncode == 2 and "找不到产品文件或目录" in result.stderr
