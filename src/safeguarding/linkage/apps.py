from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "safeguarding.linkage"
    verbose_name = "Linkage"
