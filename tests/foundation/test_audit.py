"""Every create, update and delete a person makes is recorded with before and after."""

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
