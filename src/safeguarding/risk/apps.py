from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "safeguarding.risk"
    verbose_name = "Risk"
