"""The forms of the contexts' pages: a referral, each workflow step, members and plan actions."""

from django import forms

from safeguarding.common.dates import DateField
from safeguarding.contexts.models import ContextKind, Partner, Stage, StepKind
from safeguarding.contexts.services import NEXT_STEPS
from safeguarding.contexts.triangles import RATINGS, WEIGHTINGS, triangle_for


class ReferralForm(forms.Form):
    kind = forms.ChoiceField(
        choices=ContextKind.choices,
        widget=forms.RadioSelect,
        label="What kind of context?",
        error_messages={"required": "Choose the kind of context"},
    )
    name = forms.CharField(
        label="Name",
        help_text="For example the park's or the school's name.",
        error_messages={"required": "Enter a name"},
    )
    reason = forms.CharField(
        widget=forms.Textarea,
        label="Why is it referred?",
        error_messages={"required": "Enter why it is referred"},
    )


class StepForm(forms.Form):
    """One step of the workflow; the assessment adds the triangle's sides for the context."""

    kind = forms.ChoiceField(
        choices=StepKind.choices,
        label="Step to record",
        error_messages={"required": "Choose the step", "invalid_choice": "Choose the step"},
    )
    occurred_on = DateField(
        required=False, label="Date (optional, today if empty)", help_text="For example 19/12/2026."
    )
    summary = forms.CharField(
        widget=forms.Textarea,
        label="What was found or decided",
        error_messages={"required": "Enter what was found or decided"},
    )
    review_due = DateField(
        required=False, label="Next review (plans and reviews)", help_text="For example 19/03/2027."
    )

    def __init__(self, *args, context, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (kind, StepKind(kind).label) for kind in NEXT_STEPS[Stage(context.stage)]
        ]
        self.sides = triangle_for(context.kind)
        for side in self.sides:
            self.fields[f"{side.key}_rating"] = forms.ChoiceField(
                choices=list(RATINGS.items()),
                widget=forms.RadioSelect,
                required=False,
                label=side.label,
                help_text=side.hint,
            )
            self.fields[f"{side.key}_notes"] = forms.CharField(
                widget=forms.Textarea,
                required=False,
                label=f"{side.label}: what the assessment found",
            )

    def details(self) -> dict:
        if self.cleaned_data["kind"] != StepKind.ASSESSMENT:
            return {}
        return {
            "triangle": {
                side.key: {
                    "rating": self.cleaned_data.get(f"{side.key}_rating", ""),
                    "notes": self.cleaned_data.get(f"{side.key}_notes", ""),
                }
                for side in self.sides
            }
        }


class MemberForm(forms.Form):
    person_id = forms.IntegerField(
        label="Young person's Hub id", error_messages={"required": "Enter a Hub id"}
    )
    source = forms.CharField(
        label="Where this comes from", error_messages={"required": "Say where this comes from"}
    )
    weighting = forms.TypedChoiceField(
        choices=[("", "Not weighed yet"), *WEIGHTINGS.items()],
        coerce=int,
        empty_value=None,
        required=False,
        label="Context weighting: how much this context matters for them",
    )
    weighting_reason = forms.CharField(
        widget=forms.Textarea, required=False, label="Why this weighting"
    )


class PlanActionForm(forms.Form):
    description = forms.CharField(
        widget=forms.Textarea, label="Action", error_messages={"required": "Enter the action"}
    )
    partner = forms.ChoiceField(choices=Partner.choices, label="Partner who owns it")
    due_on = DateField(
        label="Due by",
        help_text="For example 19/12/2026.",
        error_messages={"required": "Enter the date it is due"},
    )


class ClosePlanActionForm(forms.Form):
    action = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.CharField(
        widget=forms.Textarea, label="Outcome", error_messages={"required": "Enter the outcome"}
    )
