"""The enterprise pages' synthetic population (tests/enterprises/conftest.py), scored and stored."""

from __future__ import annotations

import pytest

from tests.enterprises.conftest import Population, population  # noqa: F401  (the fixture, reused)

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _jobs_in_process(settings, tmp_path):
    settings.VAR_DIR = tmp_path / "var"
    settings.TASKS = IMMEDIATE  # the scoring job runs inside the request (docs/decisions/0008)
    settings.JOBS_AUTOSTART_WORKER = False


@pytest.fixture
def scored(population) -> Population:  # noqa: F811
    """The population with stored 2023 and 2024 scores of the shipped sample (version 1)."""
    from kechuang.points.services import store_run

    store_run(2023, started_by="test")
    store_run(2024, started_by="test")
    return population
