from pathlib import Path

from django import forms

from fidelis.forms import DateInput, Form


class RebaseForm(Form):
    period = forms.DateField(
        label="Start again from the month of",
        widget=DateInput(),
        help_text="Any day in the month: the chart's new group starts with that month.",
        error_messages={"required": "Give the month the chart starts again from."},
    )
    reason = forms.CharField(
        label="What changed in the service",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Everyone reading the chart sees it, with your name.",
        error_messages={"required": "Say what changed in the service from this month."},
    )


#: The largest file of values the import page takes (a year of every measure for 1,000
#: teams is about 3 MB as CSV).
MAX_IMPORT_BYTES = 20 * 1024 * 1024


class ImportForm(Form):
    file = forms.FileField(
        label="The file of monthly values",
        help_text="CSV (UTF-8) or Excel (.xlsx), up to 20 MB.",
        widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"}),
        error_messages={
            "required": "Choose the file of monthly values to import.",
            "empty": "The file chosen is empty.",
        },
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in (".csv", ".xlsx"):
            raise forms.ValidationError(
                "The file must be a CSV file (.csv) or an Excel workbook (.xlsx)."
            )
        if upload.size > MAX_IMPORT_BYTES:
            raise forms.ValidationError(
                "The file is larger than 20 MB: split it by month or by team."
            )
        return upload
