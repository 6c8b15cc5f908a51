"""Property tests: the password checker and the code parsers take any input without raising,
never echo a password, and normalise recovery codes consistently."""

from __future__ import annotations

import datetime as dt

import pyotp
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultdoor.identity.passwords import PROFILES, evaluate_password
from vaultdoor.identity.passwords.blocklist import is_blocklisted, normal_forms
from vaultdoor.identity.services.recovery import normalise_code
from vaultdoor.identity.services.totp import matching_step

SECRET = pyotp.random_base32()
NOW = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@settings(max_examples=60, deadline=None)
@given(password=st.text(min_size=1, max_size=120), profile=st.sampled_from(sorted(PROFILES)),
       mfa=st.booleans())
def test_any_password_gets_a_verdict_that_never_contains_it(password, profile, mfa):
    report = evaluate_password(password, profile=profile, has_second_factor=mfa)
    data = report.to_dict()
    assert data["acceptable"] == (data["reasons"] == [])
    if len(password) >= 6:
        assert password not in str(data["reasons"])
    assert 0 <= data["strength"]["score"] <= 4


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_blocklist_forms_are_lower_case_and_include_the_password(password):
    forms = normal_forms(password)
    assert password.lower() in forms
    assert all(form == form.lower() for form in forms)
    is_blocklisted(password)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_totp_parser_takes_anything(code):
    step = matching_step(SECRET, code, NOW)
    assert step is None or abs(step - int(NOW.timestamp()) // 30) <= 1


@given(st.text(alphabet="23456789abcdefghjkmnpqrstuvwxyz", min_size=10, max_size=10),
       st.sampled_from(["-", " ", "", "  -  "]))
def test_recovery_codes_compare_without_case_or_separators(code, separator):
    typed = (code[:5] + separator + code[5:]).upper()
    assert normalise_code(typed) == code
