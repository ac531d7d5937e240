"""Forms of the enterprise pages: the registry filters (shared with the API), the upload with its
per-user staging folder, and the self-check ("what if") figures."""

from __future__ import annotations

import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django import forms
from django.conf import settings
from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from kechuang.engine.enterprise_import import YEAR_MAX, YEAR_MIN, TableReadError, read_table
from kechuang.engine.vocabulary import (
    FACT_COLUMNS,
    FACTS_BY_NAME,
    INDUSTRY_SECTIONS,
    REGISTRY_COLUMNS,
    SIGNED_FACTS,
    TECH_FIELDS,
    header_map,
)
from kechuang.enterprises.models import Fact, TierRecord
from kechuang.enterprises.qualification import TIER_LABELS
from kechuang.regions import region_names
from kechuang.web import names as display

SECTIONS = INDUSTRY_SECTIONS  # GB/T 4754-2017 门类 (the letter that starts an industry code)
UPLOAD_SUFFIXES = (".csv", ".xlsx")
PREVIEW_ROWS = 20
HEADERS_ZH = {c.name: c.header_zh for c in (*REGISTRY_COLUMNS, *FACT_COLUMNS)}


def tier_year() -> int | None:
    """The latest year with stored tiers (the list's 梯队 column and filter)."""
    return TierRecord.objects.order_by("-year").values_list("year", flat=True).first()


class RegistryFilterForm(forms.Form):
    q = forms.CharField(label=_("企业名称或信用代码"), required=False, max_length=100)
    region = forms.ChoiceField(label=_("所属镇街"), required=False)
    section = forms.ChoiceField(label=_("行业门类"), required=False)
    tech_field = forms.ChoiceField(label=_("技术领域"), required=False)
    tier = forms.ChoiceField(label=_("梯队"), required=False)

    def __init__(self, data=None, regions: list[str] | None = None):
        super().__init__(data)
        names = region_names()
        everything = [("", _("全部"))]
        # Any known region is a valid filter (outside the scope it simply finds nothing); the
        # drop-down offers only the regions the user can see.
        self.fields["region"].choices = everything + sorted(names.items())
        shown = sorted((c, names.get(c, c)) for c in (regions if regions is not None else names))
        self.fields["region"].widget.choices = everything + shown
        self.fields["section"].choices = everything + [
            (k, f"{k} {display.industry_section(k)}") for k in SECTIONS
        ]
        fields = [(f, display.tech_field(f)) for f in TECH_FIELDS]
        self.fields["tech_field"].choices = everything + fields + [("-", _("（无）"))]
        self.fields["tier"].choices = everything + [(k, _(v)) for k, v in TIER_LABELS.items()]

    def apply(self, queryset: QuerySet, year: int | None) -> QuerySet:
        """The queryset filtered (invalid filters are ignored) and annotated with tier_now for `year`."""
        tier = TierRecord.objects.filter(enterprise=OuterRef("pk"), year=year).values("tier")[:1]
        queryset = queryset.annotate(tier_now=Subquery(tier))
        self.is_valid()  # a bad value drops that filter only (cleaned_data keeps the valid ones)
        d = getattr(self, "cleaned_data", {})
        if d.get("q"):
            text = d["q"].strip()
            queryset = queryset.filter(Q(name__icontains=text) | Q(credit_code__icontains=text.upper()))
        if d.get("region"):
            queryset = queryset.filter(region_code=d["region"])
        if d.get("section"):
            queryset = queryset.filter(industry_code__startswith=d["section"])
        if d.get("tech_field") == "-":
            queryset = queryset.filter(tech_field="")
        elif d.get("tech_field"):
            queryset = queryset.filter(tech_field=d["tech_field"])
        if d.get("tier") == "none":
            queryset = queryset.filter(Q(tier_now="none") | Q(tier_now__isnull=True))
        elif d.get("tier"):
            queryset = queryset.filter(tier_now=d["tier"])
        return queryset.order_by("name", "credit_code")


# ----------------------------------------------------------------------------------------------
# Upload: the files are kept in a per-user folder between the preview and the confirmation.
# ----------------------------------------------------------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(UPLOAD_SUFFIXES)}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        files = (
            [single(d, initial) for d in data] if isinstance(data, list | tuple) else [single(data, initial)]
        )
        for f in files:
            if Path(f.name).suffix.lower() not in UPLOAD_SUFFIXES:
                raise forms.ValidationError(_("不支持的文件类型：请上传 .csv 或 .xlsx 文件"))
        return files


class UploadForm(forms.Form):
    # An empty file is accepted here so that the reader says, as for every upload, that it holds no data.
    files = MultipleFileField(
        label=_("企业名录或企业年度数据文件（CSV、XLSX，可多选）"), allow_empty_file=True
    )


@dataclass
class FilePreview:
    name: str
    kind: str  # registry | facts | unreadable
    kind_label: str
    rows: int
    headers: list[str]
    sample: list[list[str]]
    problem: str = ""


def _as_text(schema: pl.Schema) -> list[pl.Expr]:
    """Cells as the user typed them: an Excel date (read as text at midnight) shows as a date, not
    ``1994-07-25 00:00:00``."""
    return [
        pl.col(name).cast(pl.Utf8).str.replace(r"^(\d{4}-\d{2}-\d{2})[ T]00:00:00(\.0+)?$", "${1}")
        for name in schema
    ]


