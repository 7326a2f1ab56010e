"""The public reporting form and the analysts' triage forms.

The public form is the only thing on the public side: it reads nothing of the partnership's
records. Every text is limited in size and stripped of control characters; nothing is uploaded."""

import re
import unicodedata
from collections.abc import Callable

from django import forms

from safeguarding.common.dates import DateField
from safeguarding.common.identifiers import normalise_postcode
from safeguarding.concerns.area import Bounds
from safeguarding.concerns.indicators import Sector
from safeguarding.concerns.models import Outcome, PartnerOrganisation
from safeguarding.people.enumerations import InvolvementRole

MAX_LIST_ITEMS = 10
TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
LINK_ROLES = [
    (InvolvementRole.SUBJECT, "The young person the report is about"),
    (InvolvementRole.VICTIM, "Victim"),
    (InvolvementRole.SUSPECT, "Suspect (an adult of concern)"),
    (InvolvementRole.WITNESS, "Witness"),
]


def plain_text(value: str) -> str:
    """Text without control characters (PostgreSQL refuses NUL), keeping line breaks."""
    return "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()


class PlainCharField(forms.CharField):
    def to_python(self, value):
        return plain_text(super().to_python(value) or "")


def _listed(text: str, *, what: str) -> list[str]:
    items = [item.strip() for item in re.split(r"[,;\n]+", text) if item.strip()]
    if len(items) > MAX_LIST_ITEMS:
        raise forms.ValidationError(f"Give at most {MAX_LIST_ITEMS} {what}")
    return items


