"""Table-driven accept/reject tests for each password profile (pure: no database)."""

from __future__ import annotations

import pytest

from vaultdoor.identity.passwords import PROFILES, evaluate_password, get_profile
from vaultdoor.identity.passwords.blocklist import blocklist_size, is_blocklisted
from vaultdoor.identity.passwords.profiles import UnknownPasswordProfile

LONG_PASSPHRASE = "the quiet heron counts 47 boats on the grey quay before dawn " * 2

# (password, names, has_second_factor, expected problem codes); [] means accepted.
CASES: dict[str, list[tuple[str, tuple[str, ...], bool, list[str]]]] = {
    "pci-dss-4": [
        ("blue-heron-quarry-71", (), False, []),
        ("Tr0ub4dor&3xyz", (), False, []),
        ("short1a", (), False, ["too_short"]),
        ("correct horse battery staple", (), False, ["composition", "blocklisted"]),
        ("4827361950284716", (), False, ["composition"]),
        ("password123456", (), False, ["blocklisted"]),
        ("P@ssw0rd123456", (), False, ["blocklisted"]),
        ("Qwertyuiop1234", (), False, ["blocklisted"]),
        ("maryjones-wharf-93", ("mjones", "Mary Jones"), False, ["personal_name"]),
        ("aaaaaaaaaaaa1", (), False, ["too_guessable"]),
        (LONG_PASSPHRASE, (), False, []),
    ],
    "nist-800-63b": [
        ("harbour lantern quietly folds", (), False, []),
        # famous, so breached: the listed "correcthorsebatterystaple" typed with spaces
        ("correct horse battery staple", (), False, ["blocklisted"]),
        ("blue-heron-quarry-71", (), False, []),
        ("Tr0ub4dor&3xyz", (), False, ["too_short"]),
        ("k7#Pq2!wZ", (), True, []),
        ("k7#Pq2!wZ", (), False, ["too_short"]),
        ("k7#Pq2!", (), True, ["too_short"]),
        ("iloveyou12345678", (), False, ["blocklisted"]),
        ("aaaaaaaaaaaaaaaaaaaa", (), False, ["too_guessable"]),
        ("harbourside mary jones", ("Mary Jones",), False, ["personal_name"]),
        (LONG_PASSPHRASE, (), False, []),
    ],
    "classic": [
        ("gr3y-Heron!", (), False, []),
        ("blue-heron-quarry-71", (), False, []),
        ("blue heron quarry", (), False, ["composition"]),
        ("blueheron71x", (), False, ["composition"]),
        ("b1-!x", (), False, ["too_short"]),
        ("Password1!", (), False, ["blocklisted"]),
        ("smith-rules-42!", ("jsmith", "John Smith"), False, ["personal_name"]),
    ],
}


@pytest.mark.parametrize(
    ("profile", "password", "names", "mfa", "expected"),
    [(profile, *case) for profile, cases in CASES.items() for case in cases],
    ids=[f"{profile}:{case[0][:24]}:{'mfa' if case[2] else 'nomfa'}"
         for profile, cases in CASES.items() for case in cases],
)
def test_profile_table(profile, password, names, mfa, expected):
    report = evaluate_password(password, profile=profile, names=names, has_second_factor=mfa)
    codes = {problem.code for problem in report.problems}
    if expected:
        assert set(expected) <= codes, report.to_dict()
        assert not report.acceptable
    else:
        assert codes == set(), report.to_dict()
        assert report.acceptable


def test_every_profile_accepts_long_passwords_whole():
    # 200 characters, no pattern: every profile accepts it (nothing is cut at 64 or 72).
    password = (LONG_PASSPHRASE * 2)[:190] + "quay-9071x"
    assert len(password) == 200
    for name in PROFILES:
        assert evaluate_password(password, profile=name).acceptable, name


def test_reuse_rule_asks_the_history():
    seen = {"old-password-123x"}
    report = evaluate_password("old-password-123x", profile="pci-dss-4",
                               was_used=lambda pw, n: n == 4 and pw in seen)
    assert [p.code for p in report.problems] == ["reused"]
    # nist has no history rule
    report = evaluate_password("old-password-123x-longer", profile="nist-800-63b",
                               was_used=lambda pw, n: True)
    assert report.acceptable


def test_expiry_rules_per_profile():
    pci, nist, classic = (get_profile(n) for n in ("pci-dss-4", "nist-800-63b", "classic"))
    assert pci.expiry(has_second_factor=False).days == 90
    assert pci.expiry(has_second_factor=True) is None
    assert nist.expiry(has_second_factor=False) is None
    assert classic.expiry(has_second_factor=True).days == 90


def test_plain_words_and_strength_feedback():
    report = evaluate_password("letmein", profile="nist-800-63b")
    data = report.to_dict()
    assert data["acceptable"] is False
    assert data["strength"]["score"] == 0
    assert data["strength"]["warning"]
    assert any("15 characters" in line for line in data["policy"])
    assert "letmein" not in str(data)


def test_unknown_profile_names_the_choices():
    with pytest.raises(UnknownPasswordProfile, match="pci-dss-4, nist-800-63b, classic"):
        get_profile("nope")


def test_blocklist_is_merged_and_matches_variants():
    assert blocklist_size() >= 100_000
    for variant in ("password", "PASSWORD", "P@ssw0rd", "dragon2024!", "!!monkey99"):
        assert is_blocklisted(variant), variant
    assert not is_blocklisted("blue-heron-quarry-71")
