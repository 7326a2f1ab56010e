from django.apps import AppConfig


class SynthConfig(AppConfig):
    name = "safeguarding.synth"
    verbose_name = "Synthetic county"
