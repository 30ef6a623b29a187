from django.apps import AppConfig


class MlcareerConfig(AppConfig):
    name = "mlcareer"
    verbose_name = "Accounts"
