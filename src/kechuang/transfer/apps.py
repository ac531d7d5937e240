from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "kechuang.transfer"
    label = "transfer"
    verbose_name = "成果转化"
