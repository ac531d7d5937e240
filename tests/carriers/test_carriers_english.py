"""The carriers pages in English with their data (issue 9 §5): an instrument by its English name, the
instrument categories and carrier specialisations in English, an evaluation's missing data composed
in English, the withdrawal page's level and grades, and the talent pages with the people's names,
employers and typed texts kept as written (translate="no"). The Chinese pages are unchanged."""

from __future__ import annotations

import pytest

from kechuang.carriers import services
from kechuang.carriers.models import EvaluationResult
from tests.foundation.test_english_pages import CJK, english_text

pytestmark = pytest.mark.django_db


def _english(world, name: str) -> None:
    world.users[name].language = "en"
    world.users[name].save(update_fields=["language"])


def _chinese_left(page: str) -> list[str]:
    return CJK.findall(english_text(page))


def test_instruments_and_bookings_read_in_english(world, login):
    world.instrument.name_en = "Electron microscope"
    world.instrument.category = "电子显微"
    world.instrument.save()
    world.a.specialisation = "智能制造"
    world.a.save()
    zh = login("bureau")
    catalogue = zh.get("/carriers/instruments/").content.decode()
    assert "电镜" in catalogue and ">电子显微<" in catalogue and "Electron" not in catalogue
    assert "智能制造" in zh.get("/carriers/list/").content.decode()
    _english(world, "bureau")
    en = login("bureau")
    pages = {
        url: en.get(url).content.decode()
        for url in (
            "/carriers/instruments/",
            "/carriers/instruments/Q1/",
            "/carriers/bookings/",
            "/carriers/list/",
        )
    }
    for url, page in pages.items():
        assert _chinese_left(page) == [], url
    assert (
        "Electron microscope" in pages["/carriers/instruments/"]
        and "电镜" not in pages["/carriers/instruments/"]
    )
    assert ">Electron microscopy<" in pages["/carriers/instruments/"]
    assert "<h1>Electron microscope</h1>" in pages["/carriers/instruments/Q1/"]
    assert "<title>Electron microscope" in pages["/carriers/instruments/Q1/"]
    assert "Electron microscope" in pages["/carriers/bookings/"]
    assert '<span translate="no">示例企业</span>' in pages["/carriers/bookings/"]  # who booked: as written
    assert ">Intelligent manufacturing<" in pages["/carriers/list/"]
    # found by its English name; the API gives it beside the Chinese
    assert "Electron microscope" in en.get("/carriers/instruments/?q=microscope").content.decode()
    api = en.get("/api/carriers/instruments").json()
    assert (api[0]["name"], api[0]["name_en"]) == ("电镜", "Electron microscope")


def test_an_instrument_or_field_without_english_is_shown_as_written(world, login):
    world.instrument.category = "冷冻电镜"  # a category typed that the vocabulary does not know
    world.instrument.save()
    _english(world, "bureau")
    page = login("bureau").get("/carriers/instruments/").content.decode()
    assert '<span translate="no">电镜</span>' in page and '<span translate="no">冷冻电镜</span>' in page
    assert _chinese_left(page) == []


def test_the_missing_data_of_an_evaluation_is_said_in_the_readers_language(world, login):
    services.run_evaluation("institution_dynamic", "2025")  # 2023–2025: only the 2025 report
    result = EvaluationResult.objects.get(carrier=world.institution)
    assert result.missing.startswith("缺少 2023 年度报告：")  # stored in Chinese
    zh = login("bureau").get(f"/carriers/evaluations/{result.pk}/").content.decode()
    assert result.missing in zh
    _english(world, "bureau")
    page = login("bureau").get(f"/carriers/evaluations/{result.pk}/").content.decode()
    assert "No 2023 annual report: " in page and "No 2024 annual report: " in page
    assert "computed over the years available" in page and result.missing not in page
    assert "丙研究院" not in page.split("<body", 1)[0]  # the title names the carrier by its code
    assert _chinese_left(page) == []


