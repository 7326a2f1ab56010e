"""The panel's forms: what the chair and members type, checked before the services act."""

from django import forms

from safeguarding.access.models import Agency, User
from safeguarding.common.dates import DateField
from safeguarding.contexts.models import Context, Stage
from safeguarding.panel.models import Attendance, DecisionKind, MeetingSeries


class PlanMeetingForm(forms.Form):
    series = forms.ModelChoiceField(
        queryset=MeetingSeries.objects.order_by("name"),
        label="Series",
        error_messages={"required": "Choose the series"},
    )
    held_on = DateField(
        required=False,
        label="Date (optional)",
        help_text="For example 19/12/2026. Empty: one interval after the series' last meeting.",
    )


class AddItemForm(forms.Form):
    person_id = forms.IntegerField(
        required=False, label="Young person's Hub id", help_text="As on their page and the tracker."
    )
    context = forms.ModelChoiceField(
        queryset=Context.objects.exclude(stage=Stage.CLOSED).order_by("name"),
        required=False,
        label="Or a context",
        empty_label="No context",
    )
    reason = forms.CharField(
        widget=forms.Textarea,
        label="Why is it on the agenda?",
        error_messages={"required": "Enter why it is on the agenda"},
    )
    lead_agency = forms.ModelChoiceField(
        queryset=Agency.objects.order_by("name"),
        required=False,
        label="Lead agency",
        empty_label="Not decided",
    )
    minutes_allotted = forms.IntegerField(
        min_value=1, max_value=120, initial=10, label="Minutes allotted"
    )
    voluntary_sector_invited = forms.BooleanField(
        required=False, label="Invite the voluntary-sector partner to this item"
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("person_id")) == bool(data.get("context")):
            raise forms.ValidationError(
                "Give a young person's Hub id or choose a context, not both."
            )
        return data


class MoveItemForm(forms.Form):
    """The chair moves an item up or down one place, or sets its number on the agenda."""

    item = forms.IntegerField(widget=forms.HiddenInput)
    direction = forms.ChoiceField(choices=[("up", "up"), ("down", "down")], required=False)
    position = forms.IntegerField(required=False, min_value=1, label="Number on the agenda")

    def clean(self):
        data = super().clean()
        if not data.get("direction") and not data.get("position"):
            raise forms.ValidationError("Move the item up or down, or give its number.")
        return data

    def move(self) -> dict:
        """The service's arguments: a number on the agenda, or one place up or down."""
        if self.cleaned_data.get("position"):
            return {"to": self.cleaned_data["position"]}
        return {"by": -1 if self.cleaned_data["direction"] == "up" else 1}


class EditItemForm(forms.Form):
    reason = forms.CharField(widget=forms.Textarea, label="Why is it on the agenda?")
    lead_agency = forms.ModelChoiceField(
        queryset=Agency.objects.order_by("name"),
        required=False,
        label="Lead agency",
        empty_label="Not decided",
    )
    minutes_allotted = forms.IntegerField(min_value=1, max_value=120, label="Minutes allotted")
    voluntary_sector_invited = forms.BooleanField(
        required=False, label="Invite the voluntary-sector partner to this item"
    )


class NotesForm(forms.Form):
    discussion = forms.CharField(
        widget=forms.Textarea,
        label="Discussion notes",
        help_text="In every partner's copy of the minutes (the voluntary sector's when invited).",
        error_messages={"required": "Enter the discussion notes"},
    )
    health_notes = forms.CharField(
        widget=forms.Textarea,
        required=False,
        label="Health information shared (optional)",
        help_text="Only in the copies for health and the statutory partners on the panel.",
    )


class DecisionForm(forms.Form):
    kind = forms.ChoiceField(
        choices=DecisionKind.choices,
        widget=forms.RadioSelect,
        label="Decision",
        error_messages={"required": "Choose the decision"},
    )
    reason = forms.CharField(
        widget=forms.Textarea,
        label="Reason for the decision",
        error_messages={"required": "Enter the reason"},
    )


class ActionForm(forms.Form):
    description = forms.CharField(
        widget=forms.Textarea, label="Action", error_messages={"required": "Enter the action"}
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.filter(
            is_active=True, groups__name__in=["panel_chair", "panel_member"]
        )
        .distinct()
        .select_related("agency")
        .order_by("last_name", "first_name"),
        label="Owner",
        error_messages={"required": "Choose who owns the action"},
    )
    due_on = DateField(
        label="Due by",
        help_text="For example 19/12/2026.",
        error_messages={"required": "Enter the date it is due"},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].label_from_instance = who


class CloseActionForm(forms.Form):
    action = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.CharField(
        widget=forms.Textarea, label="Outcome", error_messages={"required": "Enter the outcome"}
    )


class CloseMeetingForm(forms.Form):
    summary = forms.CharField(
        widget=forms.Textarea, required=False, label="Chair's summary for the minutes"
    )


def attendance_form(*, members, data=None, initial=None):
    """One radio group per member of the series: present, apologies or absent."""
    form = forms.Form(data=data, initial=initial or {})
    for member in members:
        form.fields[f"attendance_{member.pk}"] = forms.ChoiceField(
            choices=Attendance.choices,
            widget=forms.RadioSelect,
            required=False,
            label=who(member),
        )
    return form


def who(user) -> str:
    """A user as forms list them: their name and their agency."""
    agency = user.agency.name if user.agency_id else "no agency"
    return f"{user.get_full_name() or user.username} ({agency})"
