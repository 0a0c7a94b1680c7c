from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "fidelis.accounts"
    label = "accounts"
    verbose_name = "Accounts"
