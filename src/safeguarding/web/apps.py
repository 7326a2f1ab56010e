from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "safeguarding.web"
    verbose_name = "Web"

    def ready(self) -> None:
        from safeguarding.web import checks  # noqa: F401 (registers the checks)
