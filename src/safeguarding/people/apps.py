from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "safeguarding.people"
    verbose_name = "People"
