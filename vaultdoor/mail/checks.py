"""System checks of the mail settings (`manage.py check`, and every server start)."""

from __future__ import annotations

from django.core.checks import Error, register

from vaultdoor.config import ConfigError

from .mail_settings import link_max_age


@register()
def link_expiry_setting(app_configs, **kwargs) -> list[Error]:
    """VAULTDOOR_MAIL_LINK_MAX_AGE_DAYS must be readable before the first link is clicked."""
    try:
        link_max_age()
    except ConfigError as exc:
        return [Error(str(exc), id="mail.E001")]
    return []
