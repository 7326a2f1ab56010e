from django.apps import AppConfig


class PanelConfig(AppConfig):
    name = "safeguarding.panel"
    verbose_name = "Panel"

    def ready(self) -> None:
        from safeguarding.panel.sharing import people_under_discussion
        from safeguarding.people.access_rules import register_panel_discussion

        register_panel_discussion(people_under_discussion)
