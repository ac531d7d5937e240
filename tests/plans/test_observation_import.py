"""Importing observations: all or nothing, every bad row named, corrections kept as revisions."""

import pytest

from kechuang.plans.models import Observation
from kechuang.plans.observations import ObservationImportError, import_file


def write(tmp_path, text, name="obs.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


def test_good_file_with_chinese_headers_and_region_names(plan, tmp_path):
    path = write(
        tmp_path,
        "指标,地区,年份,数值,来源\nrd_intensity,虎门镇,2024,3.1,虎门统计\n技术合同成交额,东莞市,2023,80.5,市科技局\n",
    )
    result = import_file(path, plan)
    assert (result.created, result.revised) == (2, 0)
    row = Observation.objects.get(indicator__code="rd_intensity", region_code="441900121", year=2024)
    assert row.value == 3.1 and row.source == "虎门统计" and row.unit == "%"


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("no_such_indicator,东莞市,2024,1", "指标", "未知指标"),
        ("rd_intensity,火星镇,2024,1", "地区", "未知地区"),
        ("rd_intensity,东莞市,1999,1", "年份", "超出 2000–2100"),
        ("rd_intensity,东莞市,二〇二四,1", "年份", "不是整数"),
        ("rd_intensity,东莞市,2024,abc", "数值", "不是数字"),
        ("industrial_hightech_enterprises,东莞市,2024,-5", "数值", "不能为负"),
    ],
)
def test_each_bad_row_is_named_and_nothing_is_written(plan, tmp_path, line, column, message):
    before = Observation.objects.count()
    path = write(tmp_path, f"indicator,region,year,value\nrd_intensity,东莞市,2023,3.9\n{line}\n")
    with pytest.raises(ObservationImportError) as info:
        import_file(path, plan)
    [error] = info.value.errors
    assert (error.row, error.column) == (3, column) and message in error.message
    assert Observation.objects.count() == before


def test_two_values_for_the_same_key_reject_the_file(plan, tmp_path):
    path = write(
        tmp_path, "indicator,region,year,value\nrd_intensity,东莞市,2023,3.9\nrd_intensity,441900,2023,4.0\n"
    )
    with pytest.raises(ObservationImportError) as info:
        import_file(path, plan)
    assert {e.row for e in info.value.errors} == {2, 3}
    assert "数值不同" in info.value.errors[0].message


def test_unit_in_header_must_match_the_indicator(plan, tmp_path):
    path = write(tmp_path, "指标,地区,年份,数值（亿元）\nrd_intensity,东莞市,2023,3.9\n")
    with pytest.raises(ObservationImportError) as info:
        import_file(path, plan)
    assert "单位" in info.value.errors[0].message and info.value.errors[0].row == 2


def test_gbk_csv_is_read(plan, tmp_path):
    path = write(tmp_path, "指标,地区,年份,数值\nrd_intensity,松山湖,2024,12.5\n", encoding="gbk")
    assert import_file(path, plan).created == 1


def test_a_correction_is_a_new_revision_and_the_old_value_stays(plan, tmp_path):
    import_file(
        write(tmp_path, "indicator,region,year,value,source\nrd_intensity,东莞市,2023,3.9,初步数\n"), plan
    )
    result = import_file(
        write(
            tmp_path,
            "indicator,region,year,value,source\nrd_intensity,东莞市,2023,3.95,正式数\n",
            name="b.csv",
        ),
        plan,
    )
    assert (result.created, result.revised) == (0, 1)
    rows = list(
        Observation.objects.filter(indicator__code="rd_intensity", region_code="441900", year=2023)
        .order_by("revision")
        .values_list("value", "revision", "is_latest", "source")
    )
    assert rows == [(3.9, 1, False, "初步数"), (3.95, 2, True, "正式数")]
    # Importing the same file again changes nothing.
    again = import_file(tmp_path / "b.csv", plan)
    assert (again.created, again.revised, again.unchanged) == (0, 0, 1)


def test_a_department_reporter_may_only_write_its_own_indicators(plan, personas, tmp_path):
    # tjj owns rd_intensity; science_literacy belongs to 市科协.
    path = write(
        tmp_path,
        "indicator,region,year,value\nrd_intensity,东莞市,2023,3.9\nscience_literacy,东莞市,2023,15\n",
    )
    with pytest.raises(ObservationImportError) as info:
        import_file(path, plan, user=personas["reporter"])
    assert [e.row for e in info.value.errors] == [3] and "无权" in info.value.errors[0].message
    assert not Observation.objects.filter(year=2023).exists()


def test_a_town_officer_may_only_write_its_own_town(plan, personas, tmp_path):
    ok = write(tmp_path, "indicator,region,year,value\nrd_intensity,松山湖,2023,12\n")
    assert import_file(ok, plan, user=personas["songshanhu"]).created == 1
    bad = write(tmp_path, "indicator,region,year,value\nrd_intensity,虎门镇,2023,3\n", name="bad.csv")
    with pytest.raises(ObservationImportError):
        import_file(bad, plan, user=personas["songshanhu"])
