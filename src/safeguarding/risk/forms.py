from django import forms

from safeguarding.common.dates import DateField
from safeguarding.risk.models import Level
from safeguarding.risk.queries import AGE_BANDS, SORTS, TrackerFilters


class TrackerFilterForm(forms.Form):
    """The tracker's filters; anything it cannot read is ignored rather than refused."""

    as_of = DateField(required=False)
    area = forms.CharField(required=False)
    school = forms.CharField(required=False)
    level = forms.ChoiceField(required=False, choices=[("", ""), *Level.choices])
    type = forms.CharField(required=False)
    age = forms.ChoiceField(
        required=False, choices=[("", ""), ("unknown", ""), *((k, k) for k in AGE_BANDS)]
    )
    agency = forms.CharField(required=False)
    new_since = DateField(required=False)
    sort = forms.ChoiceField(required=False, choices=[(k, k) for k in SORTS])

    def filters(self) -> TrackerFilters:
        data = self.cleaned_data if self.is_valid() else {}
        return TrackerFilters(
            area=data.get("area", ""),
            school=data.get("school", ""),
            level=data.get("level", ""),
            exploitation_type=data.get("type", ""),
            age_band=data.get("age", ""),
            agency=data.get("agency", ""),
            new_since=data.get("new_since"),
            sort=data.get("sort") or "score",
        )


class OverrideForm(forms.Form):
    level = forms.ChoiceField(
        choices=Level.choices,
        widget=forms.RadioSelect,
        label="What level of risk do you judge this young person to be at?",
        error_messages={"required": "Choose a level"},
    )
    reason = forms.CharField(
        widget=forms.Textarea,
        label="Why?",
        help_text="Say what you know that the score does not. The reason is shown with the level.",
        error_messages={"required": "Enter why you set this level"},
    )
    review_by = DateField(
        required=False,
        label="Review by (optional)",
        help_text="Reviews are usually due within 6 weeks to 3 months.",
    )


class EndOverrideForm(forms.Form):
    end_reason = forms.CharField(
        widget=forms.Textarea,
        label="Why does the override end?",
        error_messages={"required": "Enter why the override ends"},
    )
