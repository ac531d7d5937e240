"""A loaded plan with its published history, for the plans tests."""

import pytest


@pytest.fixture(autouse=True)
def _immediate_jobs(request):
    """A confirmed upload is a background job (docs/decisions/0008); here it runs at once, in-process,
    with its staged files and progress under a temporary folder."""
    if "db" in request.fixturenames or "transactional_db" in request.fixturenames:
        settings = request.getfixturevalue("settings")
        settings.VAR_DIR = request.getfixturevalue("tmp_path") / "var"
        settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
        settings.JOBS_AUTOSTART_WORKER = False
    yield


@pytest.fixture
def plan(personas):
    from kechuang.plans import observations, services
    from kechuang.plans.schema import default_plan_path

    result = services.load_plan(
        services.parse_plan(default_plan_path()), source_file="dongguan-2026-2030.yaml"
    )
    observations.load_reference_history(result.plan)
    return result.plan


@pytest.fixture
def simulated_plan(plan):
    from kechuang.plans import observations

    observations.simulate_to(plan, 2027, seed=7)
    return plan
