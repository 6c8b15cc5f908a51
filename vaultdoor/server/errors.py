"""The exception-report filter: code marked `@sensitive_variables()` stays hidden even with
DEBUG on.

Django's own filter cleanses marked variables only when DEBUG is off, so a developer's (or a
demo's) technical 500 page would list a decrypted customer value held by a vault function's
locals. vaultdoor never wants that: the vault marks every function that holds plaintext, and
this filter hides those frames' variables (and `@sensitive_post_parameters`) in every mode.
"""

from __future__ import annotations

from typing import Any

from django.views.debug import SafeExceptionReporterFilter

__all__ = ["AlwaysSafeExceptionReporterFilter"]


class AlwaysSafeExceptionReporterFilter(SafeExceptionReporterFilter):
    """`SafeExceptionReporterFilter`, active whatever DEBUG says."""

    def is_active(self, request: Any) -> bool:
        return True
