from django import forms


class SecurityCodeForm(forms.Form):
    code = forms.CharField(
        max_length=40,
        label="Security code",
        error_messages={"required": "Enter the security code"},
    )

    def __init__(self, *args, help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = help_text
