from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _sync_roles(**kwargs) -> None:
    from safeguarding.access.roles import sync_roles

    sync_roles()


class AccessConfig(AppConfig):
    name = "safeguarding.access"
    verbose_name = "Access and audit"

    def ready(self) -> None:
        from safeguarding.access import signals  # noqa: F401  (connects the sign-in audit)

        post_migrate.connect(_sync_roles, dispatch_uid="safeguarding.access.sync_roles")
