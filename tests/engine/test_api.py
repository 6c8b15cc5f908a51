"""The engine's public API: `vaultdoor.engine.__all__` lists exactly what it exports."""

from __future__ import annotations

import types

import vaultdoor.engine as engine

# modules whose public names are re-exported, and the names deliberately left in the module
REEXPORTED = {
    "cards": {"CardLayout"},
    "decisions": set(),
    "pins": {"PIN_HASH_SCHEME"},
    "schedules": set(),
    "sitefile": {"FORMAT_VERSION", "MAX_SITE_BYTES"},
    "snapshot": {
        "SNAPSHOT_FORMAT",
        "CardEntry",
        "CompiledDoor",
        "CompiledPerson",
        "PeopleCompiler",
    },
    "state": set(),
    "swipes": set(),
}


def test_all_names_exist_and_are_sorted() -> None:
    missing = [name for name in engine.__all__ if not hasattr(engine, name)]
    assert not missing
    assert len(set(engine.__all__)) == len(engine.__all__)


def test_every_public_attribute_is_in_all() -> None:
    public = {
        name
        for name, value in vars(engine).items()
        if not name.startswith("_")
        and not isinstance(value, types.ModuleType)
        and name != "annotations"
    }
    assert public == set(engine.__all__)


def test_module_exports_are_reexported() -> None:
    import importlib

    for module_name, kept_local in REEXPORTED.items():
        module = importlib.import_module(f"vaultdoor.engine.{module_name}")
        for name in module.__all__:
            assert hasattr(module, name), f"{module_name}.__all__ names missing {name}"
            if name not in kept_local:
                assert name in engine.__all__, f"{module_name}.{name} is not re-exported"


def test_engine_imports_no_django() -> None:
    import subprocess
    import sys

    code = (
        "import sys, vaultdoor.engine, vaultdoor.cli.access, vaultdoor.cli.site\n"
        "assert not [m for m in sys.modules if m.split('.')[0] in ('django', 'rest_framework')]"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
