"""`kechuang transfer …`: technology transfer (成果转化). Each sub-command lives in its own module:
`dues` in kechuang.cli.transfer_dues, `match` in kechuang.cli.transfer_match."""

from __future__ import annotations

import typer

from kechuang.cli.transfer_dues import dues
from kechuang.cli.transfer_match import match

NAME = "transfer"
app = typer.Typer(help="成果转化：先用后转的应付款项、技术需求与成果匹配。", no_args_is_help=True)
app.command("dues")(dues)
app.command("match")(match)
