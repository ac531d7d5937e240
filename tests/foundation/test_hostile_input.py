"""Hostile enterprise files: over-long text, non-finite numbers and huge cells are refused with the row
and field named, the database stays as it was, and error pages quote only a short prefix."""

from __future__ import annotations

import polars as pl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from kechuang.engine.enterprise_import import MAX_LENGTHS, check_facts, check_registry, check_upload
from kechuang.engine.observation_import import MAX_LENGTHS as OBSERVATION_LENGTHS
from tests.enterprises.conftest import synthetic_population

NON_FINITE = ["inf", "Infinity", "1e999", "NaN", "-inf"]


def test_the_import_lengths_are_the_columns_lengths():
    from kechuang.enterprises.models import Enterprise
    from kechuang.plans.models import Observation

    for name, limit in MAX_LENGTHS.items():
        assert Enterprise._meta.get_field(name).max_length == limit
    for name, limit in OBSERVATION_LENGTHS.items():
        assert Observation._meta.get_field(name).max_length == limit


def registry_file(tmp_path, name: str):
    registry, _ = synthetic_population()
    registry = registry.with_columns(
        pl.when(pl.int_range(pl.len()) == 1).then(pl.lit(name)).otherwise(pl.col("name")).alias("name")
    )
    path = tmp_path / "名录.csv"
    registry.write_csv(path)
    return registry, path


def test_a_100000_character_name_is_refused_with_row_and_field(tmp_path):
    registry, path = registry_file(tmp_path, "企" * 100_000)
    checked, errors = check_upload([path], region_lookup=_towns())
    assert not checked
    [error] = errors["名录.csv"]  # beyond any cell: refused by the reader, naming the cell
    assert "第 3 行「name」的单元格有 100,000 个字符" in error.message and len(error.message) < 300


def test_a_201_character_name_is_refused_with_row_and_field(tmp_path):
    registry, path = registry_file(tmp_path, "企" * 201)
    checked, errors = check_upload([path], region_lookup=_towns())
    assert not checked
    [error] = errors["名录.csv"]
    assert (error.row, error.column, error.kind) == (3, "企业名称", "length")
    assert "有 201 个字符，超过 200 个字符的上限" in error.message and len(error.message) < 200
    assert len(error.value) == 51 and error.value.endswith("…")


def test_a_name_of_200_characters_passes():
    registry, _ = synthetic_population()
    registry = registry.with_columns(pl.lit("企" * 200).alias("name")).cast(pl.Utf8)
    clean, errors = check_registry(registry, _towns())
    assert not errors.rejected, errors[:3]


@pytest.mark.parametrize("text", NON_FINITE)
def test_enterprise_facts_refuse_non_finite_numbers(tmp_path, text):
    registry, facts = synthetic_population()
    facts = facts.cast(pl.Utf8).with_columns(
        pl.when(pl.int_range(pl.len()) == 0).then(pl.lit(text)).otherwise(pl.col("revenue")).alias("revenue")
    )
    clean, errors = check_facts(facts, set(registry["credit_code"]))
    assert clean.height == 0
    [error] = errors
    assert (error.row, error.column, error.kind) == (2, "营业收入", "number")
    # The fast path (the CSV reader parses the numbers itself) refuses them too.
    registry.write_csv(tmp_path / "r.csv")
    facts.write_csv(tmp_path / "f.csv")
    checked, errors = check_upload([tmp_path / "r.csv", tmp_path / "f.csv"], region_lookup=_towns())
    assert [(e.row, e.column) for e in errors["f.csv"]] == [(2, "营业收入")]


def _towns() -> dict[str, str]:
    from kechuang.engine.enterprise_import import region_lookup_from_towns
    from kechuang.regions import town_rows

    return region_lookup_from_towns(
        pl.DataFrame(list(town_rows())).with_columns(pl.col("code").cast(pl.Utf8))
    )


@pytest.fixture
def _uploads(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.JOBS_AUTOSTART_WORKER = False


def test_the_upload_page_quotes_a_huge_cell_briefly(personas, client_for, _uploads):
    from kechuang.enterprises.models import Enterprise

    registry, _ = synthetic_population()
    huge = "=" + "巨" * 1_000_000  # 3 MB in one cell, within the upload limit
    text = registry.cast(pl.Utf8).with_columns(pl.lit(huge).alias("industry_code")).write_csv()
    f = SimpleUploadedFile("名录.csv", text.encode("utf-8"), content_type="text/csv")
    response = client_for("bureau").post("/enterprises/upload/", {"files": [f]})
    html = response.content.decode()
    assert response.status_code == 200 and "整批未导入" in html
    assert "1,000,001 个字符" in html and len(html) < 100_000  # not the 3 MB cell
    assert not Enterprise.objects.exists()


def test_the_observation_upload_page_quotes_a_long_note_briefly(personas, client_for):
    from kechuang.plans import observations, services
    from kechuang.plans.models import Observation
    from kechuang.plans.schema import default_plan_path

    plan = services.load_plan(services.parse_plan(default_plan_path()), source_file="plan.yaml").plan
    observations.load_reference_history(plan)
    before = Observation.objects.count()
    csv = "指标,地区,年份,数值,来源,备注\nrd_intensity,东莞市,2025,4.1,快报," + "备" * 20_000 + "\n"
    f = SimpleUploadedFile("obs.csv", csv.encode(), content_type="text/csv")
    html = client_for("bureau").post("/plans/entry/upload/", {"file": f}).content.decode()
    assert "文件未导入" in html and "超过 500 个字符的上限" in html and "备" * 52 not in html
    assert Observation.objects.count() == before
