from django.apps import AppConfig


class PanelConfig(AppConfig):
    name = "safeguarding.panel"
    verbose_name = "Panel"
