from django.apps import AppConfig


class SourcesConfig(AppConfig):
    name = "safeguarding.sources"
    verbose_name = "Sources"
