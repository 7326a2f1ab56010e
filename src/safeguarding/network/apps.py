from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "safeguarding.network"
    verbose_name = "Network"