def _preview(path: Path, name: str) -> FilePreview:
    try:
        raw = read_table(path)
    except TableReadError as exc:
        return FilePreview(name, "unreadable", str(_("无法读取")), 0, [], [], str(exc))
    facts = any(header_map(FACT_COLUMNS).get(h.strip()) == "year" for h in raw.columns)
    kind = "facts" if facts else "registry"
    head = raw.head(PREVIEW_ROWS).with_columns(_as_text(raw.schema)).with_columns(pl.all().fill_null(""))
    return FilePreview(
        name=name,
        kind=kind,
        kind_label=str(_("企业年度数据") if facts else _("企业名录")),
        rows=raw.height,
        headers=[HEADERS_ZH.get(h.strip(), h) for h in raw.columns],
        sample=[list(r) for r in head.rows()],
    )


class StagedUpload:
    """Files waiting for confirmation under VAR_DIR/uploads/user-<id>/<token>/, the token in the session."""

    SESSION_KEY = "enterprise_upload"

    def __init__(self, folder: Path, token: str, names: list[str], stored: list[str]):
        self.folder, self.token, self.names, self.stored = folder, token, names, stored

    @property
    def paths(self) -> list[Path]:
        return [self.folder / s for s in self.stored]

    @staticmethod
    def _root(user) -> Path:
        return Path(settings.VAR_DIR) / "uploads" / f"user-{user.pk}"

    @classmethod
    def stash(cls, request, files) -> StagedUpload:
        previous = cls.load(request, (request.session.get(cls.SESSION_KEY) or {}).get("token", ""))
        if previous:
            previous.discard(request)
        token = secrets.token_urlsafe(16)
        folder = cls._root(request.user) / token
        folder.mkdir(parents=True, exist_ok=True)
        names, stored = [], []
        for i, upload in enumerate(files):
            name = Path(upload.name).name
            target = f"{i:02d}{Path(name).suffix.lower()}"  # never the user's file name on disk
            with open(folder / target, "wb") as out:
                for chunk in upload.chunks():
                    out.write(chunk)
            names.append(name)
            stored.append(target)
        request.session[cls.SESSION_KEY] = {"token": token, "names": names, "stored": stored}
        return cls(folder, token, names, stored)

    @classmethod
    def load(cls, request, token: str) -> StagedUpload | None:
        """The staged files of this user and session, or None (wrong or expired token)."""
        data = request.session.get(cls.SESSION_KEY) or {}
        if not token or data.get("token") != token:
            return None
        folder = cls._root(request.user) / token
        staged = cls(folder, token, data["names"], data["stored"])
        return staged if all(p.exists() for p in staged.paths) else None

    def previews(self) -> list[FilePreview]:
        return [_preview(p, n) for p, n in zip(self.paths, self.names, strict=True)]

    def discard(self, request) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        request.session.pop(self.SESSION_KEY, None)


# ----------------------------------------------------------------------------------------------
# Self-check: the year-Y figures, prefilled, changed in memory only.
# ----------------------------------------------------------------------------------------------

SELFCHECK_FIELDS = (
    "revenue",
    "main_business_revenue",
    "hightech_revenue",
    "total_cost",
    "rd_expense",
    "rd_expense_domestic",
    "employees",
    "tech_staff",
    "rd_staff",
    "total_assets",
    "net_assets",
    "ip_class1",
    "ip_class2",
    "invention_patents",
    "conversions",
    "standards_led",
)


# Bounds of the what-if figures (the web form and POST /api/enterprises/{code}/selfcheck): amounts in
# 万元 up to 10 亿万元 (10 万亿元, beyond any enterprise), counts up to 10,000,000. Beyond them the
# engine's Int64 columns overflow and the ratios lose their meaning.
SELFCHECK_AMOUNT_MAX = 1e9
SELFCHECK_COUNT_MAX = 10_000_000


def selfcheck_is_count(name: str) -> bool:
    return FACTS_BY_NAME[name].dtype == pl.Int64


def selfcheck_bounds(name: str) -> tuple[float, float]:
    """(minimum, maximum) of a self-check figure."""
    top = SELFCHECK_COUNT_MAX if selfcheck_is_count(name) else SELFCHECK_AMOUNT_MAX
    return (-top if name in SIGNED_FACTS else 0, top)


class SelfCheckForm(forms.Form):
    year = forms.IntegerField(widget=forms.HiddenInput, min_value=YEAR_MIN, max_value=YEAR_MAX)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in SELFCHECK_FIELDS:
            column = FACTS_BY_NAME[name]
            integer = selfcheck_is_count(name)
            low, high = selfcheck_bounds(name)
            kind, low, high = (
                (forms.IntegerField, int(low), int(high)) if integer else (forms.FloatField, low, high)
            )
            self.fields[name] = kind(
                label=display.with_unit(display.column_label(name), display.unit(column.unit)),
                required=False,
                min_value=low,
                max_value=high,
                widget=forms.NumberInput(attrs={"step": "1" if integer else "any"}),
            )

    @staticmethod
    def initial_for(enterprise, year: int) -> dict:
        fact = Fact.objects.filter(enterprise=enterprise, year=year).values(*SELFCHECK_FIELDS).first() or {}
        return {"year": year, **fact}

    def overrides(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k in SELFCHECK_FIELDS and v is not None}
