"""Every create, update and delete a person makes is recorded with before and after."""

import pytest

from kechuang.audit.models import ObjectChange


def test_create_update_delete_through_the_admin_are_recorded(client_for, personas):
    from kechuang.accounts.models import OrgUnit

    admin = client_for("admin")
    city = OrgUnit.objects.get(code="441900")
    form = {
        "code": "bank_test",
        "name": "测试银行东莞分行",
        "short_name": "",
        "kind": "bank",
        "parent": city.pk,
        "region_code": "441900003",
        "credit_code": "",
    }
    assert admin.post("/admin/accounts/orgunit/add/", form).status_code == 302
    unit = OrgUnit.objects.get(code="bank_test")
    assert (
        admin.post(f"/admin/accounts/orgunit/{unit.pk}/change/", {**form, "name": "测试银行"}).status_code
        == 302
    )
    assert admin.post(f"/admin/accounts/orgunit/{unit.pk}/delete/", {"post": "yes"}).status_code == 302

    changes = list(
        ObjectChange.objects.filter(object_type="accounts.orgunit", object_id=str(unit.pk)).order_by("id")
    )
    assert [c.action for c in changes] == ["create", "update", "delete"]
    assert all(c.user_name == "admin" and c.user == personas["admin"] for c in changes)
    assert changes[0].before is None and changes[0].after["name"] == "测试银行东莞分行"
    assert changes[1].changed_fields() == [("name", "测试银行东莞分行", "测试银行")]
    assert changes[2].before["name"] == "测试银行" and changes[2].after is None


def test_audit_pages_show_the_change_to_admins_only(client_for, personas):
    from kechuang.accounts.models import OrgUnit
    from kechuang.audit.context import acting_as

    with acting_as(personas["admin"]):
        unit = OrgUnit.objects.get(code="kjj")
        unit.short_name = "科技局（改）"
        unit.save()
    change = ObjectChange.objects.get(object_type="accounts.orgunit", object_id=str(unit.pk))
    listing = client_for("admin").get("/audit/?action=update").content.decode()
    assert "东莞市科学技术局" in listing
    detail = client_for("admin").get(f"/audit/{change.pk}/").content.decode()
    assert "科技局（改）" in detail and "市科技局" in detail
    assert client_for("bureau").get(f"/audit/{change.pk}/").status_code == 403


def test_saving_without_a_change_records_nothing(personas):
    from kechuang.accounts.models import OrgUnit
    from kechuang.audit.context import acting_as

    with acting_as(personas["admin"]):
        OrgUnit.objects.get(code="kjj").save()
    assert not ObjectChange.objects.filter(object_type="accounts.orgunit").exists()


def test_passwords_never_reach_the_audit_trail(personas):
    from kechuang.audit.context import acting_as

    with acting_as(personas["admin"]):
        user = personas["leader"]
        user.set_password("another-password-1")
        user.display_name = "领导甲"
        user.save()
    change = ObjectChange.objects.get(object_type="accounts.user", object_id=str(user.pk))
    assert "password" not in (change.before or {}) and "password" not in (change.after or {})


# ---------------------------------------------------------------- who is the actor (NetBox's way)
# The middleware keeps the request in a context variable; the user is read from it when the record
# is written, so a user authenticated later (django-ninja's token auth) is the one recorded.

PLAN_URL = "/api/plans/dongguan-2026-2030/observations"
ROW = {"indicator": "rd_intensity", "region": "东莞市", "year": 2025, "value": 4.05, "source": "市统计局快报"}


def _load_plan():
    from kechuang.plans import services
    from kechuang.plans.schema import default_plan_path

    return services.load_plan(
        services.parse_plan(default_plan_path()), source_file="dongguan-2026-2030.yaml"
    ).plan


def _post(client, **headers):
    import json

    return client.post(PLAN_URL, json.dumps({"rows": [ROW]}), content_type="application/json", **headers)


def _observation_import_changes():
    return ObjectChange.objects.filter(action="import", object_repr__startswith="观测值导入")


