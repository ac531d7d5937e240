from django.apps import AppConfig


class PointsConfig(AppConfig):
    name = "kechuang.points"
    label = "points"
    verbose_name = "创新积分"

    def ready(self) -> None:
        # The scoring job: registered with kechuang.jobs (kind → handler, label) from here.
        from django.utils.translation import gettext_noop

        from kechuang.jobs import services as jobs

        jobs.HANDLERS.setdefault("points_run", "kechuang.points.services.run_points_job")
        jobs.KIND_LABELS.setdefault("points_run", gettext_noop("创新积分计算"))
        jobs.TITLES.setdefault("points_run", "kechuang.points.services.job_title")
