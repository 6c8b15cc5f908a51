"""The public API of the analyser stays what ``__all__`` says, and stays free of Django."""

from __future__ import annotations

import subprocess
import sys

import vaultdoor.mail.analysis as analysis
from vaultdoor.mail.analysis.signals import SIGNAL_TYPES


def test_all_names_exist_and_are_sorted_by_kind():
    for name in analysis.__all__:
        assert hasattr(analysis, name), name
    public = {n for n in dir(analysis) if not n.startswith("_") and n[0].isupper()}
    assert public - set(analysis.__all__) <= {"annotations"}


def test_every_signal_has_a_unique_name_and_a_weight_in_range():
    names = [s.name for s in SIGNAL_TYPES]
    assert len(names) == len(set(names))
    assert all(0 < s.weight <= 1 for s in SIGNAL_TYPES)
    assert all(s.__doc__ for s in SIGNAL_TYPES)


def test_scanning_imports_no_django():
    code = ("import sys; from vaultdoor.mail.analysis import Scanner; "
            "Scanner().scan_bytes(b'From: a@b.example\\n\\nhi'); "
            "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True)
