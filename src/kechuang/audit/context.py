"""Who is acting right now: the current request (kept by the middleware) or a named actor (the CLI).

As in NetBox (``netbox.context.current_request``), the middleware only keeps the request in a context
variable; the user is read from it when a change is recorded. By then django-ninja has authenticated
an API token (``request.auth``, and our token classes also set ``request.user``), so token writes are
recorded under the token's user, not as anonymous.
"""

from __future__ import annotations

import contextlib
import uuid
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user: object | None
    name: str
    request_id: str


_current: ContextVar[Actor | None] = ContextVar("kechuang_actor", default=None)
_request: ContextVar[object | None] = ContextVar("kechuang_current_request", default=None)


def current_request():
    """The request being handled in this context, or None (commands, tests outside a request)."""
    return _request.get()


@contextlib.contextmanager
def request_context(request):
    """Keep `request` as the current request (and give it an id) for the duration of the block."""
    if not getattr(request, "id", None):
        request.id = str(uuid.uuid4())
    token = _request.set(request)
    try:
        yield request
    finally:
        _request.reset(token)


def request_user(request):
    """The authenticated user of a request: the session's, else the one the API authenticated."""
    for user in (getattr(request, "user", None), getattr(request, "auth", None)):
        if getattr(user, "is_authenticated", False) and getattr(user, "pk", None) is not None:
            return user
    return None


def current_actor() -> Actor | None:
    """A named actor set with `acting_as` wins; otherwise the current request's user, read now."""
    actor = _current.get()
    if actor is not None:
        return actor
    request = _request.get()
    if request is None:
        return None
    user = request_user(request)
    if user is None:
        return None
    return Actor(user=user, name=user.get_username(), request_id=str(getattr(request, "id", "") or ""))


@contextlib.contextmanager
def acting_as(user=None, name: str | None = None):
    """Run a block as a person (or a named command); changes inside are audited under that name."""
    actor = Actor(
        user=user, name=name or (user.get_username() if user else "system"), request_id=str(uuid.uuid4())
    )
    token = _current.set(actor)
    try:
        yield actor
    finally:
        _current.reset(token)
