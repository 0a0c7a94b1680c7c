from pathlib import Path

from django import forms

from fidelis.forms import DateInput, Form
from fidelis.outcomes.models import Direction, Measure


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


class MeasureKind:
    VALUE = "value"
    RATE = "rate"
    QUESTIONNAIRE = "questionnaire"
    CHOICES = (
        (VALUE, "A value each month (a mean, a count, a score)"),
        (RATE, "A rate: a numerator over a denominator (so many of so many)"),
        (QUESTIONNAIRE, "A questionnaire's mean total, from each return's answers"),
    )


class MeasureForm(Form):
    """A measure's definition, as the lead writes it."""

    name = forms.CharField(
        label="Name",
        max_length=200,
        error_messages={"required": "Give the measure a name."},
    )
    key = forms.SlugField(
        label="Key",
        max_length=50,
        help_text="How import files name it: lower-case letters, digits and hyphens, such as "
        "assessed-4h.",
        error_messages={
            "required": "Give the measure a key for import files.",
            "invalid": "The key may hold lower-case letters, digits and hyphens only.",
        },
    )
    unit = forms.CharField(
        label="Unit",
        max_length=60,
        help_text="How a value reads: %, days, points, per 100.",
        error_messages={"required": "Give the unit a value is read in."},
    )
    description = forms.CharField(
        label="What it counts (optional)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Shown above the measure's chart: what is counted, over which month.",
    )
    direction = forms.ChoiceField(
        label="Which way is better",
        choices=Direction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say which way is better for this measure."},
    )
    target = forms.FloatField(
        label="Target (optional)",
        required=False,
        help_text="Each chart then says whether the process will meet it.",
        error_messages={"invalid": "The target must be a number, such as 90."},
    )
    kind = forms.ChoiceField(
        label="What each month's value is",
        choices=MeasureKind.CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Say what each month's value is."},
    )
    rate_scale = forms.FloatField(
        label="For a rate: multiply by",
        required=False,
        min_value=0.000001,
        help_text="100 for a share in per cent or a rate per 100.",
        error_messages={"invalid": "Give a number, such as 100."},
    )
    response_items = forms.IntegerField(
        label="For a questionnaire: how many items",
        required=False,
        min_value=1,
        max_value=40,
        error_messages={"invalid": "Give a whole number of items, such as 8."},
    )
    item_low = forms.IntegerField(
        label="Each item's lowest answer", required=False, min_value=0, max_value=10
    )
    item_high = forms.IntegerField(
        label="Each item's highest answer", required=False, min_value=1, max_value=10
    )

    @classmethod
    def initial_for(cls, measure: Measure | None) -> dict:
        if measure is None:
            return {
                "kind": MeasureKind.VALUE,
                "rate_scale": 100,
                "item_low": 1,
                "item_high": 4,
            }
        kind = (
            MeasureKind.RATE
            if measure.is_rate
            else MeasureKind.QUESTIONNAIRE
            if measure.response_items
            else MeasureKind.VALUE
        )
        return {
            "name": measure.name,
            "key": measure.key,
            "unit": measure.unit,
            "description": measure.description,
            "direction": measure.direction,
            "target": measure.target,
            "kind": kind,
            "rate_scale": measure.rate_scale,
            "response_items": measure.response_items or None,
            "item_low": measure.item_low,
            "item_high": measure.item_high,
        }

    def definition(self) -> dict:
        """The fields of Measure from the cleaned data."""
        data = self.cleaned_data
        kind = data["kind"]
        return {
            "name": data["name"].strip(),
            "key": data["key"],
            "unit": data["unit"].strip(),
            "description": (data.get("description") or "").strip(),
            "direction": data["direction"],
            "target": data.get("target"),
            "is_rate": kind == MeasureKind.RATE,
            "rate_scale": data.get("rate_scale") or 100,
            "response_items": (data.get("response_items") or 0)
            if kind == MeasureKind.QUESTIONNAIRE
            else 0,
            "item_low": data.get("item_low") if data.get("item_low") is not None else 1,
            "item_high": data.get("item_high") if data.get("item_high") is not None else 4,
        }
