"""Check every `VAULTDOOR_*` setting at once (`vaultdoor check-config`).

Many settings are read only when their feature is first used (a link clicked, the vault
opened, the gateway started), so a bad value would otherwise surface at the worst moment.
This calls each setting's REAL reader, the function the product itself uses, one by one,
and collects every problem instead of stopping at the first; it never parses a value by
rules of its own. Then, if Django can start, the readers that need its settings, Django's
system checks (the apps' own, such as mail.E001) and the database.

Unknown `VAULTDOOR_*` variables (a typo is silently ignored otherwise) are warnings naming
the closest known setting from `vaultdoor.config.SETTINGS`, the one list of them.

Nothing here prints or returns a secret or a database password: readers name the variable
and the file, never its contents.
"""

from __future__ import annotations

import difflib
import importlib
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vaultdoor import config

__all__ = ["Finding", "Report", "check_configuration"]

_NAMED = re.compile(r"(VAULTDOOR_[A-Z0-9_]+(?:(?: and |/)VAULTDOOR_[A-Z0-9_]+)*): (.+)")
_ASSIGNED = re.compile(r"(VAULTDOOR_[A-Z0-9_]+)=")
_ANY_NAME = re.compile(r"\bVAULTDOOR_[A-Z0-9_]*[A-Z0-9]")

# GatewayConfig and the TLS contexts name their fields; the operator set these variables.
_GATEWAY_FIELDS = {
    "tls_cert/tls_key": "VAULTDOOR_MAIL_TLS_CERT",
    "tls_cert": "VAULTDOOR_MAIL_TLS_CERT",
    "tls_key": "VAULTDOOR_MAIL_TLS_KEY",
    "require_tls": "VAULTDOOR_MAIL_REQUIRE_TLS",
    "next_hop_tls": "VAULTDOOR_MAIL_NEXT_HOP_TLS",
    "next_hop_ca": "VAULTDOOR_MAIL_NEXT_HOP_CA",
    "outbound_networks": "VAULTDOOR_MAIL_OUTBOUND_FROM",
    "max_size": "VAULTDOOR_MAIL_MAX_SIZE",
}
_GATEWAY_FIELD = re.compile("|".join(rf"\b{re.escape(name)}\b" for name in _GATEWAY_FIELDS))


@dataclass(frozen=True)
class Finding:
    """One problem: its level (error or warning), the setting it concerns, what is wrong."""

    level: str
    setting: str
    message: str

    def line(self) -> str:
        return f"{self.level}: {self.setting}: {self.message}"

    def as_dict(self) -> dict[str, str]:
        return {"setting": self.setting, "message": self.message}


@dataclass
class Report:
    """Every finding of one run, each reported once, and what was found in good order."""

    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    _seen: set[tuple[str, str]] = field(default_factory=set, repr=False)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.level == "warning"]

    def add(self, level: str, setting: str, message: str, *, suffix: str = "") -> None:
        """Record a finding; the same problem met twice (the server's start and the setting's
        own reader both refuse a value) is reported once."""
        if (setting, message) in self._seen:
            return
        self._seen.add((setting, message))
        self.findings.append(Finding(level, setting, message + suffix))

    def add_text(self, level: str, text: str, default: str, *, suffix: str = "") -> None:
        """A reader's message (`VAULTDOOR_<NAME>: what is wrong`, or naming the variable
        somewhere) filed under the variable it names, else under `default`."""
        self.add(level, *_file_under(text, default), suffix=suffix)

    def as_dict(self) -> dict[str, Any]:
        return {"errors": [f.as_dict() for f in self.errors],
                "warnings": [f.as_dict() for f in self.warnings],
                "notes": list(self.notes)}


def _file_under(text: str, default: str) -> tuple[str, str]:
    """(setting, message) of a reader's message: `VAULTDOOR_<NAME>: what is wrong`, or the first
    variable it names, else `default` and the whole text."""
    text = " ".join(text.split()) or "invalid"
    named = _NAMED.fullmatch(text)
    if named:
        head, rest = named.group(1), named.group(2)
        names = _ANY_NAME.findall(head)
        if len(names) > 1:  # "A and B: give both or neither", "A/B: not a key and its cert"
            return names[0], f"{rest} (also {', '.join(names[1:])})"
        return head, rest
    assigned = _ASSIGNED.match(text)  # "VAULTDOOR_<NAME>=1 is below the minimum"
    if assigned:
        return assigned.group(1), text[len(assigned.group(1)) + 1:]
    other = _ANY_NAME.search(text)
    return (other.group(0) if other else default), text


