"""Reader secure channel keys come from owner-only files, never from values."""

from __future__ import annotations

import os

import pytest

from vaultdoor.edge.readers import ReaderKeyError, generate_scbk_file, load_scbk


def write_key(path, text, mode=0o600):
    path.write_text(text)
    os.chmod(path, mode)
    return f"file:{path}"


def test_generated_key_loads(tmp_path):
    ref = generate_scbk_file(tmp_path / "secrets" / "reader.scbk")
    key = load_scbk(ref)
    assert len(key) == 16
    assert oct((tmp_path / "secrets" / "reader.scbk").stat().st_mode & 0o777) == "0o600"
    assert load_scbk(ref.replace("file:", "file://")) == key


def test_generate_does_not_overwrite(tmp_path):
    ref = generate_scbk_file(tmp_path / "k")
    with pytest.raises(ReaderKeyError, match="already exists"):
        generate_scbk_file(tmp_path / "k")
    assert load_scbk(ref)


def test_inline_key_is_refused():
    with pytest.raises(ReaderKeyError, match="file reference"):
        load_scbk("000102030405060708090a0b0c0d0e0f")


def test_missing_file(tmp_path):
    with pytest.raises(ReaderKeyError, match="does not exist"):
        load_scbk(f"file:{tmp_path / 'nope'}")


def test_readable_by_others_is_refused(tmp_path):
    ref = write_key(tmp_path / "k", "00" * 16, mode=0o644)
    with pytest.raises(ReaderKeyError, match="chmod 600"):
        load_scbk(ref)


@pytest.mark.parametrize("text", ["00" * 15, "00" * 17, "zz" * 16, "", "00 " * 16])
def test_malformed_key_is_refused(tmp_path, text):
    ref = write_key(tmp_path / "k", text)
    with pytest.raises(ReaderKeyError, match="32 hexadecimal digits"):
        load_scbk(ref)


def test_trailing_newline_is_fine(tmp_path):
    ref = write_key(tmp_path / "k", "0f" * 16 + "\n")
    assert load_scbk(ref) == bytes([15] * 16)