class SectorForm(forms.Form):
    sector = forms.ChoiceField(
        label="Who are you?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select who you are, or 'Other'"},
    )

    def __init__(self, *args, sectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [(s.id, s.name) for s in sectors]  # type: ignore[attr-defined]


class ReportForm(forms.Form):
    """What someone saw. Only what they saw is required: the rest they may not know."""

    indicators = forms.MultipleChoiceField(
        label="What did you see?",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select all that apply.",
    )
    what_happened = PlainCharField(
        label="Tell us what you saw",
        required=False,
        max_length=4000,
        widget=forms.Textarea,
        help_text="In your own words. Do not worry about spelling.",
    )
    danger_now = forms.ChoiceField(
        label="Is a child in danger right now?",
        choices=[("yes", "Yes"), ("no", "No"), ("unsure", "I'm not sure")],
        widget=forms.RadioSelect,
        required=False,
    )
    seen_on = DateField(
        label="Date", required=False, help_text="For example, 27/3/2026. Leave empty if unsure."
    )
    seen_time = PlainCharField(
        label="Time", required=False, max_length=5, help_text="For example, 21:30"
    )
    postcode = PlainCharField(label="Postcode", required=False, max_length=10)
    address = PlainCharField(
        label="Address or place",
        required=False,
        max_length=300,
        help_text="For example, a hotel's name and room number, or a street",
    )
    # The point picked on the map (set by the page's script; without it the form takes a postcode
    # or an address as before).
    latitude = forms.FloatField(
        required=False, widget=forms.HiddenInput, min_value=-90, max_value=90
    )
    longitude = forms.FloatField(
        required=False, widget=forms.HiddenInput, min_value=-180, max_value=180
    )
    people_described = PlainCharField(
        label="Who was involved?",
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        help_text=(
            "Describe each person: roughly how old, what they looked like, names if you know them."
        ),
    )
    vehicles = PlainCharField(
        label="Vehicle registrations",
        required=False,
        max_length=300,
        help_text="Separate several with commas",
    )
    phones = PlainCharField(label="Phone numbers", required=False, max_length=300)
    handles = PlainCharField(
        label="Social media names",
        required=False,
        max_length=300,
        help_text="For example, @name on Snapchat",
    )
    organisation_code = PlainCharField(
        label="Organisation code (if you have one)",
        required=False,
        max_length=40,
        help_text="Registered partners are given a code, for example by their taxi firm",
    )
    contact_me = forms.ChoiceField(
        label="Can we contact you about this?",
        choices=[("no", "No, I want to stay anonymous"), ("yes", "Yes")],
        widget=forms.RadioSelect,
        required=False,
    )
    reporter_name = PlainCharField(label="Your name", required=False, max_length=200)
    reporter_contact = PlainCharField(
        label="Phone number or email address", required=False, max_length=200
    )
    # The honeypot: hidden from people (and screen readers); a form that fills it is a robot's.
    website = forms.CharField(required=False, max_length=200)

    def __init__(
        self, *args, sector: Sector, bounds: Callable[[], Bounds | None] = lambda: None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.sector = sector
        self.bounds = bounds
        choices = [(i.id, i.text) for i in sector.indicators]
        self.fields["indicators"].choices = choices  # type: ignore[attr-defined]

    def clean_seen_time(self):
        text = self.cleaned_data["seen_time"]
        if text and not TIME.match(text):
            raise forms.ValidationError("Enter a time like 21:30")
        return text

    def clean_postcode(self):
        text = self.cleaned_data["postcode"]
        if not text:
            return ""
        postcode = normalise_postcode(text)
        if postcode is None:
            raise forms.ValidationError("Enter a real postcode, like SN1 2AB, or leave it empty")
        return postcode

    def clean_vehicles(self):
        items = _listed(self.cleaned_data["vehicles"], what="vehicles")
        return [re.sub(r"[^A-Z0-9]", "", item.upper())[:20] for item in items]

    def clean_phones(self):
        items = _listed(self.cleaned_data["phones"], what="phone numbers")
        numbers = [re.sub(r"[^0-9+]", "", item) for item in items]
        return [("0" + n[3:] if n.startswith("+44") else n)[:20] for n in numbers if n]

    def clean_handles(self):
        items = _listed(self.cleaned_data["handles"], what="names")
        return [item.lstrip("@").lower()[:60] for item in items]

    def clean(self):
        data = super().clean()
        if not data.get("indicators") and not data.get("what_happened"):
            raise forms.ValidationError(
                "Select what you saw, or tell us in your own words", code="nothing_seen"
            )
        if data.get("contact_me") == "yes" and not data.get("reporter_contact"):
            self.add_error("reporter_contact", "Enter a phone number or email, or choose 'No'")
        self._check_point(data)
        return data

    def _check_point(self, data: dict) -> None:
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if latitude is None and longitude is None:
            return
        if latitude is None or longitude is None:
            inside = False  # half a point
        else:
            bounds = self.bounds()
            inside = bounds is not None and bounds.holds(latitude=latitude, longitude=longitude)
        if not inside:
            self.add_error(
                "latitude",
                "The point you picked on the map is outside the partnership's area: pick "
                "another, or give a postcode or address",
            )

    def answers(self) -> dict:
        """The cleaned answers as plain JSON, the form's record of what was sent."""
        data = dict(self.cleaned_data)
        data.pop("website", None)
        data["seen_on"] = data["seen_on"].isoformat() if data.get("seen_on") else ""
        for axis in ("latitude", "longitude"):
            data[axis] = round(data[axis], 5) if data.get(axis) is not None else None
        if data.get("contact_me") != "yes":
            data["reporter_name"] = data["reporter_contact"] = ""
        data["sector"] = self.sector.id
        return data


class AssignForm(forms.Form):
    assigned_to = forms.ChoiceField(label="Assign to")

    def __init__(self, *args, users, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assigned_to"].choices = [  # type: ignore[attr-defined]
            (str(user.pk), user.get_full_name() or user.username) for user in users
        ]


class LinkPersonForm(forms.Form):
    person = forms.IntegerField(min_value=1)
    role = forms.ChoiceField(choices=LINK_ROLES, label="As")


class PlaceForm(forms.Form):
    postcode = PlainCharField(label="Postcode", max_length=10)
    address = PlainCharField(label="Address or place", required=False, max_length=300)

    def clean_postcode(self):
        postcode = normalise_postcode(self.cleaned_data["postcode"])
        if postcode is None:
            raise forms.ValidationError("Enter a real postcode, like SN1 2AB")
        return postcode


class ObjectForm(forms.Form):
    kind = forms.ChoiceField(
        choices=[
            ("vehicle", "Vehicle"),
            ("phone", "Phone number"),
            ("social_media_handle", "Social media handle"),
        ]
    )
    value = PlainCharField(max_length=100, label="Registration, number or handle")


class MergeForm(forms.Form):
    duplicate = PlainCharField(max_length=12, label="Reference of the duplicate")


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(choices=Outcome.choices, widget=forms.RadioSelect, label="Outcome")
    reason = PlainCharField(max_length=2000, widget=forms.Textarea, label="Reason")


class FeedbackForm(forms.Form):
    feedback = PlainCharField(
        max_length=1000, widget=forms.Textarea, label="What the reporter is told"
    )


class PartnerOrganisationForm(forms.ModelForm):
    """A partner organisation as staff register it: its code is what the partner enters on the
    public form so that its reports carry its name."""

    sector = forms.ChoiceField(label="Sector")

    class Meta:
        model = PartnerOrganisation
        fields = ["name", "sector", "code", "contact_name", "contact_email", "contact_phone"]
        labels = {
            "name": "Name",
            "code": "Code",
            "contact_name": "Contact's name",
            "contact_email": "Contact's email address",
            "contact_phone": "Contact's phone number",
        }

    def __init__(self, *args, sectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sector"].choices = [(s.id, s.name) for s in sectors]  # type: ignore[attr-defined]
        self.fields["code"].help_text = (
            "Letters, numbers and hyphens, for example town-cars. Give it to the partner to "
            "enter on the form."
        )

    def clean_name(self):
        return plain_text(self.cleaned_data["name"])

    def clean_code(self):
        return self.cleaned_data["code"].lower()
