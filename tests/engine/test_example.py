"""The spec's example: `access simulate` on example-site.yaml gives example-expected.jsonl."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from vaultdoor.cli import main

DATA = Path(__file__).parent / "data"
SITE = DATA / "example-site.yaml"
SWIPES = DATA / "example-swipes.jsonl"
EXPECTED = DATA / "example-expected.jsonl"


def _lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


def test_simulate_matches_expected_line_for_line() -> None:
    result = CliRunner().invoke(
        main, ["access", "simulate", "--site", str(SITE), "--swipes", str(SWIPES)]
    )
    assert result.exit_code == 0, result.output
    got = _lines(result.stdout)
    expected = _lines(EXPECTED.read_text())
    assert len(got) == len(expected)
    for number, (mine, theirs) in enumerate(zip(got, expected, strict=True), start=1):
        assert mine == theirs, f"line {number}"
        assert list(mine) == list(theirs), f"line {number}: key order"


def test_example_site_validates() -> None:
    result = CliRunner().invoke(main, ["site", "validate", str(SITE)])
    assert result.exit_code == 0, result.output
    assert result.stdout == "ok: northgate: 3 floors, 8 zones, 9 doors, 7 people\n"


def test_simulate_never_imports_django() -> None:
    """The offline path (CLI package, engine, simulate) must not pull in Django."""
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from vaultdoor.cli import main\n"
        f"r = CliRunner().invoke(main, ['access', 'simulate', '--site', {str(SITE)!r},"
        f" '--swipes', {str(SWIPES)!r}])\n"
        "assert r.exit_code == 0, r.output\n"
        "r = CliRunner().invoke(main, ['site', 'validate', " + repr(str(SITE)) + "])\n"
        "assert r.exit_code == 0, r.output\n"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'))\n"
        "assert not bad, bad\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60
    )
    assert done.returncode == 0, done.stderr
