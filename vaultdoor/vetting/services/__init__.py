"""What the vetting app does, as functions the console, the CLI, the webhook and other apps
(the customer-data vault) call.

`is_cleared(person, at)` is the one question the vault asks; `apply_vetting(person)` writes a
person's effective vetting to the fields the access engine reads.
"""

from .effective import (
    EffectiveVetting,
    apply_vetting,
    apply_vetting_many,
    effective_vetting,
    is_cleared,
    user_is_cleared,
)

__all__ = ["EffectiveVetting", "apply_vetting", "apply_vetting_many", "effective_vetting",
           "is_cleared", "user_is_cleared"]
