"""Fixtures for the gateway tests: an aiosmtpd sink standing in for the next hop, a gateway on
a free loopback port, and helpers to send with smtplib and wait for arrivals."""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
from aiosmtpd.smtp import SMTP

from vaultdoor.testing.browser import browser_session, chromium  # noqa: F401 - fixtures

ORG = "lakeside-cs.example"


def make_certificate(tmp_path, name: str = "relay"):
    """A self-signed certificate for 127.0.0.1 (its own CA) and its key, as PEM files
    `<name>.pem` and `<name>.key` in `tmp_path`."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"{name}.test")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(minutes=5))
            .not_valid_after(now + dt.timedelta(hours=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    options: list[str]
    tls: bool = False  # whether it came over STARTTLS


@dataclass
class Sink:
    """An SMTP server that keeps what it receives; can be stopped and started on one port."""

    port: int
    messages: list[Received] = field(default_factory=list)
    smtp_options: dict = field(default_factory=dict)
    _loop: asyncio.AbstractEventLoop | None = None
    _thread: threading.Thread | None = None

    async def handle_DATA(self, server, session, envelope) -> str:
        self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                      envelope.original_content, list(envelope.mail_options),
                                      tls=session.ssl is not None))
        return "250 OK"

    def start(self) -> None:
        ready = threading.Event()

        def serve() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            server = loop.run_until_complete(loop.create_server(
                lambda: SMTP(self, enable_SMTPUTF8=True, decode_data=False,
                             **self.smtp_options),
                host="127.0.0.1", port=self.port, reuse_address=True))
            ready.set()
            loop.run_forever()
            server.close()
            loop.run_until_complete(server.wait_closed())
            loop.close()

        self._thread = threading.Thread(target=serve, daemon=True)
        self._thread.start()
        ready.wait(10)

    def stop(self) -> None:
        if self._loop is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
        if self._thread is not None:
            self._thread.join(10)
        self._loop = self._thread = None


def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> bool:
    """Poll until `condition()` holds (a deadline, not a timed assertion)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()


@pytest.fixture
def sink() -> Iterator[Sink]:
    server = Sink(port=free_port())
    server.start()
    yield server
    server.stop()


@pytest.fixture
def make_gateway(tmp_path, sink, transactional_db):
    """Start a gateway relaying to the sink; call with GatewayConfig overrides."""
    from vaultdoor.mail.gateway import Gateway, GatewayConfig

    started = []

    def make(**overrides):
        settings = dict(queue_dir=tmp_path / "queue", next_hop=("127.0.0.1", sink.port),
                        click_base="https://vd.example", org_domains=(ORG,),
                        report_address=f"report-phish@{ORG}", retry_base=0.05,
                        retry_max=0.2, max_size=200_000, relay_timeout=5)
        settings.update(overrides)
        gateway = Gateway(GatewayConfig(**settings), host="127.0.0.1", port=0)
        gateway.start()
        started.append(gateway)
        return gateway

    yield make
    for gateway in started:
        gateway.stop()


@pytest.fixture
def rosa(db, django_user_model):
    """Rosa Delgado: a person at a site whose account has her mail address."""
    from vaultdoor.facilities.models import Site
    from vaultdoor.identity.services.accounts import account_for
    from vaultdoor.people.models import Person

    site = Site.objects.create(code="lakeside", name="Lakeside", timezone="Europe/London")
    person = Person.objects.create(site=site, code="E1001", name="Rosa Delgado",
                                   kind="employee")
    user = django_user_model.objects.create_user("rosa", email=f"rosa@{ORG}")
    account = account_for(user)
    account.person = person
    account.save()
    return person


def click_url(url: str, *, verdict: str = "clean", age: float = 3600.0,
              recipient: str = f"rosa@{ORG}", ref: str = "abc.0") -> str:
    """The click-time path for `url` as delivered `age` seconds ago."""
    from vaultdoor.mail.tokens import click_token

    return "/m/c/" + click_token(ref, recipient, url, verdict=verdict,
                                 delivered_at=time.time() - age)


@pytest.fixture
def billing(transactional_db, django_user_model):
    """Three people: two in Billing with mail addresses, one in Sales."""
    from vaultdoor.facilities.models import Site
    from vaultdoor.identity.services.accounts import account_for
    from vaultdoor.people.models import Person

    site = Site.objects.create(code="lakeside", name="Lakeside", timezone="Europe/London")
    people = []
    for code, name, department in (("E1", "Rosa Delgado", "Billing"),
                                   ("E2", "Omar Haddad", "Billing"),
                                   ("E3", "Ana Lima", "Sales")):
        person = Person.objects.create(site=site, code=code, name=name, kind="employee",
                                       department=department)
        user = django_user_model.objects.create_user(
            code.lower(), email=f"{name.split()[0].lower()}@{ORG}")
        account = account_for(user)
        account.person = person
        account.save()
        people.append(person)
    return people
