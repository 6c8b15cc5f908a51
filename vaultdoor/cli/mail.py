"""``vaultdoor mail``: scan messages for phishing, and measure the scanner on a corpus."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from vaultdoor.cli._output import EXIT_FAILED, EXIT_INVALID, cli_actor, fail, print_json
from vaultdoor.cli.mail_queue import queue
from vaultdoor.mail.mail_settings import NEXT_HOP_TLS

__all__ = ["mail"]


def _context(org_domains: tuple[str, ...], brands_file: str | None, known_senders: str | None):
    from vaultdoor.config import env, env_list
    from vaultdoor.mail.analysis import MemoryCorrespondence, ScanContext, load_brands

    domains = list(org_domains) or env_list("ORG_DOMAINS")
    brands = None
    brands_file = brands_file or env("MAIL_BRANDS_FILE")
    if brands_file:
        try:
            brands = load_brands(brands_file)
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"cannot read the brand list {brands_file}: {exc}", status=EXIT_INVALID)
    store = None
    if known_senders:
        try:
            lines = Path(known_senders).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            fail(f"cannot read the known-senders file {known_senders}: {exc}", status=EXIT_INVALID)
        store = MemoryCorrespondence()
        for line in lines:
            if line.strip() and not line.lstrip().startswith("#"):
                store.learn(line)
    return ScanContext.build(org_domains=domains, brands=brands, correspondence=store)


def _summary(report) -> str:
    lines = [f"{report.file}: {report.verdict.upper()} (score {report.score:.2f})"]
    if report.error:
        lines.append(f"  error: {report.error}")
    for finding in report.signals:
        lines.append(f"  - {finding.name} ({finding.weight:.2f}): {finding.detail}")
    for link in report.links:
        if link.reasons:
            lines.append(f"  link {link.url[:120]} [{', '.join(link.reasons)}]")
    return "\n".join(lines)


@click.group()
def mail() -> None:
    """Mail defence: phishing analysis and the SMTP gateway."""


_org_option = click.option(
    "--org-domain", "org_domains", multiple=True, metavar="DOMAIN",
    help="The organisation's own domain (repeatable). Default: VAULTDOOR_ORG_DOMAINS, else "
         "each message's recipient domains.",
)
_brands_option = click.option(
    "--brands", "brands_file", type=click.Path(dir_okay=False), default=None,
    help="Protected brands file (Name = domain ...), replacing the built-in list. "
         "Default: VAULTDOOR_MAIL_BRANDS_FILE.",
)


@mail.command()
@click.option("--json", "as_json", is_flag=True, help="One JSON object per message and line.")
@_org_option
@_brands_option
@click.option("--known-senders", type=click.Path(dir_okay=False), default=None,
              help="File of addresses or domains already corresponded with (one a line).")
@click.argument("files", nargs=-1, required=True, type=click.Path())
def scan(as_json: bool, org_domains: tuple[str, ...], brands_file: str | None,
         known_senders: str | None, files: tuple[str, ...]) -> None:
    """Scan message files (RFC 5322 / .eml) and give each a verdict; `-` reads one message
    from standard input.

    Exits 1 if any file could not be read or parsed (after scanning all the others).
    """
    from vaultdoor.mail.analysis import Scanner

    scanner = Scanner(_context(org_domains, brands_file, known_senders))
    errors = 0
    for path in files:
        report = (scanner.scan_bytes(sys.stdin.buffer.read(), file="-") if path == "-"
                  else scanner.scan_path(path))
        report.file = path
        errors += report.verdict == "error"
        if as_json:
            print_json(report.to_dict())
        else:
            click.echo(_summary(report))
    if errors:
        sys.exit(EXIT_FAILED)


@mail.command()
@click.option("--json", "as_json", is_flag=True, help="The matrix and rates as one JSON object.")
@_org_option
@_brands_option
@click.option("--min-recall", type=float, default=None, help="Exit 1 if recall is lower.")
@click.option("--max-fpr", type=float, default=None,
              help="Exit 1 if the false-positive rate is higher.")
@click.argument("directory", type=click.Path(file_okay=False))
def evaluate(as_json: bool, org_domains: tuple[str, ...], brands_file: str | None,
             min_recall: float | None, max_fpr: float | None, directory: str) -> None:
    """Scan a labelled corpus (DIRECTORY/labels.csv) and print the confusion matrix,
    recall, false-positive rate and the misclassified files."""
    from vaultdoor.mail.analysis import Scanner
    from vaultdoor.mail.analysis.evaluation import CorpusError, evaluate_corpus

    try:
        evaluation = evaluate_corpus(directory, Scanner(_context(org_domains, brands_file, None)))
    except CorpusError as exc:
        fail(str(exc), status=EXIT_INVALID)
    if as_json:
        print_json(evaluation.to_dict())
    else:
        click.echo(evaluation.render())
    if (min_recall is not None and evaluation.recall < min_recall) or (
        max_fpr is not None and evaluation.false_positive_rate > max_fpr
    ):
        sys.exit(EXIT_FAILED)


@mail.command()
@click.option("--listen", default="127.0.0.1:2525", show_default=True, metavar="HOST:PORT",
              help="Where to accept SMTP from the internet-facing mail server.")
@click.option("--next-hop", required=True, metavar="HOST:PORT",
              help="The internal mail server messages are relayed to.")
@click.option("--queue-dir", type=click.Path(file_okay=False), default=None,
              help="On-disk queue. Default: VAULTDOOR_MAIL_QUEUE_DIR, else <data dir>/mail-queue.")
@click.option("--click-base", default=None, metavar="URL",
              help="Base URL of the vaultdoor server for click-time links. Default: "
                   "VAULTDOOR_MAIL_CLICK_BASE, else http://127.0.0.1:8000.")
@_org_option
@click.option("--report-address", default=None, metavar="ADDRESS",
              help="Messages forwarded here become reports. Default: "
                   "VAULTDOOR_MAIL_REPORT_ADDRESS.")
@click.option("--max-size", type=click.IntRange(1024), default=None,
              help="Largest message accepted, in bytes (SIZE; larger ones get 552). "
                   "Default: VAULTDOOR_MAIL_MAX_SIZE, else 25 MiB.")
@click.option("--outbound-from", "outbound_from", multiple=True, metavar="CIDR",
              help="Networks whose mail from organisation senders counts as outbound and "
                   "teaches who writes to whom (repeatable). Default: "
                   "VAULTDOOR_MAIL_OUTBOUND_FROM, else loopback.")
@click.option("--retry-base", type=click.FloatRange(0.01), default=5.0, show_default=True,
              help="First retry delay in seconds while the next hop is down (doubling).")
@click.option("--tls-cert", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="PEM certificate (chain) to offer STARTTLS with; needs --tls-key. "
                   "Default: VAULTDOOR_MAIL_TLS_CERT.")
@click.option("--tls-key", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="PEM private key of --tls-cert. Default: VAULTDOOR_MAIL_TLS_KEY.")
@click.option("--require-tls", is_flag=True, default=None,
              help="Refuse mail until the client has started TLS (530). Default: "
                   "VAULTDOOR_MAIL_REQUIRE_TLS.")
@click.option("--next-hop-tls", type=click.Choice(NEXT_HOP_TLS), default=None,
              help="STARTTLS to the next hop: off; opportunistic (when offered, certificate "
                   "not checked); verify (required, certificate checked, else mail waits). "
                   "Default: VAULTDOOR_MAIL_NEXT_HOP_TLS, else opportunistic.")
@click.option("--next-hop-ca", type=click.Path(dir_okay=False), default=None, metavar="FILE",
              help="CA bundle for --next-hop-tls verify (default: the system's). Default: "
                   "VAULTDOOR_MAIL_NEXT_HOP_CA.")
def gateway(listen: str, next_hop: str, queue_dir: str | None, click_base: str | None,
            org_domains: tuple[str, ...], report_address: str | None, max_size: int | None,
            outbound_from: tuple[str, ...], retry_base: float, tls_cert: str | None,
            tls_key: str | None, require_tls: bool | None, next_hop_tls: str | None,
            next_hop_ca: str | None) -> None:
    """Run the SMTP mail gateway: queue on disk, scan, banner unknown senders, rewrite links
    to click-time URLs, quarantine phishing, relay the rest to the next hop."""
    import logging
    import signal
    import threading

    from vaultdoor.cli import _django
    from vaultdoor.config import data_dir, env, env_list
    from vaultdoor.mail import mail_settings
    from vaultdoor.mail.gateway import Gateway, GatewayConfig, parse_hostport
    from vaultdoor.mail.gateway.tls import TlsSettingError

    try:
        host, port = parse_hostport(listen)
    except ValueError as exc:
        fail(f"--listen: {exc}", status=EXIT_INVALID)
    try:
        hop = parse_hostport(next_hop)
    except ValueError as exc:
        fail(f"--next-hop: {exc}", status=EXIT_INVALID)
    _django.setup()
    size = max_size or mail_settings.max_size()
    try:
        config = GatewayConfig(
            queue_dir=Path(queue_dir or env("MAIL_QUEUE_DIR") or data_dir() / "mail-queue"),
            next_hop=hop,
            click_base=click_base or env("MAIL_CLICK_BASE") or "http://127.0.0.1:8000",
            org_domains=tuple(org_domains) or tuple(env_list("ORG_DOMAINS")),
            report_address=report_address or env("MAIL_REPORT_ADDRESS") or "",
            outbound_networks=tuple(outbound_from) or mail_settings.outbound_networks(),
            max_size=size, retry_base=retry_base,
            **mail_settings.gateway_tls(tls_cert, tls_key, require_tls, next_hop_tls,
                                        next_hop_ca),
        )
    except ValueError as exc:
        fail(f"invalid gateway setting: {exc}", status=EXIT_INVALID)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    logging.getLogger("mail.log").setLevel(logging.WARNING)  # aiosmtpd: every SMTP command
    try:
        server = Gateway(config, host=host, port=port)
    except TlsSettingError as exc:
        fail(f"invalid gateway setting: {exc}", status=EXIT_INVALID)
    except OSError as exc:
        fail(f"--queue-dir: cannot use {config.queue_dir}: {exc.strerror or exc}",
             status=EXIT_INVALID)
    try:
        server.start()
    except OSError as exc:
        fail(f"cannot listen on {listen}: {exc.strerror or exc}")
    tls = ("STARTTLS required" if config.require_tls else
           "STARTTLS offered" if config.tls_cert else "no TLS offered")
    click.echo(f"mail gateway on {host}:{server.port} ({tls}), relaying to {hop[0]}:{hop[1]} "
               f"(next-hop TLS {config.next_hop_tls}), queue {config.queue_dir}")
    done = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: done.set())
    done.wait()
    server.stop()


mail.add_command(queue)


@mail.group()
def campaign() -> None:
    """Awareness campaigns: simulated phishing to a group, clicks and reports tracked."""


@campaign.command("create")
@click.argument("name")
@click.option("--template", "template_name", default=None, metavar="NAME",
              help="Start from a message template (see `template`); --subject, --from and "
                   "--html-file then override its parts.")
@click.option("--subject", default=None)
@click.option("--from", "from_address", default=None, metavar="ADDRESS")
@click.option("--html-file", default=None, type=click.Path(dir_okay=False),
              help="HTML body; {{ link }} is the tracked link, {{ name }} the person's name.")
@click.option("--landing-url", required=True, help="Where a click finally leads (training).")
@click.option("--smtp", "smtp", default="127.0.0.1:25", show_default=True, metavar="HOST:PORT",
              help="SMTP profile the campaign is sent through.")
@click.option("--per-minute", type=click.IntRange(1, 6000), default=30, show_default=True)
@click.option("--department", default="", help="Target the active people of a department.")
@click.option("--role", "role_code", default="", help="Target the active people of a role.")
@click.option("--at", "at", default=None, metavar="WHEN",
              help="Schedule it: an ISO 8601 time (with its offset) or 'now'. Without it the "
                   "campaign is a draft until `schedule` or `send`.")
@click.option("--landing-page", "landing_page", default=None, metavar="NAME",
              help="A hosted landing page (see `landing-page`): submissions are tracked.")
@click.option("--no-open-tracking", is_flag=True, help="Leave out the tracking image.")
@click.option("--profile", "profile_name", default=None, metavar="NAME",
              help="Send through this sending profile (see `profile`) instead of --smtp.")
@click.option("--person", "person_codes", multiple=True, metavar="CODE",
              help="Target this person too, by person code (repeatable).")
@click.option("--training-module", "module_code", default=None, metavar="CODE",
              help="Module assigned after a click (see `training-module`); default: the "
                   "built-in phishing basics.")
@click.option("--assign-training", type=click.Choice(["clicked", "submitted", "none"]),
              default="clicked", show_default=True, help="Who is assigned the module.")
def campaign_create(name: str, template_name: str | None, subject: str | None,
                    from_address: str | None, html_file: str | None,
                    landing_url: str, smtp: str, per_minute: int, department: str,
                    role_code: str, at: str | None, landing_page: str | None,
                    no_open_tracking: bool, profile_name: str | None,
                    person_codes: tuple[str, ...], module_code: str | None,
                    assign_training: str) -> None:
    """Create a campaign and add its targets (people with an account mail address)."""
    from vaultdoor.cli import _django
    from vaultdoor.mail.gateway import parse_hostport

    try:
        host, port = parse_hostport(smtp)
    except ValueError as exc:
        fail(f"--smtp: {exc}", status=EXIT_INVALID)
    try:
        body = Path(html_file).read_text(encoding="utf-8") if html_file else None
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"--html-file: cannot read {html_file}: {exc}", status=EXIT_INVALID)
    if not template_name and not (subject and from_address and body is not None):
        fail("give --subject, --from and --html-file, or a --template", status=EXIT_INVALID)
    if not (department or role_code or person_codes):
        fail("name a --department, a --role or a --person to target", status=EXIT_INVALID)
    when = _when(at) if at else None
    _django.setup()
    from django.db import IntegrityError, transaction

    from vaultdoor.audit import record
    from vaultdoor.mail.campaigns import CampaignError, add_targets, schedule_campaign
    from vaultdoor.mail.models import (
        Campaign,
        LandingPage,
        MessageTemplate,
        SendingProfile,
        TrainingModule,
    )

    template = None
    if template_name:
        template = MessageTemplate.objects.filter(name=template_name).first()
        if template is None:
            fail(f"--template: no message template named {template_name!r}",
                 status=EXIT_INVALID)
        subject = subject or template.subject
        from_address = from_address or template.from_address
        body = body if body is not None else template.html_body
    module = None
    if module_code:
        module = TrainingModule.objects.filter(code=module_code).first()
        if module is None:
            fail(f"--training-module: no module with the code {module_code!r}",
                 status=EXIT_INVALID)
    profile = None
    if profile_name:
        profile = SendingProfile.objects.filter(name=profile_name).first()
        if profile is None:
            fail(f"--profile: no sending profile named {profile_name!r}", status=EXIT_INVALID)
    people = None
    if person_codes:
        from vaultdoor.people.models import Person

        people = Person.objects.filter(code__in=person_codes)
        missing = sorted(set(person_codes) - set(people.values_list("code", flat=True)))
        if missing:
            fail(f"--person: no person with the code {', '.join(missing)}", status=EXIT_INVALID)
    page = None
    if landing_page:
        page = LandingPage.objects.filter(name=landing_page).first()
        if page is None:
            fail(f"--landing-page: no landing page named {landing_page!r}", status=EXIT_INVALID)
    from email.utils import parseaddr

    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from vaultdoor.cli._output import validation_message

    created = Campaign(
        name=name, subject=subject, from_address=from_address, html_body=body,
        landing_url=landing_url, smtp_host=host, smtp_port=port, per_minute=per_minute,
        landing_page=page, track_opens=not no_open_tracking, profile=profile,
        training_module=module, assign_training=assign_training, template=template)
    try:
        validate_email(parseaddr(from_address or "")[1])
        created.full_clean(exclude=["name"])  # a taken name: the IntegrityError below
        if len(name) > Campaign._meta.get_field("name").max_length:
            raise ValidationError({"name": "at most 200 characters"})
    except ValidationError as exc:
        labels = {"name": "NAME", "subject": "--subject", "from_address": "--from",
                  "html_body": "--html-file", "landing_url": "--landing-url",
                  "smtp_host": "--smtp", "smtp_port": "--smtp", "per_minute": "--per-minute"}
        message = (validation_message(exc, labels) if hasattr(exc, "error_dict")
                   else f"--from: {from_address!r} is not a mail address")
        fail(message, status=EXIT_INVALID)
    try:
        with transaction.atomic():
            created.save()
            added = (add_targets(created, department=department, role_code=role_code)
                     if department or role_code else 0)
            if people is not None:
                added += add_targets(created, people=people)
            if not added:  # nothing is kept: a campaign that can reach nobody is a mistake
                transaction.set_rollback(True)
            else:
                record("mail.campaign_create", actor=cli_actor(), target_type="mail.campaign",
                       target_id=str(created.pk), name=name, targets=added,
                       department=department, role=role_code, people=sorted(person_codes))
                if when is not None:
                    schedule_campaign(created, when, actor=cli_actor())
    except IntegrityError:
        fail(f"a campaign named {name!r} exists already", status=EXIT_INVALID)
    except CampaignError as exc:
        fail(f"--at: {exc}", status=EXIT_INVALID)
    if not added:
        fail("nobody to send to: no active person with an account mail address matches "
             "--department, --role or --person", status=EXIT_INVALID)
    click.echo(f"campaign {name!r}: {added} target(s)"
               + (f", scheduled for {when.isoformat()}" if when is not None else ""))


@campaign.command("template")
@click.argument("name")
@click.option("--subject", required=True)
@click.option("--from", "from_address", required=True, metavar="ADDRESS")
@click.option("--html-file", required=True, type=click.Path(dir_okay=False),
              help="HTML body; {{ link }} is the tracked link, {{ name }} the person's name.")
def campaign_template(name: str, subject: str, from_address: str, html_file: str) -> None:
    """Create or change a message template campaigns can start from (a campaign copies it)."""
    try:
        body = Path(html_file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"--html-file: {exc}", status=EXIT_INVALID)
    from vaultdoor.cli import _django

    _django.setup()
    from vaultdoor.mail.library import save_audited
    from vaultdoor.mail.models import MessageTemplate

    template = MessageTemplate.objects.filter(name=name).first() or MessageTemplate(name=name)
    created = template.pk is None
    template.subject, template.from_address, template.html_body = (subject.strip(),
                                                                   from_address, body)
    _valid(template, {"subject": "--subject", "from_address": "--from",
                      "html_body": "--html-file"})
    save_audited(template, actor=cli_actor())
    click.echo(f"message template {name!r} {'created' if created else 'changed'}")


# What `campaign delete KIND NAME` deletes: the model and the field NAME is matched on.
_DELETABLE = {"template": ("MessageTemplate", "name"), "landing-page": ("LandingPage", "name"),
              "profile": ("SendingProfile", "name"), "training-module": ("TrainingModule", "code")}


@campaign.command("delete")
@click.argument("kind", type=click.Choice(sorted(_DELETABLE)))
@click.argument("name")
@click.option("--reason", required=True, help="Why (5 to 300 characters; kept in the audit log).")
def campaign_delete(kind: str, name: str, reason: str) -> None:
    """Delete a template, landing page, sending profile or training module (by its code) that
    no campaign uses and nobody was assigned; refused (exit 1, nothing changed) otherwise."""
    reason = " ".join(reason.split())
    if not 5 <= len(reason) <= 300:
        fail("--reason: say why in 5 to 300 characters", status=EXIT_INVALID)
    from vaultdoor.cli import _django

    _django.setup()
    from vaultdoor.mail import models
    from vaultdoor.mail.library import InUse, delete_audited

    model_name, field = _DELETABLE[kind]
    found = getattr(models, model_name).objects.filter(**{field: name}).first()
    if found is None:
        fail(f"no {kind.replace('-', ' ')} named {name!r}", status=EXIT_INVALID)
    try:
        deleted = delete_audited(found, actor=cli_actor(), reason=reason)
    except InUse as exc:
        fail(str(exc))
    click.echo(f"{kind.replace('-', ' ')} {name!r} {'deleted' if deleted else 'was gone already'}")


def _valid(instance, labels: dict[str, str]) -> None:
    """Check what a command is about to save as the console and the admin do: the model's
    fields (lengths, blanks) and its `clean()`, i.e. `vaultdoor.mail.library`'s rules. A
    refusal is one error line naming the option (NAME for the name); nothing is written."""
    from django.core.exceptions import ValidationError

    from vaultdoor.cli._output import validation_message

    try:
        instance.full_clean(validate_unique=False)
    except ValidationError as exc:
        fail(validation_message(exc, {"name": "NAME", **labels}), status=EXIT_INVALID)


@campaign.command("landing-page")
@click.argument("name")
@click.option("--title", required=True, help="The page's heading, e.g. 'Sign in to Payroll'.")
@click.option("--intro", default="", help="Plain text above the form.")
@click.option("--field", "fields", multiple=True, metavar="LABEL",
              help="An input's label (repeatable; 'password' in it makes a password input). "
                   "Default: Email and Password.")
@click.option("--button", default="Sign in", show_default=True)
def campaign_landing_page(name: str, title: str, intro: str, fields: tuple[str, ...],
                          button: str) -> None:
    """Create or change a hosted landing page. What people type in it is never sent to the
    server nor stored: only that they submitted."""
    labels = [f.strip() for f in fields if f.strip()] or ["Email", "Password"]
    from vaultdoor.cli import _django

    _django.setup()
    from vaultdoor.mail.library import save_audited
    from vaultdoor.mail.models import LandingPage

    page = LandingPage.objects.filter(name=name).first() or LandingPage(name=name)
    created = page.pk is None
    page.title, page.intro, page.fields, page.button = (title.strip(), intro, "\n".join(labels),
                                                       button)
    _valid(page, {"title": "--title", "intro": "--intro", "fields": "--field",
                  "button": "--button"})
    save_audited(page, actor=cli_actor(), fields=labels)
    click.echo(f"landing page {name!r} {'created' if created else 'changed'}")


@campaign.command("profile")
@click.argument("name")
@click.option("--smtp", "smtp", required=True, metavar="HOST:PORT")
@click.option("--security", type=click.Choice(["starttls", "tls", "none"]), default="starttls",
              show_default=True, help="STARTTLS, TLS from the start, or none (private relay).")
@click.option("--username", default="", help="Log in as this user (AUTH).")
@click.option("--password-file", default="", metavar="file:PATH",
              help="A file: reference to the password (never the password itself).")
@click.option("--ca-file", default="", type=click.Path(dir_okay=False),
              help="CA bundle of a relay with a private CA (default: the system's).")
def campaign_profile(name: str, smtp: str, security: str, username: str, password_file: str,
                     ca_file: str) -> None:
    """Create or change a sending profile: the SMTP server campaigns are sent through."""
    from vaultdoor.mail.gateway import parse_hostport

    try:
        host, port = parse_hostport(smtp)
    except ValueError as exc:
        fail(f"--smtp: {exc}", status=EXIT_INVALID)
    from vaultdoor.cli import _django

    _django.setup()
    from vaultdoor.mail.library import save_audited
    from vaultdoor.mail.models import SendingProfile

    profile = SendingProfile.objects.filter(name=name).first() or SendingProfile(name=name)
    created = profile.pk is None
    profile.host, profile.port, profile.security = host, port, security
    profile.username, profile.password_file, profile.ca_file = username, password_file, ca_file
    _valid(profile, {"host": "--smtp", "port": "--smtp", "username": "--username",
                     "password_file": "--password-file", "ca_file": "--ca-file"})
    save_audited(profile, actor=cli_actor(), host=host, port=port, security=security,
                 username=username)
    click.echo(f"sending profile {name!r} {'created' if created else 'changed'}")


@campaign.command("training-module")
@click.argument("code")
@click.option("--title", required=True)
@click.option("--text-file", required=True, type=click.Path(dir_okay=False),
              help="The lesson as plain UTF-8 text; a blank line starts a paragraph.")
@click.option("--summary", default="", help="One line under the title.")
@click.option("--minutes", type=click.IntRange(1, 240), default=5, show_default=True)
def campaign_training_module(code: str, title: str, text_file: str, summary: str,
                             minutes: int) -> None:
    """Create or change a training module (plain text, shown escaped in the portal)."""
    try:
        body = Path(text_file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        fail(f"--text-file: {exc}", status=EXIT_INVALID)
    from vaultdoor.cli import _django

    _django.setup()
    from vaultdoor.mail.library import save_audited
    from vaultdoor.mail.models import TrainingModule

    module = TrainingModule.objects.filter(code=code).first() or TrainingModule(code=code)
    created = module.pk is None
    module.title, module.body, module.summary, module.minutes = (title.strip(), body, summary,
                                                                 minutes)
    _valid(module, {"code": "CODE", "title": "--title", "summary": "--summary",
                    "body": "--text-file", "minutes": "--minutes"})
    save_audited(module, actor=cli_actor())
    click.echo(f"training module {code!r} {'created' if created else 'changed'}")


def _when(value: str):
    """An aware datetime from 'now' or ISO 8601 with an offset (a naive time is refused: the
    server's and the operator's time zones may differ)."""
    from datetime import UTC, datetime

    if value.strip().lower() == "now":
        return datetime.now(UTC)
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        fail(f"--at: not an ISO 8601 time: {value!r}", status=EXIT_INVALID)
    if when.tzinfo is None:
        fail(f"--at: give the time with its UTC offset (e.g. {value}+00:00)", status=EXIT_INVALID)
    return when


def _campaign(name: str):
    from vaultdoor.mail.models import Campaign

    found = Campaign.objects.filter(name=name).first()
    if found is None:
        fail(f"no campaign named {name!r}", status=EXIT_INVALID)
    return found


@campaign.command("schedule")
@click.argument("name")
@click.option("--at", "at", required=True, metavar="WHEN",
              help="ISO 8601 time with its offset, or 'now'.")
def campaign_schedule(name: str, at: str) -> None:
    """Schedule a draft campaign; `campaign run` sends it from then on, throttled."""
    when = _when(at)
    from vaultdoor.cli import _django

    _django.setup()
    from vaultdoor.mail.campaigns import CampaignError, schedule_campaign

    found = _campaign(name)
    try:
        schedule_campaign(found, when, actor=cli_actor())
    except CampaignError as exc:
        fail(str(exc), status=EXIT_INVALID)
    click.echo(f"campaign {name!r} scheduled for {when.isoformat()}")


@campaign.command("cancel")
@click.argument("name")
def campaign_cancel(name: str) -> None:
    """Stop a campaign: nothing more is sent; clicks and reports are still tracked."""
    from vaultdoor.cli import _django

    _django.setup()
    from vaultdoor.mail.campaigns import CampaignError, cancel_campaign

    found = _campaign(name)
    try:
        cancel_campaign(found, actor=cli_actor())
    except CampaignError as exc:
        fail(str(exc), status=EXIT_INVALID)
    click.echo(f"campaign {name!r} cancelled")


@campaign.command("retry-unconfirmed")
@click.argument("name")
def campaign_retry(name: str) -> None:
    """Release targets whose sending was cut off mid-transaction, to be sent again (they may
    receive the message twice)."""
    from vaultdoor.cli import _django

    _django.setup()
    from vaultdoor.mail.campaigns import release_unconfirmed

    click.echo(f"released {release_unconfirmed(_campaign(name), actor=cli_actor())}")


@campaign.command("run")
@click.option("--click-base", default=None, metavar="URL",
              help="Base URL of the vaultdoor server. Default: VAULTDOOR_MAIL_CLICK_BASE.")
@click.option("--until-idle", is_flag=True,
              help="Exit once no due campaign has anyone left to send to (for cron), or "
                   "when an SMTP server refuses connections. Default: run until stopped.")
@click.option("--poll", type=click.FloatRange(0.5, 300), default=5.0, show_default=True,
              help="Seconds between looks for newly due campaigns.")
def campaign_run(click_base: str | None, until_idle: bool, poll: float) -> None:
    """Send due (scheduled) campaigns, each throttled to its messages a minute.

    Safe to stop and start again, and to run twice at once: each target is claimed before its
    message goes, so nobody gets a campaign twice."""
    import signal
    import threading

    from vaultdoor.cli import _django

    _django.setup()
    from vaultdoor.mail.campaigns import run_campaigns
    from vaultdoor.mail.mail_settings import gateway_settings

    done = threading.Event()
    if not until_idle:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_: done.set())
    stats = run_campaigns(click_base=click_base or gateway_settings()["click_base"],
                          until_idle=until_idle, poll=poll, stop=done.is_set,
                          sleep=lambda s: done.wait(s), log=click.echo)
    click.echo(f"sent {stats.sent}, failed {stats.failed}, deferred {stats.deferred}, "
               f"unconfirmed {stats.unconfirmed}, connection errors {stats.connect_errors}")
    if stats.connect_errors and until_idle:
        raise SystemExit(EXIT_FAILED)


@campaign.command("send")
@click.argument("name")
@click.option("--click-base", default=None, metavar="URL",
              help="Base URL of the vaultdoor server. Default: VAULTDOOR_MAIL_CLICK_BASE.")
def campaign_send(name: str, click_base: str | None) -> None:
    """Send a campaign to the targets not sent yet, throttled."""
    from vaultdoor.cli import _django

    _django.setup()
    from vaultdoor.mail.campaigns import CampaignError, send_campaign
    from vaultdoor.mail.mail_settings import gateway_settings
    from vaultdoor.mail.models import Campaign

    found = Campaign.objects.filter(name=name).first()
    if found is None:
        fail(f"no campaign named {name!r}", status=EXIT_INVALID)
    try:
        sent = send_campaign(found, click_base=click_base or gateway_settings()["click_base"])
    except CampaignError as exc:
        fail(str(exc), status=EXIT_INVALID)
    except OSError as exc:
        where = (f"{found.profile.host}:{found.profile.port}" if found.profile
                 else f"{found.smtp_host}:{found.smtp_port}")
        fail(f"cannot send through {where}: {exc}")
    click.echo(f"sent {sent}")


@campaign.command("status")
@click.argument("name")
@click.option("--json", "as_json", is_flag=True)
def campaign_status(name: str, as_json: bool) -> None:
    """State, then targets, sent, opened, clicked, submitted (people only), reported, scanner
    fetches, failed and unconfirmed."""
    from vaultdoor.cli import _django

    _django.setup()
    from vaultdoor.mail.campaigns import campaign_summary
    from vaultdoor.mail.models import Campaign

    found = Campaign.objects.filter(name=name).first()
    if found is None:
        fail(f"no campaign named {name!r}", status=EXIT_INVALID)
    summary = campaign_summary(found)
    state = {"status": found.status,
             "scheduled_at": found.scheduled_at.isoformat() if found.scheduled_at else None}
    if as_json:
        print_json({"campaign": name, **state, **summary})
    else:
        click.echo(f"{found.get_status_display().lower()}"
                   + (f" (from {state['scheduled_at']})" if state["scheduled_at"] else "") + ": "
                   + ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in summary.items()))


# `vaultdoor mail campaigns ...` reads as well as `vaultdoor mail campaign ...`.
mail.add_command(campaign, name="campaigns")
