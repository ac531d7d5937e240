"""`kechuang finance load` (科技金融): validate and load the credit products (YAML, versioned).

``kechuang finance load [DIR|FILE] [--check]``: every product file of DIR (default: the shipped
samples in src/kechuang/finance/products/) or one FILE is validated; all or nothing — one bad file
and nothing is loaded. A changed file becomes a new version of its product; --check only validates.
"""

from __future__ import annotations

from pathlib import Path

import typer

from kechuang.cli.common import as_command, console, fail, make_parent, setup_django, year_or_exit

NAME = "finance"
app = typer.Typer(help="科技金融：金融产品（示例条款）的校验与加载。", no_args_is_help=True)


@app.command()
def load(
    source: Path | None = typer.Argument(
        None, help="产品文件（.yaml）或含产品文件的目录；省略则为内置示例产品"
    ),
    check: bool = typer.Option(False, "--check", help="只校验，不写入数据库"),
) -> None:
    """校验并加载金融产品。文件内容有变化时生成新版本（旧版本保留）；任何一个文件有误则全部不加载。"""
    from kechuang.engine.finance import ProductError, parse_product
    from kechuang.finance import vocabulary as v

    if source is None:
        source = Path(__file__).resolve().parent.parent / "finance" / "products"
    if not source.exists():
        fail(f"找不到产品文件或目录：{source}", 2)
    files = sorted(source.glob("*.yaml")) if source.is_dir() else [source]
    if not files:
        fail(f"目录 {source} 中没有金融产品文件（*.yaml）")
    problems, parsed = [], []
    for f in files:
        try:
            parsed.append(parse_product(f.read_text(encoding="utf-8"), v.SHAREABLE_FIELDS))
        except (ProductError, OSError, UnicodeDecodeError) as exc:
            problems.append(f"{f.name}：{exc}")
    if problems:
        fail("金融产品未通过校验，未加载任何产品：\n" + "\n".join(problems))
    for p in parsed:
        mark = "（示例）" if p.is_sample else ""
        console.print(f"校验通过：{p.name}（{p.code}）{mark}，机构 {p.bank}，{len(p.eligibility)} 项条件")
    if check:
        return
    setup_django()
    from kechuang.finance.services.products import load_directory, load_product_file

    with as_command("finance load"):
        try:
            results = load_directory(source, "cli") if source.is_dir() else [load_product_file(source, "cli")]
        except ProductError as exc:
            fail(f"金融产品未加载：{exc}")
    for r in results:
        state = "新版本" if r.new_version else "内容未变化"
        console.print(f"{r.product.name}（{r.product.code}）：第 {r.version.number} 版（{state}）")


@app.command()
def validate(
    year: int = typer.Option(None, "--year", help="积分年度（默认：有贷款结果的最近年度）"),
    version: int | None = typer.Option(
        None, "--version", help="积分模型版本编号（数据库中的 id）；省略则为当前模型"
    ),
    json_out: Path | None = typer.Option(None, "--json", help="把完整报告另存为 JSON 文件"),
) -> None:
    """产业验证：按贷款结果检验积分（AUC、KS、Gini、分组违约率、PSI、留出检验的再校准权重）。

    报告与网页「生成验证报告」相同，保存为任务记录，网页随即显示这份报告；采用新权重仍须在网页上由管理员确认。
    """
    year = year_or_exit(year)
    setup_django()
    from kechuang.finance.services import validation as service
    from kechuang.finance.services import validation_job as jobs
    from kechuang.jobs.services import JobBusy, JobFailed
    from kechuang.points.models import PointsModelVersion

    years = service.loan_years()
    if not years:
        fail("还没有贷款结果（银行的审批与还款记录），无法生成验证报告")
    year = year or years[0]
    if year not in years:
        fail(f"{year} 年度没有贷款结果；有贷款结果的年度：{'、'.join(str(y) for y in years)}", 2)
    chosen = None
    if version is not None:
        chosen = PointsModelVersion.objects.select_related("model").filter(pk=version).first()
        if chosen is None:
            fail(f"没有编号为 {version} 的积分模型版本", 2)
    if json_out is not None:
        make_parent(json_out, 2)  # before the report is computed: an impossible place fails at once
    try:
        job = jobs.run_now(year, chosen, name="cli:finance validate")
    except JobBusy as exc:
        fail(str(exc))
    except JobFailed as exc:
        fail(f"验证报告生成失败：{exc}")
    _print_report(job.result)
    if json_out is not None:
        import json

        try:
            json_out.write_text(
                json.dumps(job.result, ensure_ascii=False, indent=1, default=str), encoding="utf-8"
            )
        except OSError as exc:
            fail(f"报告已保存为任务 #{job.pk}，但无法写入 {json_out}：{exc.strerror or exc}")
        console.print(f"完整报告：{json_out.resolve()}", soft_wrap=True)
    console.print(f"已保存为任务 #{job.pk}（网页：/finance/validation/?year={year}）")


def _fmt(x, digits: int = 3) -> str:
    return "—" if x is None else f"{x:.{digits}f}"


def _print_report(r: dict) -> None:
    from rich.table import Table

    cur = r["current"]
    if r["is_sample"]:
        console.print("[yellow]［示例］积分模型为示例模型，指标与权重未经市科技局确认。[/]")
    console.print(
        f"{r['year']} 年积分 · {r['version_label']}：贷款 {r['loans']:,} 笔，违约 {r['defaults']:,} 笔"
        + (f"（其中模拟 {r['simulated']:,} 笔）" if r["simulated"] else "")
    )
    console.print(f"区分度：AUC {_fmt(cur['auc'])}，KS {_fmt(cur['ks'])}，Gini {_fmt(cur['gini'])}")
    console.print(f"PSI（积分分布年际稳定性）：{_fmt(r['psi'])}")
    table = Table("分组", "贷款", "积分范围", "违约", "违约率", "次年营收增长", "次年研发增长")
    for d in r["deciles"]:
        low, high = d.get("points_min"), d.get("points_max")
        table.add_row(
            str(d["decile"]),
            str(d["loans"]),
            f"{_fmt(low, 1)}–{_fmt(high, 1)}",
            str(d["defaults"]),
            "—" if d.get("default_rate") is None else f"{d['default_rate']:.1%}",
            "—" if d.get("revenue_growth_next") is None else f"{d['revenue_growth_next']:+.1%}",
            "—" if d.get("rd_growth_next") is None else f"{d['rd_growth_next']:+.1%}",
        )
    console.print(table)
    check = r.get("check")
    if check:
        verdict = (
            "过拟合，不建议采用"
            if check["overfit"]
            else ("贷款结果支持改用建议权重" if check["beats_current"] else "建议权重不优于当前权重")
        )
        console.print(
            f"再校准（留出检验）：建议权重 AUC 样本内 {_fmt(check['in_sample']['auc'])}，"
            f"留出 {_fmt(check['holdout']['auc'])}，当前权重留出 {_fmt(check['current_holdout']['auc'])}：{verdict}"
        )
    else:
        console.print("再校准：违约样本太少，未拟合建议权重")
