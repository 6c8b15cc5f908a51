"""Property tests: the password checker and the code parsers take any input without raising,
never echo a password, and normalise recovery codes consistently."""

from __future__ import annotations

import datetime as dt
import json

import pyotp
import pytest
from hypothesis import HealthCheck, given, settings
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


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner,
                                                                max_size=4),
    max_leaves=12,
)


@pytest.mark.django_db
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(credential=_JSON | _JSON.map(json.dumps) | st.text(max_size=60))
def test_passkey_assertions_of_any_shape_are_refused_never_raise(django_user_model, credential):
    from django.test import RequestFactory

    from vaultdoor.identity.constants import SESSION_WEBAUTHN
    from vaultdoor.identity.services.accounts import account_for
    from vaultdoor.identity.services.passkeys import verify_authentication

    user = django_user_model.objects.get_or_create(username="prop-passkey")[0]
    account = account_for(user)
    request = RequestFactory().post("/auth/passkeys/authenticate/")
    request.session = {SESSION_WEBAUTHN: {"kind": "authenticate", "account": account.pk,
                                          "challenge": "AAAAAAAAAAAAAAAAAAAAAA"}}
    assert verify_authentication(request, account, credential) is False
