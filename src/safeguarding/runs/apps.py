from django.apps import AppConfig


class RunsConfig(AppConfig):
    name = "safeguarding.runs"
    verbose_name = "Pipeline runs"
