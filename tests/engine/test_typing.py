"""The engine's type hints hold under `mypy --strict` (style.md: enforced on the pure packages)."""

from __future__ import annotations

from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parents[2] / "vaultdoor" / "engine"
# chain.py belongs to the audit log and is checked with it
MODULES = sorted(
    str(path)
    for path in [*ENGINE.glob("*.py"), *ENGINE.glob("sitefile/*.py")]
    if path.name != "chain.py"
)


@pytest.mark.slow
def test_engine_passes_mypy_strict(tmp_path_factory: pytest.TempPathFactory) -> None:
    api = pytest.importorskip("mypy.api")
    cache = tmp_path_factory.getbasetemp() / "mypy-engine"
    out, err, status = api.run(["--strict", "--cache-dir", str(cache), *MODULES])
    assert status == 0, out + err
