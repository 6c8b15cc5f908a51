"""``vaultdoor mail scan`` and ``vaultdoor mail evaluate`` as an operator runs them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from vaultdoor.cli import main

CORPUS = Path(__file__).parent / "corpus"


def test_scan_json_one_object_per_line_in_order(tmp_path):
    broken = tmp_path / "broken.eml"
    broken.write_bytes(b"\x00\x01\x02")
    files = [str(CORPUS / "synthetic-phish-07-userinfo.eml"), str(broken),
             str(CORPUS / "synthetic-ham-09-customer-complaint.eml")]
    result = CliRunner().invoke(main, ["mail", "scan", "--json", *files])
    assert result.exit_code == 1  # one file could not be parsed; the others were still scanned
    lines = [json.loads(line) for line in result.output.splitlines()]
    assert [line["file"] for line in lines] == files
    phish, error, ham = lines
    assert phish["verdict"] == "phishing" and phish["score"] > 0.75
    assert {"name", "weight", "detail"} <= set(phish["signals"][0])
    assert {"url", "text", "host", "registrable_domain", "reasons"} <= set(phish["links"][0])
    assert error["verdict"] == "error" and error["error"]
    assert ham["verdict"] == "clean"


def test_scan_summary_and_org_domain_option():
    path = str(CORPUS / "synthetic-phish-01-lookalike-sender.eml")
    result = CliRunner().invoke(main, ["mail", "scan", "--org-domain", "lakeside-cs.example", path])
    assert result.exit_code == 0
    assert "PHISHING" in result.output and "lookalike_domain" in result.output


def test_org_domains_from_the_environment(monkeypatch):
    monkeypatch.setenv("VAULTDOOR_ORG_DOMAINS", "harper-utilities.example")
    raw = CORPUS / "synthetic-phish-06-html-attachment.eml"
    result = CliRunner().invoke(main, ["mail", "scan", "--json", str(raw)])
    signals = {s["name"] for s in json.loads(result.output)["signals"]}
    assert "lookalike_domain" in signals  # harper-utiIities.example imitates the configured domain


def test_missing_file_is_an_error_line_not_a_traceback():
    result = CliRunner().invoke(main, ["mail", "scan", "--json", "/nonexistent/x.eml"])
    assert result.exit_code == 1
    assert json.loads(result.output)["verdict"] == "error"


def test_evaluate_prints_matrix_rates_and_enforces_thresholds():
    result = CliRunner().invoke(main, ["mail", "evaluate", str(CORPUS), "--min-recall", "0.95",
                                       "--max-fpr", "0.02"])
    assert result.exit_code == 0, result.output
    assert "recall" in result.output and "false-positive rate" in result.output
    impossible = CliRunner().invoke(main, ["mail", "evaluate", str(CORPUS), "--min-recall", "1.1"])
    assert impossible.exit_code == 1


def test_evaluate_without_labels_fails_cleanly(tmp_path):
    result = CliRunner().invoke(main, ["mail", "evaluate", str(tmp_path)])
    assert result.exit_code == 2
    assert result.output.startswith("error: cannot read")


def test_scan_dash_reads_one_message_from_standard_input():
    phish = (CORPUS / "synthetic-phish-07-userinfo.eml").read_bytes()
    result = CliRunner().invoke(main, ["mail", "scan", "--json", "-"], input=phish)
    assert result.exit_code == 0, result.output
    line = json.loads(result.output)
    assert line["file"] == "-" and line["verdict"] == "phishing"


def test_gateway_names_a_bad_queue_dir_and_a_bad_size(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    monkeypatch.setenv("VAULTDOOR_DATA_DIR", str(tmp_path / "data"))
    result = CliRunner().invoke(main, ["mail", "gateway", "--next-hop", "127.0.0.1:2526",
                                       "--listen", "127.0.0.1:0",
                                       "--queue-dir", str(blocker / "queue")])
    assert result.exit_code == 2 and "--queue-dir" in result.output
    monkeypatch.setenv("VAULTDOOR_MAIL_MAX_SIZE", "lots")
    result = CliRunner().invoke(main, ["mail", "gateway", "--next-hop", "127.0.0.1:2526"])
    assert result.exit_code == 2 and "VAULTDOOR_MAIL_MAX_SIZE" in result.output
