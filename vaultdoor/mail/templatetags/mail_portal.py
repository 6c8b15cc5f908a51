"""Template tags for the portal page (identity's "My account"): how much training is waiting."""

from __future__ import annotations

from typing import Any

from django import template

register = template.Library()


@register.simple_tag
def open_training(user: Any) -> int:
    """The number of training modules assigned to the signed-in person and not completed."""
    from vaultdoor.mail.models import TrainingAssignment

    person_id = getattr(getattr(user, "account", None), "person_id", None)
    if person_id is None:
        return 0
    return TrainingAssignment.objects.filter(person_id=person_id,
                                             completed_at__isnull=True).count()
