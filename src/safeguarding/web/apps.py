from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "safeguarding.web"
    verbose_name = "Web"
