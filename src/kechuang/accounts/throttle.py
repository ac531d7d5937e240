"""Login throttling, keyed on (account, client address); every login form goes through it.

Within ``LOGIN_FAILURE_WINDOW_SECONDS``:

- ``LOGIN_MAX_FAILURES`` failures for an account from one client address lock that account from
  that address. The same account from another address, and other accounts from that address, still
  log in — behind a reverse proxy one attacker cannot lock everyone out.
- ``LOGIN_ACCOUNT_MAX_FAILURES`` failures for an account from all addresses together (guessing
  spread over many addresses) lock that account from every address. Other accounts are unaffected.
- A successful login clears the failures of that account from that address only, so the count of
  guesses from elsewhere keeps running.

Nothing locks an address as such. The client address is the connection's (REMOTE_ADDR) unless the
connection comes from a trusted proxy (``TRUSTED_PROXIES``); then it is the right-most address in
``CLIENT_ADDRESS_HEADER`` (X-Forwarded-For) that is not itself a trusted proxy — the left part of that
header is whatever the client sent and is never believed.
"""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from functools import lru_cache

from django.conf import settings
from django.utils import timezone

from kechuang.accounts.models import LoginFailure

_Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def _parse(text: str) -> _Address | None:
    """An address from a header or REMOTE_ADDR: '1.2.3.4', '1.2.3.4:5678', '[2001:db8::1]:443', '::1'."""
    text = text.strip().strip('"')
    if text.startswith("[") and "]" in text:
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _trusted(address: _Address | None) -> bool:
    if address is None:
        return False
    return any(address in net for net in _networks(tuple(settings.TRUSTED_PROXIES)))


def _header_key(name: str) -> str:
    return "HTTP_" + name.upper().replace("-", "_")


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or read from the proxy header when REMOTE_ADDR is trusted."""
    if request is None:
        return ""
    remote = request.META.get("REMOTE_ADDR", "")
    if not settings.TRUSTED_PROXIES or not _trusted(_parse(remote)):
        return remote
    hops = [h.strip() for h in request.META.get(_header_key(settings.CLIENT_ADDRESS_HEADER), "").split(",")]
    hops = [h for h in hops if h]
    if not hops:
        return remote
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            return hop[:64]  # not an address: the proxy wrote what it was given; key on it as it is
        if not _trusted(address):
            return str(address)
    first = _parse(hops[0])
    return str(first) if first is not None else remote


def _key(username: str) -> str:
    return username.strip().lower()[:150]


def _recent():
    since = timezone.now() - timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    return LoginFailure.objects.filter(at__gte=since)


def is_locked(username: str, address: str) -> bool:
    """Whether a login for this account from this address is refused now (see the module text)."""
    account = _recent().filter(username=_key(username))
    if account.filter(address=address[:64]).count() >= settings.LOGIN_MAX_FAILURES:
        return True
    return account.count() >= settings.LOGIN_ACCOUNT_MAX_FAILURES


def note_failure(username: str, address: str) -> None:
    LoginFailure.objects.create(username=_key(username), address=address[:64])


def clear(username: str, address: str) -> None:
    """After a successful login: forget this account's failures from this address."""
    LoginFailure.objects.filter(username=_key(username), address=address[:64]).delete()
