"""The decision benchmark still runs (tiny sizes, no timing asserted) and ends with its summary."""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_decisions.py"


def test_benchmark_runs_and_prints_the_summary_line(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("casbin")
    spec = importlib.util.spec_from_file_location("bench_decisions", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.main(
        [
            "--cardholders", "300", "--doors", "40", "--levels", "20", "--decisions", "600",
            "--casbin-sample", "5", "--compile-runs", "1", "--no-gc-freeze",
        ]
    )  # fmt: skip
    last = capsys.readouterr().out.strip().splitlines()[-1]
    assert re.fullmatch(
        r"engine: \d+ decisions/s, p99 \d+\.\d us, \d+x pycasbin, compile \d+\.\d\d s", last
    ), last
