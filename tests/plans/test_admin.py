"""The plans models in the Django admin: lists and a task's page (with its co-departments) open for the
city administrator; everyone else is kept out as from the whole admin site."""

from __future__ import annotations

import pytest
from django.urls import reverse

from kechuang.plans.models import Task

MODELS = ["plan", "planversion", "indicator", "task", "taskreport", "observationbatch", "observation"]


@pytest.mark.parametrize("model", MODELS)
def test_the_admin_lists_open_for_the_administrator(plan, client_for, model):
    assert client_for("admin").get(reverse(f"admin:plans_{model}_changelist")).status_code == 200


def test_a_tasks_admin_page_shows_its_co_departments(plan, client_for):
    task = Task.objects.get(plan=plan, code="T3.1.2")
    response = client_for("admin").get(reverse("admin:plans_task_change", args=[task.pk]))
    assert response.status_code == 200
    assert 'value="tjj"' in response.content.decode()
    assert client_for("bureau").get(reverse("admin:plans_task_changelist")).status_code in (302, 403)