def test_the_withdrawal_page_reads_in_english(world, login):
    services.run_evaluation("incubator_operation", "2025")
    zh = login("bureau").get("/carriers/c/A1/withdraw/").content.decode()
    assert "国家级" in zh and "甲孵化器" in zh
    _english(world, "bureau")
    page = login("bureau").get("/carriers/c/A1/withdraw/").content.decode()
    assert "National" in page and "国家级" not in page
    assert '<span translate="no">甲孵化器</span>' in page
    assert (
        "Annual operating evaluation of incubation carriers 2025: Good</option>" in page
    )  # the result to cite, by its grade
    assert _chinese_left(page) == []


def test_the_talent_pages_keep_names_and_typed_texts_as_written(world, login):
    app = services.submit_application(
        world.users["app_1"], "X1", person_name="林博士", employer_name="某研究院", region_code="441900401",
        route="recognition", claimed_class="C", evidence="主要业绩说明",
    )  # fmt: skip
    services.recommend(app, "同意推荐")
    services.revoke_for_fraud(app, "材料弄虚作假")
    zh = login("bureau").get(f"/carriers/talent/{app.pk}/").content.decode()
    assert "某研究院</span>（" in zh and "材料弄虚作假" in zh and "<title>林博士（认定）" in zh
    _english(world, "bureau")
    c = login("bureau")
    listed = c.get("/carriers/talent/").content.decode()
    detail = c.get(f"/carriers/talent/{app.pk}/").content.decode()
    for page in (listed, detail):
        assert _chinese_left(page) == []
    assert (
        '<td translate="no">材料弄虚作假</td>' in detail and '<td translate="no">主要业绩说明</td>' in detail
    )
    assert '<span translate="no">某研究院</span> (' in detail
    assert "林博士" not in detail.split("<body", 1)[0]  # the title: the application, not the person


def test_the_targets_of_an_institution_read_by_their_english_names(world, login):
    target = world.institution.targets.get(code="T1")
    zh = login("op_inst").get("/carriers/c/I1/?year=2025").content.decode()
    assert "研发投入" in zh and "R&amp;D spending" not in zh
    _english(world, "op_inst")
    c = login("op_inst")
    # without its English the target is shown as written
    assert '<span translate="no">研发投入</span>' in c.get("/carriers/c/I1/?year=2025").content.decode()
    target.name_en = "R&D spending"
    target.save()
    for url in ("/carriers/c/I1/?year=2025", "/carriers/c/I1/targets/?year=2025"):
        page = c.get(url).content.decode()
        assert "<td>R&amp;D spending (CNY 10k)" in page and "研发投入" not in page, url
        assert _chinese_left(page) == [], url
    api = c.get("/api/carriers/I1/targets").json()  # the API gives the English beside the Chinese
    assert (api[0]["name"], api[0]["name_en"]) == ("研发投入", "R&D spending")


def test_a_message_names_the_carrier_as_written(world, login):
    """The flash message after a withdrawal and a restoration: in English the carrier's name is kept
    as written (translate="no"), the rest English; in Chinese the same sentence as before."""
    _english(world, "bureau")
    page = (
        login("bureau")
        .post("/carriers/c/A1/withdraw/", {"reason": "不再符合认定条件"}, follow=True)
        .content.decode()
    )
    message = page.split('class="messages"', 1)[1].split("</ul>", 1)[0]
    assert '<span translate="no">甲孵化器</span>' in message and _chinese_left(f"<ul {message}</ul>") == []
    world.users["bureau"].language = "zh-hans"
    world.users["bureau"].save(update_fields=["language"])
    page = (
        login("bureau")
        .post("/carriers/c/A1/withdraw/revoke/", {"reason": "复核后恢复"}, follow=True)
        .content.decode()
    )
    assert "已恢复 甲孵化器 的认定" in page
