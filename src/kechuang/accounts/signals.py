"""Audit records of logging in and of API tokens (kechuang.audit, ObjectChange).

- every login, through any form (the site's, the admin's): ``login`` on success, ``login_failed`` on a
  wrong password, an unknown or inactive account, or a login refused by the throttle — with the
  client address; never the password;
- a token's revocation (from the profile page, the admin or with its user): ``token_revoke``; its
  issue is recorded by ``ApiToken.issue``; a change of its name, expiry, read-only flag or addresses
  (in the admin): ``update`` (``last_used`` alone is not a change).

The records are written as ``object_type="accounts.login"`` (not the user row: logging in is not a
change of the user).
"""

from __future__ import annotations

from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from kechuang.accounts import throttle
from kechuang.accounts.models import ApiToken, User
from kechuang.audit.context import acting_as, current_request
from kechuang.audit.models import Action
from kechuang.audit.signals import record

LOGIN_OBJECT = "accounts.login"


def record_login_failure(username: str, request, reason: str) -> None:
    """A refused login of `username` (anyone may type any name: recorded as given, cut to 150)."""
    username = (username or "")[:150]
    user = User.objects.filter(username=username).only("pk").first()
    address = throttle.client_address(request)
    with acting_as(None, name=username or "-"):
        record(
            Action.LOGIN_FAILED,
            object_type=LOGIN_OBJECT,
            object_id=str(user.pk) if user else "",
            object_repr=username or "-",
            after={"address": address, "reason": reason},
        )


@receiver(user_logged_in, dispatch_uid="kechuang_audit_login")
def _logged_in(sender, request, user, **kwargs):
    # Only a login made by a request being served (not a test's or a script's force_login); login()
    # has set request.user, so the record is written under that user and the request's id.
    if request is None or current_request() is not request:
        return
    record(
        Action.LOGIN,
        object_type=LOGIN_OBJECT,
        object_id=str(user.pk),
        object_repr=user.get_username(),
        after={"address": throttle.client_address(request)},
    )


@receiver(user_login_failed, dispatch_uid="kechuang_audit_login_failed")
def _login_failed(sender, credentials, request=None, **kwargs):
    username = credentials.get("username") or credentials.get(User.USERNAME_FIELD) or ""
    record_login_failure(str(username), request or current_request(), "wrong_credentials")


@receiver(post_delete, sender=ApiToken, dispatch_uid="kechuang_audit_token_revoke")
def _token_deleted(sender, instance, **kwargs):
    record(Action.TOKEN_REVOKE, instance, before=instance.audit_facts(), after=None)


@receiver(pre_save, sender=ApiToken, dispatch_uid="kechuang_audit_token_before")
def _token_before(sender, instance, **kwargs):
    if instance.pk is not None:
        old = ApiToken.objects.filter(pk=instance.pk).first()
        instance._audit_before = old.audit_facts() if old is not None else None


@receiver(post_save, sender=ApiToken, dispatch_uid="kechuang_audit_token_change")
def _token_changed(sender, instance, created, **kwargs):
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        return
    after = instance.audit_facts()
    if after != before:
        record(Action.UPDATE, instance, before=before, after=after)
