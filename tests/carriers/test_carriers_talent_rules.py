"""人才分类评价: a catalogue entry belongs to one class and one route (an application that claims
another is refused, naming the entry), and a person barred for fraud (弄虚作假, five years) cannot be
given a class on an application still open from before the bar."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from kechuang.carriers import services
from kechuang.carriers.models import TalentApplication

pytestmark = pytest.mark.django_db

PERSON = "110101199001011234"


def _apply(user, id_number=PERSON, **kw):
    fields = dict(
        person_name="张三",
        employer_name="丙研究院",
        region_code="441900401",
        route="recognition",
        claimed_class="C",
        criterion="C01",
        evidence="业绩",
    )
    fields.update(kw)
    return services.submit_application(user, id_number, **fields)


def test_an_entry_of_another_class_or_route_is_refused_and_nothing_is_written(world):
    with pytest.raises(ValidationError, match="目录条目 C01 属于 C类，与申报类别 A类不符"):
        _apply(world.users["app_1"], claimed_class="A")
    with pytest.raises(
        ValidationError, match="目录条目 C01 的评价途径是「认定」，与所选途径「专家评定」不符"
    ):
        _apply(world.users["app_1"], route="expert")
    assert not TalentApplication.objects.exists()
    assert _apply(world.users["app_1"]).criterion == "C01"  # its own class and route


def test_the_apply_page_refuses_a_mismatched_entry_and_names_routes_in_words(world, login):
    c = login("app_1")
    page = c.get("/carriers/talent/apply/").content.decode()
    assert "<td>专家评定</td>" in page and "<td>expert</td>" not in page
    r = c.post(
        "/carriers/talent/apply/",
        {
            "person_name": "王五",
            "employer_name": "丙研究院",
            "region_code": "441900401",
            "route": "nomination",
            "claimed_class": "B",
            "criterion": "B02",
            "id_number": "X9",
        },
    )
    assert r.status_code == 200
    assert "目录条目 B02 的评价途径是「专家评定」，与所选途径「举荐自评」不符" in r.content.decode()
    assert not TalentApplication.objects.filter(person_name="王五").exists()


def test_a_person_barred_for_fraud_gets_no_class_on_an_open_application(world):
    open_one = _apply(world.users["app_1"])
    services.recommend(open_one, "同意")
    fraud = _apply(world.users["app_2"], id_number=f" {PERSON.lower()} ", person_name="张三")
    services.revoke_for_fraud(fraud, "材料造假")
    with pytest.raises(ValidationError, match="申报人因弄虚作假被撤销人才评价结果，.* 前不得认定"):
        services.decide(open_one, True, "C")
    open_one.refresh_from_db()
    assert open_one.status == "recommended" and open_one.decided_class == "" and open_one.valid_until is None
    services.decide(open_one, False, note="弄虚作假，不予认定")  # turning it down is still possible
    open_one.refresh_from_db()
    assert open_one.status == "rejected"


def test_the_support_that_follows_the_class_is_recorded_with_the_decision(world, login):
    app = _apply(world.users["app_1"])
    services.recommend(app, "同意")
    services.decide(app, True, "B")  # the bureau may give another class than the one claimed
    app.refresh_from_db()
    assert app.support == services.talent_support("B")["text"] and "示例" in app.support
    page = login("app_1").get(f"/carriers/talent/{app.pk}/").content.decode()
    assert app.support in page and "享受的支持" in page
    [row] = login("app_1").get("/api/carriers/talent").json()
    assert row["support"] == app.support and row["decided_class"] == "B"
    services.revoke_for_fraud(app, "材料造假")
    app.refresh_from_db()
    assert app.support == "" and app.valid_until is None


def test_an_english_reader_sees_the_support_in_english(world, login):
    app = _apply(world.users["app_1"])
    services.recommend(app, "同意")
    services.decide(app, True, "C")
    world.users["app_1"].language = "en"
    world.users["app_1"].save()
    page = login("app_1").get(f"/carriers/talent/{app.pk}/").content.decode()
    assert services.talent_support("C")["text_en"] in page
    assert "Selected for a national talent programme (sample)" in page  # the catalogue entry C01
