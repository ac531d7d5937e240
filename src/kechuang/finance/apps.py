from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "kechuang.finance"
    label = "finance"
    verbose_name = "科技金融"

    def ready(self) -> None:
        # The validation report job: registered with kechuang.jobs (kind → handler, label) from here.
        from django.utils.translation import gettext_noop

        from kechuang.jobs import services as jobs

        jobs.HANDLERS.setdefault(
            "finance_validation", "kechuang.finance.services.validation_job.run_validation_job"
        )
        jobs.KIND_LABELS.setdefault("finance_validation", gettext_noop("产业验证报告"))
        jobs.TITLES.setdefault("finance_validation", "kechuang.finance.services.validation_job.job_title")
