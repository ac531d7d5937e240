from django.apps import AppConfig


class CarriersConfig(AppConfig):
    name = "kechuang.carriers"
    label = "carriers"
    verbose_name = "创新载体"

    def ready(self) -> None:
        # The annual-report import job: registered with kechuang.jobs (kind → handler, label) from here.
        from django.utils.translation import gettext_noop

        from kechuang.jobs import services as jobs

        jobs.HANDLERS.setdefault("carrier_reports", "kechuang.carriers.report_job.run")
        jobs.KIND_LABELS.setdefault("carrier_reports", gettext_noop("载体年度报告导入"))
