"""The public portal lists the achievements offered for transfer (可转化) without login, as issue 11
asks ("enterprises and the public portal see what is published"): never a withdrawn, negotiated or
transferred one, and nothing of the licences or the inventors' shares."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anyone_sees_the_published_achievements_only(transfer_world):
    from kechuang.transfer.models import Achievement

    w = transfer_world
    Achievement.objects.filter(pk=w["other"].pk).update(asking_price=120)
    url = reverse("portal:achievements")
    response = Client().get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "基于机器视觉的表面缺陷检测系统" in page and "高比能固态电池电解质" in page
    assert "120" in page and "面议" in page  # an asking price, or 面议 when there is none
    assert "未公开的成果" not in page  # withdrawn
    assert "L-T-001" not in page and "0.6" not in page  # no licence, no inventor shares
    # the readiness level with its name and the scale it comes from
    assert "6 · " in page and "NASA/DoD" in page
    # the portal's menu (on every portal page) leads there
    assert f'href="{url}"' in Client().get(reverse("portal:scenarios")).content.decode()


def test_a_field_and_words_narrow_the_list(transfer_world):
    url = reverse("portal:achievements")
    by_field = Client().get(url, {"field": "新能源与节能"}).content.decode()
    assert "高比能固态电池电解质" in by_field and "表面缺陷检测" not in by_field
    by_word = Client().get(url, {"q": "机器视觉"}).content.decode()
    assert "表面缺陷检测" in by_word and "固态电池" not in by_word
    nothing = Client().get(url, {"q": "量子计算"}).content.decode()
    assert "没有符合条件的成果" in nothing
