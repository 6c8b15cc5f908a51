"""The console's form for a new awareness campaign."""

from __future__ import annotations

from typing import Any

from django import forms

from .choices import AssignTrainingChoices
from .models import Campaign, LandingPage, MessageTemplate, SendingProfile, TrainingModule

__all__ = ["CampaignForm", "LandingPageForm", "LibraryDeleteForm", "MessageTemplateForm",
           "SendingProfileForm", "TrainingModuleForm"]


def _departments() -> list[tuple[str, str]]:
    from vaultdoor.people.models import Person

    names = (Person.objects.exclude(department="").order_by("department")
             .values_list("department", flat=True).distinct())
    return [("", "-"), *[(n, n) for n in names[:500]]]


def _roles() -> list[tuple[str, str]]:
    from vaultdoor.access.models import Role

    rows = Role.objects.order_by("code").values_list("code", "name").distinct()
    return [("", "-"), *[(code, f"{name or code} ({code})") for code, name in rows[:500]]]


class CampaignForm(forms.ModelForm):
    """A campaign with its targets (a department and/or a role); saved as a draft."""

    landing_url = forms.URLField(max_length=500, assume_scheme="https", label="Landing URL",
                                 help_text="Where a click leads when there is no hosted "
                                           "landing page.")
    department = forms.ChoiceField(required=False, label="Target department")
    role = forms.ChoiceField(required=False, label="Target role")
    people = forms.CharField(required=False, max_length=2000, label="Also these people",
                             help_text="Person codes, separated by commas or spaces.")

    class Meta:
        model = Campaign
        fields = ["name", "template", "subject", "from_address", "html_body", "landing_url",
                  "landing_page",
                  "profile", "smtp_host", "smtp_port", "per_minute", "track_opens",
                  "training_module", "assign_training"]
        labels = {"html_body": "Message (HTML)",
                  "profile": "Sending profile", "smtp_host": "SMTP host (without a profile)",
                  "smtp_port": "SMTP port (without a profile)",
                  "per_minute": "Messages a minute", "track_opens": "Track opens (image)",
                  "training_module": "Training module", "assign_training": "Assign training to"}
        help_texts = {"html_body": "{{ link }} is the tracked link, {{ name }} the person's name.",
                      "training_module": "Empty: the built-in phishing basics module.",
                      "landing_page": "Hosted here, submissions tracked; empty: a click leads "
                                      "to the landing URL.",
                      "profile": "Empty: plain SMTP to the host and port below.",
                      "template": "Its subject, sender and message are used where those "
                                  "fields are left empty.",
                      "per_minute": "The sending pace (1 to 6000)."}
        widgets = {"html_body": forms.Textarea(attrs={"rows": 8})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = _departments()
        self.fields["role"].choices = _roles()
        self.fields["template"].queryset = MessageTemplate.objects.order_by("name")
        for name in ("subject", "from_address", "html_body"):
            self.fields[name].required = False
        self.fields["landing_page"].queryset = LandingPage.objects.order_by("name")
        self.fields["profile"].queryset = SendingProfile.objects.order_by("name")
        self.fields["training_module"].queryset = TrainingModule.objects.order_by("title")
        self.fields["assign_training"].initial = AssignTrainingChoices.CLICKED
        self.fields["per_minute"].min_value = 1
        self.fields["per_minute"].widget.attrs.update(min=1, max=6000)

    def clean_per_minute(self) -> int:
        value = self.cleaned_data["per_minute"]
        if not 1 <= value <= 6000:
            raise forms.ValidationError("Between 1 and 6000 a minute.")
        return value


    def clean_people(self) -> list[str]:
        from vaultdoor.people.models import Person

        codes = sorted({c for c in self.cleaned_data["people"].replace(",", " ").split() if c})
        known = set(Person.objects.filter(code__in=codes).values_list("code", flat=True))
        missing = [c for c in codes if c not in known]
        if missing:
            raise forms.ValidationError(f"No person with the code {', '.join(missing[:10])}.")
        return codes

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        template = data.get("template")
        for name in ("subject", "from_address", "html_body"):
            if not data.get(name):
                if template is not None:
                    data[name] = getattr(template, name)
                    setattr(self.instance, name, data[name])
                else:
                    self.add_error(name, "Required (or choose a template).")
        if data.get("html_body") and "{{ link }}" not in data["html_body"]:
            self.add_error("html_body", "The message needs {{ link }}, the tracked link.")
        if not (data.get("department") or data.get("role") or data.get("people")):
            raise forms.ValidationError("Choose a department, a role or people to target.")
        return data


class MessageTemplateForm(forms.ModelForm):
    """A message template (the rules: `library.check_message_template`, run by the model)."""

    class Meta:
        model = MessageTemplate
        fields = ["name", "subject", "from_address", "html_body"]
        labels = {"from_address": "From", "html_body": "Message (HTML)"}
        help_texts = {"html_body": "{{ link }} is the tracked link, {{ name }} the person's "
                                   "name. A campaign copies the template when it is made."}
        widgets = {"html_body": forms.Textarea(attrs={"rows": 14, "spellcheck": "false"})}


class LandingPageForm(forms.ModelForm):
    """A hosted landing page: plain-text labels, never an input that posts what is typed
    (`library.check_landing_page`, run by the model)."""

    class Meta:
        model = LandingPage
        fields = ["name", "title", "intro", "fields", "button"]
        labels = {"fields": "Input labels", "button": "Button text"}
        help_texts = {"fields": "One label a line, at most 6; a label with 'password' in it "
                                "is a password input. What people type is never sent: the "
                                "page records only that the form was submitted.",
                      "intro": "Plain text above the form; a blank line starts a paragraph."}
        widgets = {"fields": forms.Textarea(attrs={"rows": 4}),
                   "intro": forms.Textarea(attrs={"rows": 3})}


class TrainingModuleForm(forms.ModelForm):
    """A training module: plain text, shown escaped in the portal
    (`library.check_training_module`, run by the model)."""

    class Meta:
        model = TrainingModule
        fields = ["code", "title", "summary", "minutes", "body"]
        labels = {"body": "Text"}
        help_texts = {"code": "Lowercase letters, digits and dashes (how the CLI names it).",
                      "body": "Plain text; a blank line starts a paragraph. Never HTML."}
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}


