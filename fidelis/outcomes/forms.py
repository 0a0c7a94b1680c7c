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
