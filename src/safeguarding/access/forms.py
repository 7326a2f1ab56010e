from django import forms

from safeguarding.access.models import AuditAction


class AuditFilterForm(forms.Form):
    username = forms.CharField(required=False, label="User")
    action = forms.ChoiceField(required=False, choices=[("", "Any action"), *AuditAction.choices])
    object_type = forms.CharField(required=False, label="Record type")
    object_id = forms.CharField(required=False, label="Record id")
    date_from = forms.DateField(required=False, label="From (YYYY-MM-DD)")
    date_to = forms.DateField(required=False, label="To (YYYY-MM-DD)")
