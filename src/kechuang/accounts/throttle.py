"""Login throttling: too many recent failures for a user name or an address lock logins out."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from kechuang.accounts.models import LoginFailure


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR", "") if request is not None else ""


def _recent(username: str, address: str):
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    return LoginFailure.objects.filter(at__gte=since).filter(
        Q(username=username.lower()) | Q(address=address)
    )


def is_locked(username: str, address: str) -> bool:
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    recent = LoginFailure.objects.filter(at__gte=since)
    return recent.filter(username=username.lower()).count() >= settings.LOGIN_MAX_FAILURES or (
        address and recent.filter(address=address).count() >= settings.LOGIN_MAX_FAILURES * 4
    )


def note_failure(username: str, address: str) -> None:
    LoginFailure.objects.create(username=username.lower()[:150], address=address[:64])


def clear(username: str) -> None:
    LoginFailure.objects.filter(username=username.lower()).delete()
