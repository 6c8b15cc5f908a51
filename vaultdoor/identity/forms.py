"""Forms of the sign-in flow and the self-service portal."""

from __future__ import annotations

from django import forms
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from .choices import RoleChoices, TokenScope
from .constants import API_TOKEN_LIFETIME, API_TOKEN_MAX_LIFETIME

__all__ = ["AccountStatusForm", "ChangeRoleForm", "CodeForm", "LoginForm", "NewAccountForm",
           "NewLinkForm", "NewPasswordForm", "NewTokenForm",
           "PasswordChangeForm", "ResetFactorsForm", "RevokeTokenForm"]


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


def _reason(help_text: str) -> forms.CharField:
    return forms.CharField(max_length=300, min_length=5, help_text=help_text)


class NewAccountForm(forms.Form):
    """A console account for a person who has none (or a service account with no person): its
    role, user id and contact address, and why (kept in the audit log)."""

    person = forms.IntegerField(required=False, widget=forms.HiddenInput)
    role = forms.ChoiceField(choices=RoleChoices.choices)
    username = forms.CharField(
        max_length=150, required=False, label="User id",
        help_text="Default: the person's id in lower case. Required for a service account.")
    email = forms.EmailField(required=False, label="Contact address (optional)")
    reason = _reason("Why, e.g. 'new starter, ticket HR-1234'.")

    def __init__(self, *args, roles: list[str], **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        # The form offers the roles the administrator may give; the view still checks what
        # comes back (and records a refusal), so a forged choice is refused, not ignored.
        self.offered = [(value, label) for value, label in RoleChoices.choices if value in roles]
        self.fields["role"].widget.choices = self.offered


class ChangeRoleForm(forms.Form):
    """An account's new role (of those the administrator may give), and why."""

    role = forms.ChoiceField(choices=RoleChoices.choices, label="New role")
    reason = _reason("Why, e.g. 'moved to the IT desk, ticket HR-1240'.")

    def __init__(self, *args, roles: list[str], current: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        # As NewAccountForm: offer the roles the administrator may give (not the current
        # one); the view still checks what comes back and records a refusal.
        self.offered = [(value, label) for value, label in RoleChoices.choices
                        if value in roles and value != current]
        self.fields["role"].widget.choices = self.offered


class AccountStatusForm(forms.Form):
    """Why an account is disabled or enabled again (kept in the audit log)."""

    reason = _reason("Why, e.g. 'long-term leave, ticket HR-1300'.")


class NewTokenForm(forms.Form):
    """An API token: the account it acts as, what it is for, its scopes and its lifetime."""

    owner = forms.CharField(max_length=150, label="Acts as (user id)",
                            help_text="The account whose permissions the token uses, at most.")
    name = forms.CharField(max_length=100, label="Name",
                           help_text="What the token is for, e.g. 'HR feed (Workday)'.")
    scopes = forms.MultipleChoiceField(choices=TokenScope.choices,
                                       widget=forms.CheckboxSelectMultiple)
    days = forms.IntegerField(
        min_value=1, max_value=API_TOKEN_MAX_LIFETIME.days, initial=API_TOKEN_LIFETIME.days,
        label="Expires after (days)",
        help_text=f"{API_TOKEN_LIFETIME.days} by default, at most "
                  f"{API_TOKEN_MAX_LIFETIME.days}.")

    def clean_name(self) -> str:
        value = self.cleaned_data["name"].strip()
        if not value:
            raise ValidationError("say what the token is for", code="required")
        return value


class NewLinkForm(forms.Form):
    """Why an account that has not chosen a password yet gets a new enrolment link."""

    reason = _reason("Why, e.g. 'first link expired, holder called from the desk phone'.")


class RevokeTokenForm(forms.Form):
    """Why a token is revoked (kept in the audit log)."""

    reason = _reason("Why, e.g. 'integration retired' or 'token seen in a ticket'.")
