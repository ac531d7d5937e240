"""`kechuang projects calls`, `projects ranking CALL` and `projects portfolio --out FILE` run as a
programme officer runs them on the server: a subprocess on the demo database, a good input and a bad
one, the exit code, the Chinese message, the file written — and nothing written to the database."""

from __future__ import annotations

import json

import openpyxl
import polars as pl

from tests.cli.kit import db_rows, table_counts

OUTPUT_COLUMNS = ["application", "score", "experts", "rank", "funded", "amount"]  # as `projects rank`


def test_calls_lists_every_call_with_its_mode_budget_deadline_and_counts(kc, demo_copy):
    before = table_counts(demo_copy)
    table = kc(demo_copy, "projects", "calls")
    assert table.returncode == 0, table
    assert "项目指南（榜单）" in table.stdout and "揭榜挂帅" in table.stdout and "事后奖补" in table.stdout
    calls = db_rows(demo_copy, "SELECT code, budget, closes_on FROM projects_call ORDER BY code")
    assert f"共 {len(calls)} 项指南" in table.stdout
    result = kc(demo_copy, "projects", "calls", "--format", "json")
    assert result.returncode == 0, result
    records = {r["code"]: r for r in json.loads(result.stdout)}
    assert sorted(records) == [c for c, _b, _d in calls]
    for code, budget, closes_on in calls:
        assert records[code]["budget"] == float(budget) and records[code]["closes_on"] == closes_on
    ((code, filed, funded),) = db_rows(
        demo_copy,
        "SELECT c.code, COUNT(a.id), SUM(a.status = 'funded') FROM projects_call c "
        "JOIN projects_application a ON a.call_id = c.id WHERE c.code = 'ZD2026-01' GROUP BY c.code",
    )
    assert (records[code]["applications"], records[code]["funded"]) == (filed, funded) and funded > 0
    assert records[code]["mode_label"] == "竞争择优" and records[code]["status_label"] == "已立项"
    assert table_counts(demo_copy) == before  # it only reads


def test_ranking_gives_the_calls_ranking_and_funding_line_from_the_database(kc, demo_copy):
    result = kc(demo_copy, "projects", "ranking", "ZD2026-01", "--format", "json")
    assert result.returncode == 0, result
    rows = json.loads(result.stdout)
    assert list(rows[0]) == OUTPUT_COLUMNS
    assert [r["rank"] for r in rows] == sorted(r["rank"] for r in rows)
    ((budget,),) = db_rows(demo_copy, "SELECT budget FROM projects_call WHERE code = 'ZD2026-01'")
    assert 0 < sum(r["amount"] for r in rows) <= float(budget)
    # the decision stored on the applications is the line the command computes
    funded = {
        c for (c,) in db_rows(demo_copy, "SELECT code FROM projects_application WHERE status = 'funded'")
    }
    assert {r["application"] for r in rows if r["funded"]} == {r["application"] for r in rows} & funded
    table = kc(demo_copy, "projects", "ranking", "ZD2026-01")
    assert table.returncode == 0, table
    assert f"评审排序与资助线（预算 {float(budget):g} 万元，及格线 60 分）" in table.stdout
    assert f"共 {len(rows)} 项申请，资助 {sum(r['funded'] for r in rows)} 项" in table.stdout


def test_ranking_of_an_unknown_call_names_the_calls_there_are(kc, demo_copy):
    result = kc(demo_copy, "projects", "ranking", "ZD1999-09")
    assert result.returncode == 1, result
    assert "找不到指南「ZD1999-09」：已有的指南有 ZD2023-01、" in result.stderr and not result.stdout


def test_without_calls_or_without_a_database_it_says_so(kc, fresh_var, empty_var):
    none = kc(fresh_var, "projects", "ranking", "ZD2026-01")
    assert none.returncode == 1 and "已有的指南有 （无）" in none.stderr, none
    missing = kc(empty_var, "projects", "calls")
    assert missing.returncode == 1 and "数据库尚未建立" in missing.stderr, missing


