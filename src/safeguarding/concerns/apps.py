from django.apps import AppConfig


class ConcernsConfig(AppConfig):
    name = "safeguarding.concerns"
    verbose_name = "Concerns"
