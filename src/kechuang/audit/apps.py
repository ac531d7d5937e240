from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "kechuang.audit"
    label = "audit"
    verbose_name = "审计日志"

    def ready(self) -> None:
        from kechuang.audit import signals  # noqa: F401