def _setting_errors() -> tuple[type[BaseException], ...]:
    """What the readers raise for a bad value (each names the variable or the file)."""
    from vaultdoor.audit.signing import SigningKeyError as AuditKeyError
    from vaultdoor.controllers.services.keys import SigningKeyError as SnapshotKeyError
    from vaultdoor.vault.keys import VaultKeyError

    return (config.ConfigError, ValueError, OSError, AuditKeyError, SnapshotKeyError,
            VaultKeyError)


def _run(report: Report, setting: str, reader: Callable[[], object] | str) -> None:
    """Call one reader; whatever it refuses becomes a finding under `setting`."""
    if setting in _ONLY_WHEN_SET and not os.environ.get(setting):
        return
    try:
        if isinstance(reader, str):
            module, _, name = reader.partition(":")
            reader = getattr(importlib.import_module(module), name)
        reader()
    except _setting_errors() as exc:
        report.add_text("error", _message(exc), setting)
    except Exception as exc:  # a reader that fails otherwise is a bug: still one line
        report.add("error", setting, f"could not be checked (unexpected {type(exc).__name__}: "
                   f"{_message(exc)}; a bug in vaultdoor: please report it)")


def _message(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return f"cannot read {exc.filename}: {exc.strerror}" if exc.filename else exc.strerror
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# --- unknown variables -------------------------------------------------------------------------

def check_unknown(report: Report, environ: dict[str, str] | None = None) -> None:
    """A `VAULTDOOR_*` variable vaultdoor never reads is a typo until shown otherwise."""
    environ = os.environ if environ is None else environ
    for name in sorted(environ):
        if not name.startswith("VAULTDOOR_") or name in config.SETTINGS:
            continue
        close = difflib.get_close_matches(name, config.SETTINGS, n=1)
        hint = f" (did you mean {close[0]}?)" if close else ""
        report.add("warning", name, f"not a vaultdoor setting{hint}")


# --- settings read without Django --------------------------------------------------------------

def _pin_key() -> object:
    from vaultdoor.access.services.pinkey import server_pin_hasher

    return server_pin_hasher.__wrapped__()  # not the cached one: the value as set now


def _audit_signing_key() -> object:
    from vaultdoor.audit.signing import load_or_create_signing_key

    return load_or_create_signing_key(config.env("AUDIT_SIGNING_KEY"), config.data_dir())


def _blocklist() -> object:
    from vaultdoor.identity.passwords.blocklist import blocklist

    return blocklist(config.env("PASSWORD_BLOCKLIST"))


def _brands() -> object:
    from vaultdoor.mail.analysis import load_brands

    path = config.env("MAIL_BRANDS_FILE") or ""
    try:
        return load_brands(path)
    except UnicodeDecodeError:
        raise config.ConfigError(
            f"VAULTDOOR_MAIL_BRANDS_FILE: {path} is not UTF-8 text") from None
    except OSError as exc:
        raise config.ConfigError(
            f"VAULTDOOR_MAIL_BRANDS_FILE: cannot read {path}: {exc.strerror or exc}") from None


def check_gateway(report: Report) -> None:
    """The mail gateway's settings as its start checks them: `GatewayConfig`, then the
    listener's certificate and key and the next hop's CA (the real TLS contexts)."""
    from vaultdoor.config import env, env_list
    from vaultdoor.mail import mail_settings
    from vaultdoor.mail.gateway import GatewayConfig
    from vaultdoor.mail.gateway.tls import listener_context, relay_context

    def refused(exc: Exception) -> None:
        text = _GATEWAY_FIELD.sub(lambda m: _GATEWAY_FIELDS[m.group(0)], _message(exc))
        report.add_text("error", text, "VAULTDOOR_MAIL_TLS_CERT")

    queue, hop = Path(env("MAIL_QUEUE_DIR") or "mail-queue"), ("localhost", 25)
    try:  # the networks and the TLS settings apart, so a problem in one hides none in the other
        GatewayConfig(queue_dir=queue, next_hop=hop,
                      click_base=env("MAIL_CLICK_BASE") or "http://127.0.0.1:8000",
                      org_domains=tuple(env_list("ORG_DOMAINS")),
                      report_address=env("MAIL_REPORT_ADDRESS") or "",
                      outbound_networks=mail_settings.outbound_networks())
    except ValueError as exc:
        refused(exc)
    try:
        settings = GatewayConfig(queue_dir=queue, next_hop=hop, **mail_settings.gateway_tls())
        if settings.tls_cert is not None and settings.tls_key is not None:
            listener_context(settings.tls_cert, settings.tls_key)
        relay_context(settings.next_hop_tls, settings.next_hop_ca)
    except ValueError as exc:  # TlsSettingError too
        refused(exc)


# Readers of secrets generate one into the data directory when unset; checking must not
# create keys, so these are called only for a value the operator gave.
_ONLY_WHEN_SET = frozenset({
    "VAULTDOOR_SECRET_KEY", "VAULTDOOR_AUDIT_SIGNING_KEY", "VAULTDOOR_PIN_KEY",
    "VAULTDOOR_SNAPSHOT_SIGNING_KEY", "VAULTDOOR_PASSWORD_BLOCKLIST", "VAULTDOOR_IDENTITY_KEY",
    "VAULTDOOR_VAULT_KEYS", "VAULTDOOR_VAULT_INDEX_KEY", "VAULTDOOR_VETTING_WEBHOOK_KEY",
    "VAULTDOOR_MAIL_BRANDS_FILE",
})


def _without_django() -> list[tuple[str, Callable[[], object] | str]]:
    """(setting, reader) in the order they are checked; each reader is the product's own
    (a function, or "module:function" imported when called)."""
    from vaultdoor.server import readers

    return [
        ("VAULTDOOR_DATA_DIR", config.data_dir),
        ("VAULTDOOR_ENV", readers.environment),
        ("VAULTDOOR_SECRET_KEY", readers.secret_key),
        ("VAULTDOOR_DEBUG", lambda: readers.debug(production=False)),
        ("VAULTDOOR_BEHIND_PROXY", readers.behind_proxy),
        ("VAULTDOOR_DATABASE_URL", lambda: readers.database(Path("."))),
        ("VAULTDOOR_LOG_LEVEL", readers.log_level),
        ("VAULTDOOR_BASE_URL", readers.base_url),
        ("VAULTDOOR_AUDIT_SIGNING_KEY", _audit_signing_key),
        ("VAULTDOOR_PIN_KEY", _pin_key),
        ("VAULTDOOR_SNAPSHOT_SIGNING_KEY",
         "vaultdoor.controllers.services.keys:snapshot_signing_key"),
        ("VAULTDOOR_PASSWORD_PROFILE", "vaultdoor.identity.passwords.profiles:get_profile"),
        ("VAULTDOOR_PASSWORD_BLOCKLIST", _blocklist),
        # the module reads the parameters when imported (the hasher's class attributes)
        ("VAULTDOOR_ARGON2_MEMORY_KIB", "vaultdoor.identity.passwords.hashers:argon2_parameters"),
        ("VAULTDOOR_IDENTITY_KEY", "vaultdoor.identity.crypto:configured_key"),
        ("VAULTDOOR_VAULT_KEYS", "vaultdoor.vault.keys:keyring"),
        ("VAULTDOOR_VAULT_INDEX_KEY", "vaultdoor.vault.keys:index_key"),
        ("VAULTDOOR_VETTING_RESCREEN_MONTHS", "vaultdoor.vetting.conf:rescreen_months"),
        ("VAULTDOOR_VETTING_ADVERSE_WAIT_DAYS", "vaultdoor.vetting.conf:adverse_wait_days"),
        ("VAULTDOOR_VETTING_WEBHOOK_KEY", "vaultdoor.vetting.conf:webhook_key"),
        ("VAULTDOOR_MAIL_LINK_MAX_AGE_DAYS", "vaultdoor.mail.mail_settings:link_max_age"),
        ("VAULTDOOR_MAIL_MAX_SIZE", "vaultdoor.mail.mail_settings:max_size"),
        ("VAULTDOOR_MAIL_BRANDS_FILE", _brands),
    ]


# --- settings that need Django, Django's checks, the database ---------------------------------

# setting -> its reader ("module:function"), which reads Django's settings first (tests
# override them there).
_WITH_DJANGO = {
    "VAULTDOOR_AUDIT_CHECKPOINT_EVERY": "vaultdoor.audit.recorder:checkpoint_interval",
    "VAULTDOOR_REQUIRE_SECOND_FACTOR": "vaultdoor.identity.conf:require_second_factor",
    "VAULTDOOR_WEBAUTHN_RP_ID": "vaultdoor.identity.conf:webauthn_rp_id",
    "VAULTDOOR_VAULT_REVEAL_LIMIT": "vaultdoor.vault.conf:reveal_limit",
    "VAULTDOOR_VAULT_REASON_MIN_LENGTH": "vaultdoor.vault.conf:reason_min_length",
    "VAULTDOOR_VAULT_PHONE_REGION": "vaultdoor.vault.conf:phone_region",
}


def _start_django(report: Report) -> bool:
    """Set Django up; a setting that stops it is an error, and what needs Django is skipped
    with a warning saying so."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vaultdoor.server.settings")
    try:
        import django
        from django.apps import apps

        if not apps.ready:
            django.setup()
    except Exception as exc:  # settings.py refused a value (or Django is not installed)
        setting, message = _file_under(_message(exc), "DJANGO_SETTINGS_MODULE")
        report.add("error", setting, message)
        report.add("warning", setting,
                   "the server cannot start with this value, so these were not checked: "
                   f"Django's system checks, the database, {', '.join(_WITH_DJANGO)}")
        return False
    return True


def check_django(report: Report) -> None:
    """Django's own system checks (with the apps' registered ones): errors and warnings;
    the deployment checks too in production."""
    from django.conf import settings
    from django.core import checks

    messages = checks.run_checks(
        include_deployment_checks=bool(getattr(settings, "PRODUCTION", False)))
    for message in messages:
        if message.is_silenced() or message.level < checks.WARNING:
            continue
        level = "error" if message.is_serious() else "warning"
        text = str(message.msg) + (f" (hint: {message.hint})" if message.hint else "")
        report.add_text(level, text, "django", suffix=f" [{message.id}]")


def describe_database(settings_dict: dict[str, Any]) -> str:
    """The database in one phrase, without its password."""
    if "sqlite" in settings_dict["ENGINE"]:
        return f"SQLite database {settings_dict['NAME']}"
    where = settings_dict.get("HOST") or "localhost"
    if settings_dict.get("PORT"):
        where += f":{settings_dict['PORT']}"
    user = f" as {settings_dict['USER']}" if settings_dict.get("USER") else ""
    return f"PostgreSQL database {settings_dict['NAME']!r} on {where}{user}"


def check_database(report: Report) -> None:
    """Reachable, and every migration applied (else `vaultdoor init`)."""
    from django.db import DatabaseError, connections
    from django.db.migrations.executor import MigrationExecutor

    connection = connections["default"]
    name = describe_database(connection.settings_dict)
    if connection.vendor == "sqlite" and not Path(connection.settings_dict["NAME"]).exists():
        # connecting would create an empty file
        report.add("warning", "VAULTDOOR_DATA_DIR",
                   f"the {name} does not exist yet: run `vaultdoor init`")
        return
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        report.add("error", "VAULTDOOR_DATABASE_URL", f"cannot reach the {name} ({_message(exc)})")
        return
    if pending:
        report.add("warning", "VAULTDOOR_DATABASE_URL",
                   f"{len(pending)} migration(s) not applied to the {name}: "
                   "run `vaultdoor init`")
        return
    report.notes.append(f"{name}: reachable, every migration applied")


def check_configuration() -> Report:
    """Every check, every problem: unknown variables, each setting's reader, then (when
    Django starts) the readers that need it, Django's system checks and the database."""
    report = Report()
    check_unknown(report)
    for setting, reader in _without_django():
        _run(report, setting, reader)
    _run(report, "VAULTDOOR_MAIL_TLS_CERT", lambda: check_gateway(report))
    if not _start_django(report):
        return report
    for setting, target in _WITH_DJANGO.items():
        _run(report, setting, target)
    _run(report, "django", lambda: check_django(report))
    _run(report, "VAULTDOOR_DATABASE_URL", lambda: check_database(report))
    return report
