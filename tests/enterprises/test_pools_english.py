"""The cultivation pools in English (issue 9 §5): each row's gap text and the pool definitions have
English twins, the English page shows them and the export stays Chinese."""
# ruff: noqa: F811  (fixtures imported from conftest_pools are used as arguments)

import re

import pytest
from django.utils import translation

from tests.enterprises.conftest_pools import YEAR, handmade, loaded_plan  # noqa: F401

pytestmark = pytest.mark.django_db
CJK = re.compile(r"[\u3400-\u9fff\uff01-\uff5e\u3000-\u303f]")


def test_a_gap_text_has_its_english_twin(handmade):
    from kechuang.enterprises import pools

    frame = pools.pool("gaoqi_reserve", YEAR)
    row = next(r for r in frame.iter_rows(named=True) if r["enterprise_id"] == handmade.ids["one_rd"])
    assert row["gap_text"] == "研发费用占比 3.8%，需 ≥ 4%：近三年研发费用还差 42 万元"
    assert (
        row["gap_text_en"]
        == "R&D share 3.8%, needs ≥ 4%: R&D expenses of the last three years 42 CNY 10k short"
    )
    assert row["failed_labels_en"] == "R&D share"


@pytest.mark.parametrize("kind", ["gaoqi_reserve", "kexiao_reserve", "guishang_candidates"])
def test_every_member_and_the_definition_read_in_english(handmade, kind):
    from kechuang.enterprises import pools
    from kechuang.enterprises.pools_config import definition

    frame = pools.pool(kind, YEAR)
    assert frame.height
    chinese = [
        t for t in frame["gap_text_en"].to_list() + frame["failed_labels_en"].to_list() if CJK.search(t)
    ]
    assert not chinese
    assert not [line for line in definition(kind, english=True) if CJK.search(line)]
    with translation.override("zh-hans"):
        assert all(CJK.search(line) for line in definition(kind))


def test_the_english_page_shows_the_english_gap_texts(handmade, client_for, personas):
    personas["bureau"].language = "en"
    personas["bureau"].save(update_fields=["language"])
    page = client_for("bureau").get(f"/enterprises/pools/gaoqi_reserve/?year={YEAR}").content.decode()
    assert "R&amp;D expenses of the last three years 42 CNY 10k short" in page
    assert "近三年研发费用还差 42 万元" not in page
