from django.apps import AppConfig


class NetworkConfig(AppConfig):
    name = "safeguarding.network"
    verbose_name = "Network"

    def ready(self) -> None:
        # Risk comes before network in the flow: the tracker reads links to concerns through
        # the query registered here.
        from safeguarding.network.services import concern_links
        from safeguarding.risk import linked_concerns

        linked_concerns.register(concern_links)
