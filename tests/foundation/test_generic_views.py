"""The generic scoped views: the Excel export writes text as text, and the edit view saves then checks
the saved object is still within the user's scope (NetBox ObjectPermission style), rolling back if not.

The pages here are declared the way an app declares them (model, resource, form) and mounted on
this module's URLconf next to the project's own URLs.
"""

from __future__ import annotations

import io

import pytest
from django import forms
from django.urls import path

from kechuang.enterprises.models import Enterprise
from kechuang.urls import urlpatterns as project_urls
from kechuang.web.generic import ObjectEditView, write_xlsx
from tests.enterprises import conftest as enterprise_fixtures
from tests.enterprises.conftest import HUMEN, SONGSHANHU

pytestmark = pytest.mark.django_db

# The fixtures of the enterprise and plan tests, used here too.
population = enterprise_fixtures.population


class EnterpriseForm(forms.ModelForm):
    class Meta:
        model = Enterprise
        fields = ["name", "region_code"]


class EnterpriseEdit(ObjectEditView):
    model = Enterprise
    resource = "enterprise"
    form_class = EnterpriseForm
    lookup_field = "credit_code"
    success_url = "/"


urlpatterns = [
    path("test-edit/<str:credit_code>/", EnterpriseEdit.as_view(), name="test_edit"),
    *project_urls,
]


@pytest.fixture
def towns_may_edit_their_enterprises(monkeypatch):
    """A policy in which a town officer may change its own town's enterprises (and no others)."""
    from kechuang.access.policy import POLICY, TOWN

    monkeypatch.setitem(
        POLICY["enterprise"], "change", {**POLICY["enterprise"]["change"], TOWN: "own_region"}
    )


def edit(client, code: str, **data):
    return client.post(f"/test-edit/{code}/", data)


@pytest.mark.urls(__name__)
def test_edit_within_scope_is_saved(population, client_for, towns_may_edit_their_enterprises):
    code = population.songshanhu[3]
    assert client_for("songshanhu").get(f"/test-edit/{code}/").status_code == 200
    response = edit(client_for("songshanhu"), code, name="改名后的企业", region_code=SONGSHANHU)
    assert response.status_code == 302
    assert Enterprise.objects.get(credit_code=code).name == "改名后的企业"


@pytest.mark.urls(__name__)
def test_moving_an_object_out_of_ones_scope_is_rolled_back_with_403(
    population, client_for, towns_may_edit_their_enterprises
):
    code = population.songshanhu[3]
    before = Enterprise.objects.get(credit_code=code)
    response = edit(client_for("songshanhu"), code, name="搬到虎门", region_code=HUMEN)
    assert response.status_code == 403
    after = Enterprise.objects.get(credit_code=code)
    assert (after.name, after.region_code) == (before.name, SONGSHANHU)


@pytest.mark.urls(__name__)
def test_edit_outside_scope_is_404_and_without_change_scope_403(
    population, client_for, towns_may_edit_their_enterprises
):
    assert client_for("songshanhu").get(f"/test-edit/{population.humen[0]}/").status_code == 404
    assert edit(client_for("humen"), population.songshanhu[3], name="x", region_code=HUMEN).status_code == 404
    # 企业用户 may see its own enterprise but change none.
    assert client_for("enterprise").get(f"/test-edit/{population.own}/").status_code == 403
    assert client_for("outsider").get(f"/test-edit/{population.own}/").status_code == 302


def test_export_writes_text_as_text_and_numbers_and_dates_as_such():
    import datetime as dt

    import openpyxl

    body = write_xlsx(
        "表", ["文本", "数", "日期"], [["=1+1", 3, dt.date(2024, 5, 1)], ["0012", 2.5, None], ["—", None, ""]]
    )
    sheet = openpyxl.load_workbook(io.BytesIO(body)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("文本", "数", "日期")
    assert rows[1] == ("=1+1", 3, dt.datetime(2024, 5, 1))
    assert sheet.cell(2, 1).data_type == "s"  # a string, not a formula
    assert rows[2] == ("0012", 2.5, None)
    assert sheet.max_row == 3  # "—", "" and None write nothing
