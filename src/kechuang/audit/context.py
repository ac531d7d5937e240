"""Who is acting right now: set by the middleware for requests, by the CLI for commands."""

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


def current_actor() -> Actor | None:
    return _current.get()


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