def test_portfolio_exports_the_portfolio_pages_figures_to_excel_and_csv(kc, demo_copy, tmp_path):
    before = table_counts(demo_copy)
    ((projects, committed),) = db_rows(
        demo_copy, "SELECT COUNT(*), SUM(CAST(grant AS REAL)) FROM projects_project"
    )
    out = tmp_path / "出口" / "组合.xlsx"
    result = kc(demo_copy, "projects", "portfolio", "--out", out)
    assert result.returncode == 0, result
    assert "已导出项目组合" in result.stdout and out.exists()
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("汇总维度", "分组", "项目数", "承诺资助（万元）") and "专利（项）" in rows[0]
    assert rows[1][:3] == ("合计", "全部项目", projects) and rows[1][3] == committed
    by_class = [r for r in rows if r[0] == "按类别"]
    assert sum(r[2] for r in by_class) == projects and {r[0] for r in rows[1:]} >= {"按镇街", "按承担单位"}
    csv = tmp_path / "组合.csv"
    assert kc(demo_copy, "projects", "portfolio", "--out", csv).returncode == 0
    frame = pl.read_csv(csv)
    assert frame.row(0, named=True)["项目数"] == projects
    assert frame.filter(pl.col("汇总维度") == "按组织方式")["项目数"].sum() == projects
    assert table_counts(demo_copy) == before


def test_portfolio_counts_the_verified_papers_and_products_of_the_demo(kc, demo_copy, tmp_path):
    """The demo records papers and products on its projects, one still unverified: the export counts
    the verified ones only, in total and per holder."""
    verified = dict(
        db_rows(demo_copy, "SELECT kind, COUNT(*) FROM projects_projectoutput WHERE verified GROUP BY kind")
    )
    ((waiting,),) = db_rows(demo_copy, "SELECT COUNT(*) FROM projects_projectoutput WHERE NOT verified")
    assert verified.get("paper", 0) > 0 and verified.get("product", 0) > 0 and waiting > 0
    out = tmp_path / "组合.csv"
    result = kc(demo_copy, "projects", "portfolio", "--out", out)
    assert result.returncode == 0, result
    frame = pl.read_csv(out)
    total = frame.row(0, named=True)
    assert (total["论文（篇，已核验）"], total["产品（项，已核验）"]) == (
        verified["paper"],
        verified["product"],
    )
    holders = frame.filter(pl.col("汇总维度") == "按承担单位")
    assert holders["论文（篇，已核验）"].sum() == verified["paper"]


def test_portfolio_refuses_a_file_it_cannot_write(kc, demo_copy, tmp_path):
    text = kc(demo_copy, "projects", "portfolio", "--out", tmp_path / "组合.txt")
    assert text.returncode == 2 and "--out 应为 .xlsx 或 .csv 文件，收到 组合.txt" in text.stderr, text
    blocked = tmp_path / "文件"
    blocked.write_text("not a folder")
    nowhere = kc(demo_copy, "projects", "portfolio", "--out", blocked / "组合.csv")
    assert nowhere.returncode == 1 and "无法写入" in nowhere.stderr, nowhere
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(["文件", "var"])  # no 组合.txt


def test_titles_and_holders_with_brackets_print_as_written(kc, demo_copy):
    """Rich markup in a call's title or a holder's name ([/b], [red]) is shown, not parsed (no MarkupError)."""
    import sqlite3

    from tests.cli.kit import DB_NAME

    con = sqlite3.connect(demo_copy / DB_NAME)
    with con:
        con.execute("UPDATE projects_call SET title = '芯片[/b]攻关[red]' WHERE code = 'ZD2026-01'")
        con.execute(
            "UPDATE accounts_orgunit SET name = name || '[/i]' WHERE id = "
            "(SELECT applicant_id FROM projects_project ORDER BY code LIMIT 1)"
        )
    con.close()
    calls = kc(demo_copy, "projects", "calls", "--format", "json")
    assert calls.returncode == 0, calls
    table = kc(demo_copy, "projects", "calls")
    assert table.returncode == 0, table
    assert "[/b]" in table.stdout and "[red]" in table.stdout
    ranking = kc(demo_copy, "projects", "ranking", "ZD2026-01")
    assert ranking.returncode == 0, ranking
    assert "ZD2026-01 芯片[/b]攻关[red]（已立项）" in ranking.stdout
    portfolio = kc(demo_copy, "projects", "portfolio")
    assert portfolio.returncode == 0, portfolio
    assert "重大项目组合" in portfolio.stdout and "MarkupError" not in portfolio.output
