from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "kechuang.finance"
    label = "finance"
    verbose_name = "科技金融"