class SendingProfileForm(forms.ModelForm):
    """An SMTP server campaigns are sent through. The password is never entered: the profile
    names a `file:` reference, which from the console must be inside the data directory's
    `smtp-passwords/` (`library.check_password_confined`); the model checks the rest."""

    class Meta:
        model = SendingProfile
        fields = ["name", "host", "port", "security", "username", "password_file", "ca_file"]
        labels = {"password_file": "Password file", "ca_file": "CA bundle"}
        widgets = {"password_file": forms.TextInput(attrs={"autocomplete": "off",
                                                           "spellcheck": "false"})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The data directory's path is not shown (no server paths on pages): the operator
        # who put the file there knows it.
        self.fields["password_file"].help_text = (
            "file:/path of a file in the data directory's smtp-passwords/ folder that holds "
            "the password (the operator puts it there). Never the password itself: it is not "
            "stored.")
        self.fields["port"].widget.attrs.update(min=1, max=65535)

    def clean_password_file(self) -> str:
        from .library import check_password_confined

        value = self.cleaned_data["password_file"].strip()
        if value.startswith("file:"):
            try:
                check_password_confined(value)
            except forms.ValidationError as exc:
                raise forms.ValidationError(exc.message_dict["password_file"]) from exc
        return value


class LibraryDeleteForm(forms.Form):
    """Why a template, landing page, training module or sending profile is deleted (kept in
    the audit log, as the console's other confirmed actions keep theirs)."""

    reason = forms.CharField(max_length=300, min_length=5,
                             help_text="Why, e.g. 'replaced by the 2027 payroll lure'.")
