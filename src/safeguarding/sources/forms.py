from django import forms


class UploadForm(forms.Form):
    feed = forms.ChoiceField(
        label="Which extract is it?",
        help_text=("The feed describes the agency's file: its columns, codes and date formats."),
    )
    file = forms.FileField(label="The file (CSV, XLSX or JSON)")

    def __init__(self, *args, feed_names: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        feed_field = self.fields["feed"]
        assert isinstance(feed_field, forms.ChoiceField)
        feed_field.choices = [("", "Choose a feed"), *feed_names]
