from typing import cast

from django import forms

from safeguarding.linkage.models import LinkDecisionKind

REASON_HINT = (
    "Say what in the records decided it, so that whoever reads it later can check: "
    "for example a different NHS number, or the same school and address."
)


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(
        choices=LinkDecisionKind.choices,
        widget=forms.RadioSelect,
        label="Are these two records the same young person?",
        error_messages={"required": "Choose whether these records are the same young person"},
    )
    reason = forms.CharField(
        widget=forms.Textarea,
        label="Why?",
        help_text=REASON_HINT,
        error_messages={"required": "Enter the reason for your decision"},
    )
    whole_group = forms.BooleanField(
        required=False,
        label="Decide every pair waiting between these two young people's records",
    )


class UnmergeForm(forms.Form):
    """Some of a person's records split off into a person of their own."""

    records = forms.TypedMultipleChoiceField(
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        label="Which records are not this young person?",
        help_text="The records you choose become a new person, together.",
        error_messages={
            "required": "Choose the records to split off",
            "invalid_choice": "Choose only this person's records",
        },
    )
    reason = forms.CharField(
        widget=forms.Textarea,
        label="Why are they not the same young person?",
        help_text=REASON_HINT,
        error_messages={"required": "Enter the reason for splitting these records off"},
    )

    def __init__(self, *args, record_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        records = cast(forms.TypedMultipleChoiceField, self.fields["records"])
        records.choices = [(pk, str(pk)) for pk in record_ids]


class MergeForm(forms.Form):
    other_person = forms.IntegerField(
        min_value=1,
        label="Hub id of the other person",
        help_text="Shown under the name on their page.",
        error_messages={
            "required": "Enter the Hub id of the person to merge with",
            "invalid": "Enter the Hub id as a number, like 1234",
            "min_value": "Enter the Hub id as a number, like 1234",
        },
    )
    reason = forms.CharField(
        widget=forms.Textarea,
        label="Why are they the same young person?",
        help_text=REASON_HINT,
        error_messages={"required": "Enter the reason for merging"},
    )
