from django.apps import AppConfig


class ContextsConfig(AppConfig):
    name = "safeguarding.contexts"
    verbose_name = "Contexts"
