"""`kechuang finance load` (科技金融): validate and load the credit products (YAML, versioned).

``kechuang finance load [DIR|FILE] [--check]``: every product file of DIR (default: the shipped
samples in src/kechuang/finance/products/) or one FILE is validated; all or nothing — one bad file
and nothing is loaded. A changed file becomes a new version of its product; --check only validates.
"""

from __future__ import annotations

from pathlib import Path

import typer

from kechuang.cli.common import as_command, console, fail, setup_django

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
