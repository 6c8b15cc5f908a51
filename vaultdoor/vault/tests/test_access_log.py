"""The HTTP access log of `vaultdoor serve` keeps no query string and no Referer, so a search
term typed into an address (a phone or card number) never reaches it. Runs the real gunicorn
with the format `serve` passes."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from vaultdoor.cli.server import ACCESS_LOG_FORMAT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_access_log_has_no_query_string_or_referer(tmp_path):
    port = _free_port()
    log = tmp_path / "access.log"
    gunicorn = Path(sys.executable).parent / "gunicorn"
    env = {**os.environ, "VAULTDOOR_DATA_DIR": str(tmp_path / "data"),
           "DJANGO_SETTINGS_MODULE": "vaultdoor.server.settings"}
    env.pop("VAULTDOOR_TEST_DATABASE_URL", None)
    server = subprocess.Popen(
        [str(gunicorn), "vaultdoor.server.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--access-logfile", str(log), "--access-logformat",
         ACCESS_LOG_FORMAT], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/api/v1/customers/?card=4556737586899855"
        referer = f"http://127.0.0.1:{port}/vault/?q=07544654321"
        request = urllib.request.Request(url, headers={"Referer": referer})  # noqa: S310
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(request, timeout=5)  # noqa: S310 - local test server
            except urllib.error.HTTPError:
                break  # anonymous: 403, which is what we want logged
            except (ConnectionError, urllib.error.URLError):
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
                continue
            break
        deadline = time.monotonic() + 10
        while "/api/v1/customers/" not in (log.read_text() if log.exists() else ""):
            assert time.monotonic() < deadline, "nothing was logged"
            time.sleep(0.1)
    finally:
        server.terminate()
        server.wait(timeout=20)
    text = log.read_text()
    assert '"GET /api/v1/customers/ HTTP/1.1" 403' in text
    assert "4556737586899855" not in text and "07544654321" not in text
    assert "card=" not in text and "/vault/" not in text
