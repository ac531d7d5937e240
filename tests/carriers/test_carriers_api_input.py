"""A hostile `kind` on the carriers API (an unknown one, or with a NUL that PostgreSQL refuses in a
query) matches nothing instead of a 500 — found by schemathesis on PostgreSQL."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", ["no_such_kind", "incubator\x00x", "U\x00ß"])
def test_an_unknown_or_nul_kind_lists_nothing(kind, client_for):
    response = client_for("bureau").get("/api/carriers/", {"kind": kind})
    assert response.status_code == 200 and response.json() == []


def test_a_known_kind_still_filters(client_for):
    assert client_for("bureau").get("/api/carriers/", {"kind": "incubator"}).status_code == 200
