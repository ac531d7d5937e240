"""Moving points models between files, the database and the engine."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from kechuang.audit.models import Action
from kechuang.audit.signals import record
from kechuang.engine.points import PointsModel as ModelFile
from kechuang.engine.points import load_model, parse_model, read_model_text, sample_model_path
from kechuang.points.models import PointsModel, PointsModelVersion


@dataclass
class LoadResult:
    model: PointsModel
    version: PointsModelVersion
    new_version: bool


@dataclass
class ActiveModel:
    model: ModelFile
    version: PointsModelVersion | None  # None: the shipped sample, not loaded
    source: str  # where it came from, in Chinese


@transaction.atomic
def load_points_model(source: str | Path, loaded_by: str = "", note: str = "") -> LoadResult:
    """Validate and store a model file; a changed content becomes a new version; it becomes active."""
    text = read_model_text(Path(source))
    parsed = parse_model(text)
    model, _ = PointsModel.objects.get_or_create(code=parsed.code, defaults={"name": parsed.name})
    PointsModel.objects.exclude(pk=model.pk).filter(is_active=True).update(is_active=False)
    model.name, model.status, model.is_active = parsed.name, parsed.status, True
    model.save()
    current = model.current_version
    digest = parsed.content_hash()
    if current is not None and current.content_hash == digest:
        return LoadResult(model, current, False)
    version = PointsModelVersion.objects.create(
        model=model,
        number=(current.number + 1) if current else 1,
        content_hash=digest,
        text=text,
        content=parsed.model_dump(mode="json"),
        source_file=str(source),
        loaded_by=loaded_by,
        note=note,
    )
    record(
        Action.IMPORT,
        version,
        object_repr=f"{model.name} 第 {version.number} 版",
        after={"source_file": str(source), "content_hash": digest, "status": parsed.status},
    )
    return LoadResult(model, version, True)


def version_model(version: PointsModelVersion) -> ModelFile:
    return ModelFile.model_validate(version.content)


def active_model() -> ActiveModel:
    """The active model's current version, or the shipped sample when none has been loaded."""
    model = PointsModel.objects.filter(is_active=True).first()
    version = model.current_version if model else None
    if version is None:
        path = sample_model_path()
        return ActiveModel(load_model(path), None, f"内置示例模型 {path.name}（数据库中尚未加载积分模型）")
    return ActiveModel(
        version_model(version), version, f"数据库中的当前模型 {model.code} 第 {version.number} 版"
    )
