"""Achievements (职务科技成果) between the database and files: the frame of the contract's columns, and
the all-or-nothing import of CSV/XLSX files with the row report."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.db import transaction
from django.utils.translation import gettext as _

from kechuang.engine.tables import empty_file_message
from kechuang.engine.transfer.achievements import read_achievements
from kechuang.transfer import vocabulary as v
from kechuang.transfer.models import Achievement, IPRight, split_list

COLUMNS = tuple(v.ACHIEVEMENT_HEADERS)  # the contract's column order
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


def _modes(text: str | None) -> list[str]:
    return [m for m in split_list((text or "").replace("、", "；"))]


PATENT_PATTERN = r"^ZL(\d{12}|\d{8})\.[\dX]$"


def patent_message(number: str) -> str:
    return _(
        "专利号「%(n)s」格式不正确：应为 ZL + 12 位申请号 + . + 校验位（如 ZL202310123456.7），"
        "或 2003 年以前的 ZL + 8 位申请号 + . + 校验位（如 ZL98123456.X）；多个专利号以；分隔"
    ) % {"n": number}


def check_file(path: Path, institution, name: str = "") -> list[dict]:
    """The rows of an achievements file for ``institution``, checked; AchievementImportError lists
    every problem (row counted as in the spreadsheet: the header is row 1).

    The file is read and checked by the engine's reader (kechuang.engine.transfer.achievements, the
    one `kechuang transfer match --achievements` uses); the platform then asks what a stored
    achievement needs: 技术领域, 技术就绪水平 and 权属 filled in, the 完成单位 (if given) the user's own,
    and the lengths the table holds. An empty 状态 is 可转化 (as the reader's ``published`` reads it)."""
    frame, errors = read_achievements(path)
    if errors:
        raise AchievementImportError([RowError(e.row, e.column, e.value, e.message) for e in errors])
    if not frame.height:  # only the header (an empty template): nothing to import, and say so
        raise AchievementImportError(
            [RowError(0, "", "", empty_file_message(name or path.name, header_only=True))]
        )
    names = (
        [x for x in (institution.name, institution.short_name, institution.code) if x] if institution else []
    )
    f = frame.with_row_index("row", offset=2).with_columns(
        pl.col("patents").str.split("；").list.eval(pl.element().str.strip_chars()).alias("patent_list")
    )
    H = v.ACHIEVEMENT_HEADERS
    checks = [
        (pl.col("field").is_null(), "field", _("必须填写")),
        (pl.col("trl").is_null(), "trl", _("必须填写")),
        (pl.col("ownership").is_null(), "ownership", _("必须填写")),
        (pl.col("code").str.len_chars() > 40, "code", _("过长（最多 40 个字符）")),
        (pl.col("title").str.len_chars() > 200, "title", _("过长（最多 200 个字符）")),
        (pl.col("abstract").str.len_chars() > 5000, "abstract", _("过长（最多 5000 个字符）")),
        (pl.col("keywords").str.len_chars() > 300, "keywords", _("过长（最多 300 个字符）")),
        (pl.col("inventors").str.len_chars() > 300, "inventors", _("过长（最多 300 个字符）")),
        (
            pl.col("patent_list").list.eval(pl.element().str.len_chars() > 40).list.any(),
            "patents",
            _("专利号过长"),
        ),
    ]
    if institution is not None:
        checks.append(
            (
                pl.col("institution").is_not_null() & ~pl.col("institution").is_in(names),
                "institution",
                _("完成单位须为您的单位「%(name)s」") % {"name": institution.name},
            )
        )
    problems = []
    # 专利号: CNIPA's ZL + 12 digits (or the older 8) + . + check character; only the form is checked
    # (the contract's own example does not carry a valid check digit)
    bad_patents = f.select(
        "row",
        pl.col("patent_list")
        .list.eval(
            pl.element().filter(
                (pl.element() != "")
                & (pl.element().str.len_chars() <= 40)
                & ~pl.element().str.contains(PATENT_PATTERN)
            )
        )
        .list.first()
        .alias("bad"),
    ).filter(pl.col("bad").is_not_null())
    for row, value in bad_patents.iter_rows():
        problems.append(RowError(row, H["patents"], value[:50], patent_message(value)))
    for condition, column, message in checks:
        for row, value in (
            f.filter(condition.fill_null(False)).select("row", pl.col(column).cast(pl.String)).iter_rows()
        ):
            problems.append(RowError(row, H[column], (value or "")[:50], message))
    if problems:
        raise AchievementImportError(
            sorted(problems, key=lambda e: (e.row, list(H.values()).index(e.column)))
        )
    existing = set()
    if institution is not None:
        existing = set(Achievement.objects.filter(institution=institution).values_list("code", flat=True))
    return [
        {
            "row": r["row"],
            "code": r["code"],
            "title": r["title"],
            "abstract": r["abstract"] or "",
            "field": r["field"],
            "keywords": r["keywords"] or "",
            "inventors": r["inventors"] or "",
            "patents": [p for p in (r["patent_list"] or []) if p],
            "trl": r["trl"],
            "ownership": r["ownership"],
            "modes": _modes(r["modes"]),
            "asking_price": r["asking_price"],
            "status": r["status"] or v.AchievementStatus.PUBLISHED,
            "exists": r["code"] in existing,
        }
        for r in f.iter_rows(named=True)
    ]


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


def patent_year(number: str) -> int | None:
    """The year a Chinese patent was applied for, from its number (ZL + year + type digit …); None
    when the number does not carry one."""
    digits = number.strip().upper().removeprefix("ZL")
    year = int(digits[:4]) if digits[:4].isdigit() else None
    return year if year is not None and 1985 <= year <= 2100 else None


def _patent_kind(number: str) -> str:
    """The kind of a Chinese patent number by its type digit (ZL + year + 1 invention / 2 utility / 3 design)."""
    digits = number.upper().removeprefix("ZL")
    if len(digits) >= 5 and digits[4] in "123":
        return {"1": v.IPKind.INVENTION, "2": v.IPKind.UTILITY, "3": v.IPKind.DESIGN}[digits[4]]
    return v.IPKind.OTHER
