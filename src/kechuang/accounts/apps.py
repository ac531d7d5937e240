from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "kechuang.accounts"
    label = "accounts"
    verbose_name = "账户与机构"

    def ready(self):
        from kechuang.accounts import signals  # noqa: F401  (audit records of logins and tokens)