@pytest.mark.parametrize("header", ["HTTP_AUTHORIZATION", "HTTP_X_API_TOKEN"])
@pytest.mark.parametrize("enforce_csrf", [False, True])
def test_a_token_write_through_the_api_is_audited_under_the_token_user(personas, header, enforce_csrf):
    from django.test import Client

    from kechuang.accounts.models import ApiToken

    _load_plan()
    _, plain = ApiToken.issue(personas["reporter"], "nightly upload")
    value = f"Bearer {plain}" if header == "HTTP_AUTHORIZATION" else plain
    # A script has no session and no CSRF cookie: the token alone authenticates the write.
    response = _post(Client(enforce_csrf_checks=enforce_csrf), **{header: value})
    assert response.status_code == 201, response.content
    [change] = _observation_import_changes()
    assert change.user == personas["reporter"] and change.user_name == "reporter"
    assert len(change.request_id) == 36


def test_a_session_write_through_the_api_is_audited(client_for, personas):
    _load_plan()
    assert _post(client_for("reporter")).status_code == 201
    [change] = _observation_import_changes()
    assert (change.user, change.user_name) == (personas["reporter"], "reporter")


def test_a_session_write_without_csrf_is_still_refused(client_for, personas):
    from django.test import Client

    _load_plan()
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["reporter"])
    assert _post(client).status_code == 403
    assert not _observation_import_changes().exists()


def test_changes_in_one_request_share_its_request_id(client_for, personas):
    from kechuang.accounts.models import OrgUnit

    admin = client_for("admin")
    unit = OrgUnit.objects.get(code="kjj")
    form = {
        "code": "kjj",
        "name": unit.name,
        "short_name": "科技局（改）",
        "kind": unit.kind,
        "parent": unit.parent_id,
        "region_code": unit.region_code,
        "credit_code": "",
    }
    assert admin.post(f"/admin/accounts/orgunit/{unit.pk}/change/", form).status_code == 302
    [change] = ObjectChange.objects.filter(object_type="accounts.orgunit", object_id=str(unit.pk))
    assert len(change.request_id) == 36


def test_logging_in_is_not_a_change_of_the_user(personas):
    from django.test import Client

    response = Client().post("/login/", {"username": "bureau", "password": "pw-bureau"})
    assert response.status_code == 302
    assert not ObjectChange.objects.filter(object_type="accounts.user").exists()


def test_anonymous_requests_and_code_outside_any_request_record_nothing(personas):
    from kechuang.accounts.models import OrgUnit

    unit = OrgUnit.objects.get(code="kjj")
    unit.short_name = "无人修改"
    unit.save()
    assert not ObjectChange.objects.exists()


def test_command_line_writes_are_audited_under_the_command_name(personas):
    from typer.testing import CliRunner

    from kechuang.cli.main import app

    result = CliRunner().invoke(app, ["plan", "load"])
    assert result.exit_code == 0, result.output
    changes = ObjectChange.objects.filter(object_type="plans.plan")
    assert changes.exists()
    assert {(c.user_name, c.user) for c in changes} == {("cli:plan load", None)}


def test_the_user_is_read_from_the_request_when_the_change_is_written(personas):
    """The request is kept from the start; who it is acting for is decided at the write, so a user
    the API authenticates later (request.auth) is the one recorded."""
    from django.contrib.auth.models import AnonymousUser
    from django.test import RequestFactory

    from kechuang.accounts.models import OrgUnit
    from kechuang.audit.context import current_actor, request_context

    request = RequestFactory().post("/api/anything")
    request.user = AnonymousUser()
    with request_context(request):
        assert current_actor() is None
        request.auth = personas["bureau"]  # what django-ninja sets after authenticating a token
        unit = OrgUnit.objects.get(code="kjj")
        unit.short_name = "改"
        unit.save()
    [change] = ObjectChange.objects.filter(object_type="accounts.orgunit")
    assert (change.user, change.user_name, change.request_id) == (personas["bureau"], "bureau", request.id)
    assert current_actor() is None  # nothing outlives the request
