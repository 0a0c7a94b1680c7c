import datetime

from django import forms

from fidelis.forms import DateInput, Form
from fidelis.programmes.models import Team
from fidelis.resources.models import Audience, Frequency, Kind
from fidelis.uploads import allowed_extensions, max_bytes, size_text


class ResourceForm(Form):
    """A resource for the library: the lead's own, or one a team shares."""

    team = forms.ModelChoiceField(
        queryset=None, label="Shared by", required=False, empty_label="Choose your team"
    )
    title = forms.CharField(label="Title", required=False, help_text="Up to 120 characters.")
    use_when = forms.CharField(
        label="Use this when",
        required=False,
        help_text='One line: when a busy person should pick it up, such as "When your '
        'referrals wait more than four hours for a first contact".',
    )
    kind = forms.ChoiceField(
        label="What kind of resource is it?",
        choices=Kind.choices,
        widget=forms.RadioSelect,
        initial=Kind.GUIDE,
    )
    audience = forms.ChoiceField(
        label="Who is it for?",
        choices=Audience.choices,
        widget=forms.RadioSelect,
        initial=Audience.STAFF,
    )
    body = forms.CharField(
        label="The resource",
        widget=forms.Textarea(attrs={"rows": 10}),
        required=False,
        help_text="Write it here (a blank line starts a new paragraph; a line starting with "
        '"- " is a list item), or attach its file below. Never include anything that could '
        "identify a patient.",
    )
    url = forms.URLField(
        label="Web address",
        required=False,
        assume_scheme="https",
        help_text="For a link or a video: where it is.",
        error_messages={"invalid": "Give the full address, such as https://www.example.org/page."},
    )
    file = forms.FileField(label="Attach a file", required=False)
    items = forms.ModelMultipleChoiceField(
        queryset=None,
        label="The items it helps with",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="It is shown beside these items wherever their work is done: the item's "
        "page, the review report, the team's dashboard and the plan's goals.",
    )
    sections = forms.ModelMultipleChoiceField(
        queryset=None,
        label="Or whole sections",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    review_due = forms.DateField(
        label="Review it by",
        widget=DateInput(),
        required=False,
        help_text="When someone should check it is still right. The library lists resources "
        "past this date for the lead.",
    )
    show_team_name = forms.BooleanField(
        label="Show the team's name with it",
        required=False,
        help_text="Leave unticked to share it as from a team in the programme.",
    )

    def __init__(self, *args, items, sections, teams=None, sharing=False, has_file=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].queryset = items
        self.fields["items"].label_from_instance = lambda i: f"{i.number}. {i.title}"
        self.fields["sections"].queryset = sections
        self.fields["sections"].label_from_instance = lambda s: f"{s.number}. {s.title}"
        types = ", ".join(e.lstrip(".").upper() for e in allowed_extensions())
        self.fields["file"].help_text = (
            f"{types}, up to {size_text(max_bytes())}."
            + (" Attaching a file replaces the one kept." if has_file else "")
            + " If the form shows a problem, choose the file again."
        )
        if not sharing:
            del self.fields["show_team_name"]
        if teams is None or len(teams) < 2:
            del self.fields["team"]
        else:
            self.fields["team"].queryset = Team.objects.filter(
                pk__in=[t.pk for t in teams]
            ).order_by("name", "pk")
            self.fields["team"].label_from_instance = lambda t: t.name

    def clean_review_due(self):
        due = self.cleaned_data.get("review_due")
        if due and due < datetime.date.today() and due != self.initial.get("review_due"):
            raise forms.ValidationError(
                "Give a review date from today on: when should someone next check it?"
            )
        return due

    def clean_team(self):
        team = self.cleaned_data.get("team")
        if "team" in self.fields and team is None:
            raise forms.ValidationError("Choose the team sharing it.")
        return team


class DeclineForm(Form):
    decline_reason = forms.CharField(
        label="Why it is not approved",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="The team sees this and can change the resource and share it again.",
    )


class LibrarySearchForm(Form):
    q = forms.CharField(label="Search the library", required=False)
    item = forms.TypedChoiceField(label="Item", required=False, coerce=int, empty_value=None)
    section = forms.TypedChoiceField(label="Section", required=False, coerce=int, empty_value=None)
    kind = forms.ChoiceField(label="Kind", required=False)
    audience = forms.ChoiceField(label="For", required=False)

    def __init__(self, *args, items, sections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = [("", "Any section")] + [
            (s.number, f"{s.number}. {s.title}") for s in sections
        ]
        self.fields["item"].choices = [("", "Any item")] + [
            (i.number, f"{i.number}. {i.title}") for i in items
        ]
        self.fields["kind"].choices = [("", "Any kind"), *Kind.choices]
        self.fields["audience"].choices = [("", "Anyone"), *Audience.choices]


class ReminderSettingsForm(Form):
    frequency = forms.ChoiceField(
        label="How often should Fidelis email you a digest of your reminders?",
        choices=Frequency.choices,
        widget=forms.RadioSelect,
        help_text="The digest lists actions due or overdue, reviews coming and ratings "
        "waiting, plans awaiting your sign-off, and meetings and events. Notifications in "
        "Fidelis itself are shown whatever you choose.",
    )
