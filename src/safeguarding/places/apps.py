from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "safeguarding.places"
    verbose_name = "Places"
