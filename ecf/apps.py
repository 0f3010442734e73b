from django.apps import AppConfig
from django.db.models.signals import post_migrate


class EcfConfig(AppConfig):
    name = "ecf"
    verbose_name = "Training and participants"

    def ready(self) -> None:
        from ecf import lookups
        from ecf.roles import sync_staff_roles

        lookups.register()  # field__any_of (ecf/lookups.py)

        # The staff role groups and their permissions follow ecf/roles.py after every migrate (and flush).
        post_migrate.connect(sync_staff_roles, sender=self, dispatch_uid="ecf.roles.sync_staff_roles")
