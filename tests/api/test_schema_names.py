"""Every response schema of the API has its own name: two apps' schemas with one name would be merged
into one OpenAPI component and every response of the other would break the published schema."""

from __future__ import annotations

import inspect

from ninja import Schema


def test_no_two_api_schemas_share_a_name():
    import importlib

    seen: dict[str, str] = {}
    clashes = []
    for app in ("plans", "enterprises", "points", "finance", "transfer", "projects", "carriers"):
        module = importlib.import_module(f"kechuang.{app}.api")
        for name, obj in vars(module).items():
            if inspect.isclass(obj) and issubclass(obj, Schema) and obj.__module__ == module.__name__:
                if name in seen:
                    clashes.append(f"{name}: {seen[name]} and {module.__name__}")
                seen[name] = module.__name__
    assert not clashes, clashes
