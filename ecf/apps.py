from django.apps import AppConfig


class EcfConfig(AppConfig):
    name = "ecf"
    verbose_name = "Training and participants"
