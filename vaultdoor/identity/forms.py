"""Forms of the sign-in flow and the self-service portal."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

__all__ = ["CodeForm", "LoginForm", "NewPasswordForm", "PasswordChangeForm", "ResetFactorsForm"]


class LoginForm(forms.Form):
    """User id and password (the page's error never says which one was wrong)."""

    username = forms.CharField(max_length=150, strip=True)
    password = forms.CharField(strip=False, max_length=4096, widget=forms.PasswordInput)


class CodeForm(forms.Form):
    """A six-digit TOTP code, or a recovery code."""

    code = forms.CharField(max_length=32, strip=True)


class NewPasswordForm(forms.Form):
    """A new password, twice, checked against the profile in force for `user`."""

    new_password = forms.CharField(strip=False, max_length=4096, widget=forms.PasswordInput)
    confirm_password = forms.CharField(strip=False, max_length=4096,
                                       widget=forms.PasswordInput)

    def __init__(self, *args, user=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.user = user

    def clean(self) -> dict:
        data = super().clean()
        new, again = data.get("new_password"), data.get("confirm_password")
        if new and again and new != again:
            raise ValidationError("The two passwords differ.", code="mismatch")
        if new:
            try:
                validate_password(new, self.user)
            except ValidationError as exc:
                self.add_error("new_password", exc)
        return data


class PasswordChangeForm(NewPasswordForm):
    """The current password, then a new one."""

    current_password = forms.CharField(strip=False, max_length=4096,
                                       widget=forms.PasswordInput)
    field_order = ["current_password", "new_password", "confirm_password"]

    def clean_current_password(self) -> str:
        value = self.cleaned_data["current_password"]
        if self.user is None or not self.user.check_password(value):
            raise ValidationError("That is not your current password.", code="wrong")
        return value


class ResetFactorsForm(forms.Form):
    """An administrator confirms removing every second factor of an account by typing its
    user id, and says why (kept in the audit log)."""

    reason = forms.CharField(max_length=300, min_length=5,
                             help_text="Why, e.g. 'phone lost, identity checked by call-back'.")
    new_password = forms.BooleanField(
        required=False, label="Also disable the current password and issue a one-time "
                              "enrolment link (when the password may be known to someone else)")
    confirm = forms.CharField(max_length=150, label="Type the user id to confirm")

    def __init__(self, *args, username: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.username = username

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"].strip()
        if value != self.username:
            raise ValidationError(f"type {self.username} to confirm", code="confirm")
        return value
