"""The one task on Django's task framework (django-tasks backport): run a queued Job."""

from __future__ import annotations

from django_tasks import task


@task()
def run_job(job_id: int) -> None:
    from kechuang.jobs.services import run

    run(job_id)
