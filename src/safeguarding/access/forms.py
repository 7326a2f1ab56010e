from django import forms

from safeguarding.access.models import AuditAction, AuditObject
from safeguarding.access.purpose import PURPOSES
from safeguarding.common.dates import DateField


class AuditFilterForm(forms.Form):
    username = forms.CharField(required=False, label="User")
    action = forms.ChoiceField(required=False, choices=[("", "Any action"), *AuditAction.choices])
    object_type = forms.ChoiceField(
        required=False,
        label="Record type",
        choices=[("", "Any record"), *sorted(AuditObject.choices, key=lambda c: c[1])],
    )
    object_id = forms.CharField(required=False, label="Record id")
    date_from = DateField(required=False, label="From")
    date_to = DateField(required=False, label="To")


class PurposeForm(forms.Form):
    purpose = forms.ChoiceField(
        choices=[*PURPOSES, ("other", "Another purpose")],
        widget=forms.RadioSelect,
        label="Why do you need to see this record?",
        help_text="Your answer is recorded with every record you open in this session. Only open "
        "records you need for this purpose.",
        error_messages={"required": "Choose why you need to see this record"},
    )
    other = forms.CharField(required=False, max_length=300, label="Describe the purpose")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("purpose") == "other" and not cleaned.get("other", "").strip():
            self.add_error("other", "Describe why you need to see this record")
        return cleaned

    @property
    def stated_purpose(self) -> str:
        if self.cleaned_data["purpose"] == "other":
            return self.cleaned_data["other"].strip()
        return dict(PURPOSES)[self.cleaned_data["purpose"]]
