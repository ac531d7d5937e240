"""Record every create, update and delete of an audited model made by an actor.

A model is audited when its class has ``audited = True``. Bulk operations (imports) do not fire
these signals; the import services write one IMPORT record per upload instead (see ``record``).
"""

from __future__ import annotations

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver
from django.forms.models import model_to_dict

from kechuang.audit.context import current_actor
from kechuang.audit.models import Action, ObjectChange

# Secrets, and the login time Django writes on every log-in (not a change anyone made).
_SKIP_FIELDS = {"password", "digest", "last_login"}


def snapshot(instance) -> dict:
    data = model_to_dict(instance)
    data = {k: v for k, v in data.items() if k not in _SKIP_FIELDS}
    encoder = DjangoJSONEncoder()
    out = {}
    for key, value in data.items():
        if hasattr(value, "pk"):
            value = value.pk
        elif isinstance(value, list | tuple):
            value = [getattr(v, "pk", v) for v in value]
        try:
            encoder.encode(value)
        except TypeError:
            value = str(value)
        out[key] = value
    return out


def _jsonable(data: dict | None) -> dict | None:
    if data is None:
        return None
    import json

    return json.loads(json.dumps(data, cls=DjangoJSONEncoder))


def record(
    action: str,
    instance=None,
    *,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict | None = None,
    after: dict | None = None,
) -> ObjectChange | None:
    actor = current_actor()
    if actor is None:
        return None
    if instance is not None:
        object_type = object_type or instance._meta.label_lower
        object_id = object_id or str(instance.pk)
        object_repr = object_repr or str(instance)[:200]
    return ObjectChange.objects.create(
        user=actor.user if getattr(actor.user, "pk", None) else None,
        user_name=actor.name,
        request_id=actor.request_id,
        action=action,
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        before=_jsonable(before),
        after=_jsonable(after),
    )


def record_export(
    what: str, file_name: str, rows: int | None = None, filters: str = ""
) -> ObjectChange | None:
    """Someone took data out of the platform: what (a URL name or command), the file, rows, filters."""
    shown = f"{file_name}（{rows} 行）" if rows is not None else file_name
    return record(
        Action.EXPORT,
        object_type="export",
        object_id=what[:64],
        object_repr=shown,
        after={"file": file_name, "rows": rows, "filters": filters},
    )


def _audited(sender) -> bool:
    return getattr(sender, "audited", False)


@receiver(pre_save)
def _remember_before(sender, instance, **kwargs):
    if not _audited(sender) or current_actor() is None or instance.pk is None:
        return
    old = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = snapshot(old) if old is not None else None


@receiver(post_save)
def _after_save(sender, instance, created, **kwargs):
    if not _audited(sender) or current_actor() is None:
        return
    before = None if created else getattr(instance, "_audit_before", None)
    after = snapshot(instance)
    if not created and before == after:
        return
    record(Action.CREATE if created else Action.UPDATE, instance, before=before, after=after)


@receiver(post_delete)
def _after_delete(sender, instance, **kwargs):
    if not _audited(sender) or current_actor() is None:
        return
    record(Action.DELETE, instance, before=snapshot(instance), after=None)
