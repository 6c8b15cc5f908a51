"""The reader and door modules' type hints hold under `mypy --strict` (style.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

EDGE = Path(__file__).resolve().parents[2] / "vaultdoor" / "edge"
MODULES = sorted(
    str(path)
    for path in [*EDGE.glob("readers/*.py"), *EDGE.glob("doorio/*.py"), EDGE / "pinpad.py"]
)


@pytest.mark.slow
def test_readers_and_doors_pass_mypy_strict(tmp_path_factory: pytest.TempPathFactory) -> None:
    api = pytest.importorskip("mypy.api")
    cache = tmp_path_factory.getbasetemp() / "mypy-edge-doors"
    out, err, status = api.run(["--strict", "--cache-dir", str(cache), *MODULES])
    assert status == 0, out + err
