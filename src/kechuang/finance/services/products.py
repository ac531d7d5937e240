"""Products between files, the database and the engine: load (versioned), list, evaluate."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.db import transaction

from kechuang.audit.models import Action
from kechuang.audit.signals import record
from kechuang.engine.finance import Product as ProductFile
from kechuang.engine.finance import ProductError, evaluate, finance_frame, parse_product
from kechuang.finance import vocabulary as v
from kechuang.finance.models import Product, ProductVersion
from kechuang.web.names import localized

PRODUCTS_DIR = Path(__file__).resolve().parent.parent / "products"


@dataclass
class LoadResult:
    product: Product
    version: ProductVersion
    new_version: bool


def parse(text: str) -> ProductFile:
    return parse_product(text, v.SHAREABLE_FIELDS)


@transaction.atomic
def load_product_file(path: Path, loaded_by: str = "") -> LoadResult:
    """Validate one product file and store it; a changed content is a new version. The bank must exist."""
    from kechuang.accounts.models import OrgKind, OrgUnit

    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ProductError(f"无法读取金融产品文件 {path}：{exc}") from exc
    try:
        parsed = parse(text)
    except ProductError as exc:
        raise ProductError(f"{path.name}：{exc}") from exc
    bank = OrgUnit.objects.filter(code=parsed.bank, kind=OrgKind.BANK).first()
    if bank is None:
        raise ProductError(
            f"{path.name}：bank：金融机构 {parsed.bank} 不存在（须先在系统管理中建立该机构，类型为金融机构）"
        )
    product, _ = Product.objects.get_or_create(code=parsed.code, defaults={"name": parsed.name, "bank": bank})
    product.name, product.bank, product.status, product.is_active = parsed.name, bank, parsed.status, True
    product.save()
    current = product.current_version
    digest = parsed.content_hash()
    if current is not None and current.content_hash == digest:
        return LoadResult(product, current, False)
    version = ProductVersion.objects.create(
        product=product,
        number=(current.number + 1) if current else 1,
        content_hash=digest,
        text=text,
        content=parsed.model_dump(mode="json"),
        source_file=str(path)[-255:],
        loaded_by=loaded_by,
    )
    record(
        Action.IMPORT,
        version,
        object_repr=f"{product.name} 第 {version.number} 版",
        after={"source_file": path.name, "content_hash": digest, "status": parsed.status},
    )
    return LoadResult(product, version, True)


def load_directory(directory: Path = PRODUCTS_DIR, loaded_by: str = "") -> list[LoadResult]:
    """Every *.yaml of a directory, all or nothing (one bad file: nothing is loaded)."""
    files = sorted(Path(directory).glob("*.yaml"))
    if not files:
        raise ProductError(f"目录 {directory} 中没有金融产品文件（*.yaml）")
    problems = []
    for f in files:
        try:
            parse(f.read_text(encoding="utf-8"))
        except (ProductError, OSError, UnicodeDecodeError) as exc:
            problems.append(f"{f.name}：{exc}")
    if problems:
        raise ProductError("；".join(problems))
    with transaction.atomic():
        return [load_product_file(f, loaded_by) for f in files]


@dataclass(frozen=True)
class Offer:
    """A loaded product's content with its row and version."""

    product: Product
    version: ProductVersion
    content: ProductFile


def offers(queryset=None) -> list[Offer]:
    qs = (queryset if queryset is not None else Product.objects.all()).filter(is_active=True)
    out = []
    for p in qs.select_related("bank").order_by("code"):
        version = p.current_version
        if version is not None:
            out.append(Offer(p, version, ProductFile.model_validate(version.content)))
    return out


def evaluation(scored, offers_: list[Offer], credit_codes: list[str] | None = None) -> pl.DataFrame:
    """credit_code × product: eligible, line, checks — for the given enterprises (default: all)."""
    derived = scored.derived
    if credit_codes is not None:
        derived = derived.filter(pl.col("credit_code").is_in(credit_codes))
    scale = scored.model.scale or 1000.0
    frame = finance_frame(derived, scored.scores, scale)
    return evaluate(frame, [o.content for o in offers_])


@dataclass
class Recommendation:
    offer: Offer
    eligible: bool
    line: float
    reasons: list[tuple[str, bool]]  # (condition name, holds)


def recommendations(scored, offers_: list[Offer], credit_code: str) -> list[Recommendation]:
    """The products for one enterprise: eligible first, then by line; each with its reasons."""
    result = evaluation(scored, offers_, [credit_code])
    by_code = {o.content.code: o for o in offers_}
    out = []
    for row in result.iter_rows(named=True):  # one row per product (a handful), not per enterprise
        offer = by_code[row["product"]]
        reasons = [
            (localized(c), bool(ok)) for c, ok in zip(offer.content.eligibility, row["checks"], strict=True)
        ]
        out.append(Recommendation(offer, bool(row["eligible"]), float(row["line"]), reasons))
    out.sort(key=lambda r: (not r.eligible, -r.line))
    return out
