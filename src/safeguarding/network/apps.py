from django.apps import AppConfig


def _concern_links(**kwargs):
    # Imported when the tracker first asks, not at start-up: the services bring igraph and the
    # analysis with them, which every command and web worker would otherwise load for nothing.
    from safeguarding.network.services import concern_links

    return concern_links(**kwargs)


class NetworkConfig(AppConfig):
    name = "safeguarding.network"
    verbose_name = "Network"

    def ready(self) -> None:
        # Risk comes before network in the flow: the tracker reads links to concerns through
        # the query registered here.
        from safeguarding.risk import linked_concerns

        linked_concerns.register(_concern_links)
