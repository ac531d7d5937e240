"""Achievements (职务科技成果) between the database and files: the frame of the contract's columns, and
the all-or-nothing import of CSV/XLSX files with the row report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.db import transaction
from django.utils.translation import gettext as _

from kechuang.engine.tables import TableReadError, read_table
from kechuang.engine.transfer.fields import canonical_field
from kechuang.transfer import vocabulary as v
from kechuang.transfer.models import Achievement, IPRight, split_list

COLUMNS = tuple(v.ACHIEVEMENT_HEADERS)  # the contract's column order
REQUIRED = ("code", "title", "field", "trl", "ownership", "status")
SCHEMA = {
    "code": pl.Utf8,
    "institution": pl.Utf8,
    "title": pl.Utf8,
    "abstract": pl.Utf8,
    "field": pl.Utf8,
    "keywords": pl.Utf8,
    "inventors": pl.Utf8,
    "patents": pl.Utf8,
    "trl": pl.Int64,
    "ownership": pl.Utf8,
    "modes": pl.Utf8,
    "asking_price": pl.Float64,
    "status": pl.Utf8,
}


def achievement_frame(queryset=None, published_only: bool = True) -> pl.DataFrame:
    """The achievements in the contract's columns (patents and modes joined by ；and 、); by default
    only the published ones (可转化), the ones matching offers to enterprises."""
    rows = queryset if queryset is not None else Achievement.objects.all()
    if published_only:
        rows = rows.filter(status=v.AchievementStatus.PUBLISHED)
    rows = rows.select_related("institution").prefetch_related("ip_rights").order_by("institution_id", "code")
    data = [
        (
            a.code,
            a.institution.name,
            a.title,
            a.abstract,
            a.field,
            a.keywords,
            a.inventors,
            "；".join(ip.number for ip in a.ip_rights.all()),
            a.trl,
            a.ownership,
            "、".join(a.modes or []),
            a.asking_price,
            a.status,
        )
        for a in rows
    ]
    return pl.DataFrame(data, schema=SCHEMA, orient="row")


# ---------------------------------------------------------------------------------------------
# Import
# ---------------------------------------------------------------------------------------------


@dataclass
class RowError:
    row: int
    column: str
    value: str
    message: str


class AchievementImportError(Exception):
    def __init__(self, errors: list[RowError]):
        self.errors = errors
        super().__init__(f"{len(errors)} errors")


HEADER_TO_NAME = {**{h: n for n, h in v.ACHIEVEMENT_HEADERS.items()}, **{n: n for n in v.ACHIEVEMENT_HEADERS}}


def _modes(text: str | None) -> list[str]:
    return [m for m in split_list((text or "").replace("、", "；"))]


def check_file(path: Path, institution, name: str = "") -> list[dict]:
    """The rows of an achievements file for ``institution``, checked; AchievementImportError lists
    every problem (row counted as in the spreadsheet: the header is row 1)."""
    name = name or path.name
    try:
        raw = read_table(path)
    except TableReadError as exc:
        raise AchievementImportError([RowError(0, "", "", str(exc))]) from None
    errors: list[RowError] = []
    rename, unknown = {}, []
    for h in raw.columns:
        key = HEADER_TO_NAME.get(h.strip())
        if key is None:
            unknown.append(h)
        else:
            rename[h] = key
    for h in unknown:
        errors.append(RowError(1, h, h, _("未知的列：请使用数据规范中的中文表头（如 成果编号、成果名称）")))
    missing = [c for c in REQUIRED if c not in rename.values()]
    for c in missing:
        errors.append(RowError(1, v.ACHIEVEMENT_HEADERS[c], "", _("缺少必需的列")))
    if errors:
        raise AchievementImportError(errors)
    frame = raw.rename(rename)
    for c in COLUMNS:
        if c not in frame.columns:
            frame = frame.with_columns(pl.lit(None, pl.Utf8).alias(c))
    existing = {}
    if institution is not None:
        existing = dict(Achievement.objects.filter(institution=institution).values_list("code", "pk"))
    seen: dict[str, int] = {}
    out = []
    statuses = {s.value for s in v.AchievementStatus}
    ownerships = {s.value for s in v.Ownership}
    for i, rec in enumerate(frame.select(COLUMNS).iter_rows(named=True), start=2):

        def bad(col: str, message: str, value=None, row=i, rec=rec) -> None:
            errors.append(
                RowError(
                    row,
                    v.ACHIEVEMENT_HEADERS[col],
                    str(value if value is not None else rec.get(col) or "")[:50],
                    message,
                )
            )

        clean = {k: (str(x).strip() if x is not None else "") for k, x in rec.items()}
        for c in REQUIRED:
            if not clean[c]:
                bad(c, _("必须填写"))
        code = clean["code"]
        if code:
            if len(code) > 40:
                bad("code", _("过长（最多 40 个字符）"))
            if code in seen:
                bad("code", _("与第 %(n)s 行的成果编号重复") % {"n": seen[code]})
            seen.setdefault(code, i)
        if (
            institution is not None
            and clean["institution"]
            and clean["institution"]
            not in (
                institution.name,
                institution.short_name,
                institution.code,
            )
        ):
            bad("institution", _("完成单位须为您的单位「%(name)s」") % {"name": institution.name})
        field = canonical_field(clean["field"]) if clean["field"] else None
        if clean["field"] and field is None:
            bad("field", _("不是八大高新技术领域之一"))
        trl = None
        if clean["trl"]:
            try:
                trl = int(float(clean["trl"]))
                if not 1 <= trl <= 9 or float(clean["trl"]) != trl:
                    raise ValueError
            except ValueError:
                bad("trl", _("应为 1–9 的整数"))
                trl = None
        if clean["ownership"] and clean["ownership"] not in ownerships:
            bad("ownership", _("应为 单位所有 / 赋予科研人员所有权 / 赋予科研人员长期使用权"))
        if clean["status"] and clean["status"] not in statuses:
            bad("status", _("应为 可转化 / 洽谈中 / 已转化 / 已撤回"))
        modes = _modes(clean["modes"])
        wrong = [m for m in modes if m not in v.MODES]
        if wrong:
            bad(
                "modes",
                _("未知的转化方式：%(m)s（可选 转让、许可、作价投资、先用后转）") % {"m": "、".join(wrong)},
            )
        price = None
        if clean["asking_price"] and clean["asking_price"] != "面议":
            try:
                price = float(clean["asking_price"])
                if not (0 <= price < 1e9):
                    raise ValueError
            except ValueError:
                bad("asking_price", _("应为不小于 0 的数值（万元），或留空 / 面议"))
        if len(clean["title"]) > 200:
            bad("title", _("过长（最多 200 个字符）"))
        if len(clean["abstract"]) > 5000:
            bad("abstract", _("过长（最多 5000 个字符）"))
        for c in ("keywords", "inventors"):
            if len(clean[c]) > 300:
                bad(c, _("过长（最多 300 个字符）"))
        patents = split_list(clean["patents"])
        if any(len(p) > 40 for p in patents):
            bad("patents", _("专利号过长"))
        out.append(
            {
                "row": i,
                "code": code,
                "title": clean["title"],
                "abstract": clean["abstract"],
                "field": field,
                "keywords": clean["keywords"],
                "inventors": clean["inventors"],
                "patents": patents,
                "trl": trl,
                "ownership": clean["ownership"],
                "modes": modes,
                "asking_price": price,
                "status": clean["status"],
                "exists": code in existing,
            }
        )
    if errors:
        raise AchievementImportError(errors)
    return out


@dataclass
class ImportResult:
    created: int
    updated: int


@transaction.atomic
def import_rows(rows: list[dict], institution) -> ImportResult:
    """Create or update (by code within the institution) the checked rows; IP rights are added for
    new patent numbers (existing ones keep their legal status)."""
    created = updated = 0
    for r in rows:
        values = {
            k: r[k]
            for k in (
                "title",
                "abstract",
                "field",
                "keywords",
                "inventors",
                "trl",
                "ownership",
                "modes",
                "asking_price",
                "status",
            )
        }
        obj, made = Achievement.objects.get_or_create(
            institution=institution, code=r["code"], defaults=values
        )
        if made:
            created += 1
        else:
            changed = {k: x for k, x in values.items() if getattr(obj, k) != x}
            if changed:
                for k, x in changed.items():
                    setattr(obj, k, x)
                obj.save()
                updated += 1
        have = set(obj.ip_rights.values_list("number", flat=True))
        for number in r["patents"]:
            if number not in have:
                IPRight.objects.create(achievement=obj, number=number, kind=_patent_kind(number))
    return ImportResult(created, updated)


def _patent_kind(number: str) -> str:
    """The kind of a Chinese patent number by its type digit (ZL + year + 1 invention / 2 utility / 3 design)."""
    digits = number.upper().removeprefix("ZL")
    if len(digits) >= 5 and digits[4] in "123":
        return {"1": v.IPKind.INVENTION, "2": v.IPKind.UTILITY, "3": v.IPKind.DESIGN}[digits[4]]
    return v.IPKind.OTHER
