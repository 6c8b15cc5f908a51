"""Forms of the vetting pages: each is one decision or one lifecycle step."""

from __future__ import annotations

from django import forms

from .choices import (
    AUTOMATIC_ITEMS,
    AdjudicationOutcomeChoices,
    AdverseStageChoices,
    FindingChoices,
    OnboardingItemChoices,
)

__all__ = ["AdjudicationForm", "CheckForm", "FinalDecisionForm", "FindingForm",
           "OnboardingForm", "TerminateForm", "WithdrawForm"]


class CheckForm(forms.Form):
    """Ask a provider for a background check."""

    provider = forms.CharField(max_length=100)
    scope = forms.CharField(max_length=200, required=False,
                            help_text="What is checked: identity, criminal, credit...")
    reference = forms.CharField(max_length=100, required=False,
                                help_text="The provider's id for the check, if known.")
    requested = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))


class FindingForm(forms.Form):
    """Record what a check turned up."""

    check_id = forms.IntegerField(widget=forms.HiddenInput)
    category = forms.ChoiceField(choices=FindingChoices.choices)
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class WithdrawForm(forms.Form):
    """Take a finding recorded in error off the record."""

    finding_id = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class AdjudicationForm(forms.Form):
    """The individualised review of a check."""

    check_id = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(choices=AdjudicationOutcomeChoices.choices)
    completed = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                help_text="When the provider finished (default: today).")
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="The nature of any record, time since, relevance to the job, what the "
                  "person said.")


class FinalDecisionForm(forms.Form):
    """The final decision of an adverse action, after its waiting period."""

    action_id = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(choices=[
        (AdverseStageChoices.UPHELD.value, AdverseStageChoices.UPHELD.label),
        (AdverseStageChoices.RESCINDED.value, AdverseStageChoices.RESCINDED.label),
    ])
    response = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}),
                               help_text="What the person said during the waiting period.")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))


class OnboardingForm(forms.Form):
    """Tick off or reopen a manual onboarding step."""

    item = forms.ChoiceField(choices=[(c.value, c.label) for c in OnboardingItemChoices
                                      if c not in AUTOMATIC_ITEMS])
    done = forms.BooleanField(required=False)
    note = forms.CharField(max_length=300, required=False)


class TerminateForm(forms.Form):
    """Confirm a termination by typing the person's id."""

    reason = forms.CharField(max_length=300)
    confirm = forms.CharField(max_length=100, label="Type the person's ID to confirm")

    def __init__(self, *args, person_code: str, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.person_code = person_code

    def clean_confirm(self) -> str:
        value = self.cleaned_data["confirm"].strip()
        if value != self.person_code:
            raise forms.ValidationError(f"type {self.person_code} to confirm")
        return value
