"""The identity app: creates the roles as Django groups after every migrate."""

from django.apps import AppConfig


class IdentityConfig(AppConfig):
    """Accounts, roles, password policy, second factors, lockout, sessions and API tokens."""

    name = "vaultdoor.identity"
    label = "identity"
    verbose_name = "Identity"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from .roles import sync_roles_after_migrate

        # Every app's signal: the receiver waits for the last one, when all permissions exist.
        post_migrate.connect(sync_roles_after_migrate,
                             dispatch_uid="identity.sync_roles")

        from django.contrib.auth.signals import user_logged_out

        from .signals import forget_session

        user_logged_out.connect(forget_session, dispatch_uid="identity.forget_session")
