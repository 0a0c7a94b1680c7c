from django import forms

from fidelis.forms import DateInput, Form, TimeInput
from fidelis.support.actions import MAX_MINUTES
from fidelis.support.models import Mode, Participant
from fidelis.uploads import allowed_extensions, max_bytes, size_text


class FollowUpForm(Form):
    """A follow-up of a contact, which becomes an action of the team's plan."""

    FOLLOW_UP_FIELDS = (
        "follow_up",
        "follow_up_goal",
        "follow_up_owner",
        "follow_up_due",
        "follow_up_hours",
    )

    follow_up = forms.CharField(
        label="Follow-up action",
        required=False,
        help_text="It becomes an action of the plan, with its owner.",
    )
    follow_up_goal = forms.ModelChoiceField(
        queryset=None, label="For the goal", required=False, empty_label="Choose a goal"
    )
    follow_up_owner = forms.ModelChoiceField(
        queryset=None, label="Owner", required=False, empty_label="Choose who will do it"
    )
    follow_up_due = forms.DateField(label="Due", widget=DateInput(), required=False)
    follow_up_hours = forms.DecimalField(
        label="Estimated staff hours",
        max_digits=6,
        decimal_places=1,
        required=False,
        error_messages={"invalid": "Give the hours as a number, such as 6 or 2.5."},
    )

    def __init__(self, *args, goals, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["follow_up_goal"].queryset = goals
        self.fields["follow_up_goal"].label_from_instance = lambda g: g.title
        self.fields["follow_up_owner"].queryset = people
        self.fields["follow_up_owner"].label_from_instance = lambda u: u.display_name

    def follow_up_data(self) -> dict:
        data = self.cleaned_data
        return {
            "title": data.get("follow_up") or "",
            "goal": data.get("follow_up_goal"),
            "owner": data.get("follow_up_owner"),
            "due_on": data.get("follow_up_due"),
            "hours": data.get("follow_up_hours"),
        }


class ContactForm(FollowUpForm):
    """A contact on one screen, quick to fill in on a phone after a visit."""

    happened_on = forms.DateField(label="Date", widget=DateInput(), required=False)
    mode = forms.ChoiceField(
        label="How", choices=Mode.choices, widget=forms.RadioSelect, required=False
    )
    minutes = forms.IntegerField(
        label="Time taken, in minutes",
        required=False,
        min_value=1,
        max_value=MAX_MINUTES,
        help_text="The time spent with the team: 60 for an hour, 90 for an hour and a half.",
        error_messages={
            "invalid": "Give the minutes as a whole number, such as 90.",
            "min_value": f"Give the minutes as a whole number from 1 to {MAX_MINUTES:,}.",
            "max_value": f"Give the minutes as a whole number from 1 to {MAX_MINUTES:,}.",
        },
    )
    took_part = forms.MultipleChoiceField(
        label="Who took part",
        choices=Participant.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="By role only: never a name of a patient or their details.",
    )
    goals = forms.ModelMultipleChoiceField(
        queryset=None,
        label="Plan goals discussed",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    items = forms.ModelMultipleChoiceField(
        queryset=None,
        label="Scale items discussed",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Besides those of the goals.",
    )
    notes = forms.CharField(
        label="Notes",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="What was discussed and agreed. The team reads these notes; no patient details.",
    )
    field_order = (
        "happened_on",
        "mode",
        "minutes",
        "took_part",
        "goals",
        "items",
        "notes",
    )

    def __init__(self, *args, goals, items, people, follow_up: bool = True, **kwargs):
        super().__init__(*args, goals=goals, people=people, **kwargs)
        self.fields["goals"].queryset = goals
        self.fields["goals"].label_from_instance = lambda g: g.title
        self.fields["items"].queryset = items
        self.fields["items"].label_from_instance = lambda i: f"{i.number}. {i.title}"
        if not goals.exists():
            del self.fields["goals"]
        if not follow_up or "goals" not in self.fields:
            for name in self.FOLLOW_UP_FIELDS:
                del self.fields[name]

    def follow_up_data(self) -> dict | None:
        if "follow_up" not in self.fields:
            return None
        return super().follow_up_data()


class SupportSettingsForm(Form):
    weekly_sessions = forms.DecimalField(
        label="Sessions a week for each team",
        max_digits=3,
        decimal_places=1,
        required=False,
        help_text="The programme we follow offered about one session a week.",
        error_messages={"invalid": "Give the sessions as a number, such as 1 or 0.5."},
    )
    session_hours = forms.DecimalField(
        label="Hours in a session",
        max_digits=3,
        decimal_places=1,
        required=False,
        error_messages={"invalid": "Give the hours as a number, such as 2 or 1.5."},
    )


class MeetingForm(FollowUpForm):
    """A meeting's minutes on one page: for one kind of meeting, chosen before."""

    held_on = forms.DateField(
        label="Date",
        widget=DateInput(),
        required=False,
        help_text="A meeting to come can be recorded ahead, and its minutes added after.",
    )
    goal = forms.ModelChoiceField(
        queryset=None,
        label="The working group of the goal",
        required=False,
        empty_label="Choose a goal",
    )
    attendees = forms.ModelMultipleChoiceField(
        queryset=None,
        label="Who came",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    others = forms.CharField(
        label="Others who came",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="People without an account, such as a service user representative: a name "
        "and role each.",
    )
    agenda = forms.CharField(
        label="Agenda", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    priorities = forms.ModelMultipleChoiceField(
        queryset=None,
        label="Items chosen as priorities",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Offered first when the team starts its plan.",
    )
    decisions = forms.CharField(
        label="Decisions",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text="What the meeting decided. Everyone in the team reads these minutes; "
        "no patient details.",
    )

    field_order = ("held_on", "goal", "attendees", "others", "agenda", "priorities", "decisions")

    def __init__(self, *args, kind, goals, people, items, follow_up: bool = True, **kwargs):
        super().__init__(*args, goals=goals, people=people, **kwargs)
        self.fields["goal"].queryset = goals
        self.fields["goal"].label_from_instance = lambda g: g.title
        self.fields["attendees"].queryset = people
        self.fields["attendees"].label_from_instance = lambda u: u.display_name
        self.fields["priorities"].queryset = items
        self.fields["priorities"].label_from_instance = lambda i: f"{i.number}. {i.title}"
        if kind != "working_group":
            del self.fields["goal"]
        if kind != "scoping":
            del self.fields["priorities"]
        if not follow_up or not goals.exists():
            for name in self.FOLLOW_UP_FIELDS:
                del self.fields[name]
        else:
            self.fields["follow_up"].label = "An action agreed"
            self.fields[
                "follow_up"
            ].help_text = "Leave blank for none. It becomes an action of the plan, with its owner."

    def follow_up_data(self) -> dict | None:
        if "follow_up" not in self.fields:
            return None
        return super().follow_up_data()


class EventForm(Form):
    title = forms.CharField(label="Title", required=False)
    day = forms.DateField(label="Date", widget=DateInput(), required=False)
    starts = forms.TimeField(label="Starts", widget=TimeInput(), required=False)
    ends = forms.TimeField(label="Ends", widget=TimeInput(), required=False)
    place = forms.CharField(label="Place", required=False, help_text="Leave blank if online only.")
    online_link = forms.URLField(
        label="Online link",
        required=False,
        assume_scheme="https",
        help_text="The address to join online, if any.",
        error_messages={"invalid": "Give the full address, such as https://meet.example.org/abc."},
    )
    agenda = forms.CharField(
        label="Agenda", widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    invited_roles = forms.MultipleChoiceField(
        label="Who is invited",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    organisations = forms.ModelMultipleChoiceField(
        queryset=None,
        label="Only these organisations",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Leave all unticked to invite every organisation's people.",
    )
    capacity = forms.IntegerField(
        label="Places",
        required=False,
        min_value=1,
        help_text="The most people who may register; blank for no limit.",
        error_messages={
            "invalid": "Give the number of places as a whole number, 1 or more.",
            "min_value": "Give the number of places as a whole number, 1 or more.",
        },
    )
    topics = forms.ModelMultipleChoiceField(
        queryset=None,
        label="Topics: the scale items it covers",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    notes = forms.CharField(
        label="Notes for everyone invited",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="What was shared and agreed, for those who came and those who could not.",
    )

    def __init__(self, *args, roles, organisations, items, with_notes: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invited_roles"].choices = roles
        self.fields["organisations"].queryset = organisations
        self.fields["organisations"].label_from_instance = lambda o: o.name
        self.fields["topics"].queryset = items
        self.fields["topics"].label_from_instance = lambda i: f"{i.number}. {i.title}"
        if not with_notes:
            del self.fields["notes"]


class AttendeeForm(Form):
    who = forms.CharField(
        label="Someone who came without registering",
        required=False,
        help_text="Their username or email address. Only people invited can be added.",
    )


class EventFileForm(Form):
    file = forms.FileField(label="Share a file", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        types = ", ".join(e.lstrip(".").upper() for e in allowed_extensions())
        self.fields["file"].help_text = (
            f"Slides, notes or a handout for everyone invited: {types}, up to "
            f"{size_text(max_bytes())}."
        )
