"""How the CLI speaks: one clear line on error, a non-zero exit, never a traceback."""

from __future__ import annotations

import json
import sys
from typing import Any, NoReturn

import click

__all__ = ["EXIT_FAILED", "EXIT_INVALID", "fail", "print_json"]

EXIT_FAILED = 1  # the operation ran and said no (verification failed, password rejected)
EXIT_INVALID = 2  # the input was invalid (site file, swipe file, arguments)


def fail(message: str, *, status: int = EXIT_FAILED) -> NoReturn:
    click.echo(f"error: {message}", err=True)
    sys.exit(status)


def print_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, separators=(", ", ": ")))
