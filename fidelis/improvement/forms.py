"""The plan's forms. They read and tidy what was typed; the actions decide what is allowed
(an owner, a due date within the plan, a reason after sign-off) and say why not."""

from __future__ import annotations

from decimal import Decimal

from django import forms

from fidelis.forms import DateInput, Form
from fidelis.improvement.models import ActionStatus, GroupRole, Meets, Outcome

REASON_HELP = (
    "The plan is signed off: say why this changes. The reason is kept in the plan's history."
)
DUE_DATE_REASON_HELP = (
    "The plan is signed off: a new due date needs a reason, kept in the plan's history."
)


class StartPlanForm(Form):
    """Which suggested items the plan works on (one goal each), and its period."""

    starts_on = forms.DateField(label="The plan starts on", widget=DateInput())
    ends_on = forms.DateField(
        label="The plan ends on", widget=DateInput(), help_text="12 months later by default."
    )

    def __init__(self, *args, candidates, carried=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        if carried:
            self.fields["carry"] = forms.MultipleChoiceField(
                label="Goals to carry on from the last plan",
                help_text="Goals not fully achieved are ticked; each keeps its items, "
                "success statement and measure.",
                choices=[(str(g.pk), g.title) for g in carried],
                widget=forms.CheckboxSelectMultiple,
                required=False,
            )
        self.fields["items"] = forms.MultipleChoiceField(
            label="Items to work on",
            help_text="Each item you choose becomes a goal you can name, link to more items "
            "and fill in. The programme advises 3 or 4 goals.",
            choices=[(str(c.number), f"Item {c.number}: {c.title}") for c in candidates],
            widget=forms.CheckboxSelectMultiple,
            required=False,
            error_messages={"invalid_choice": "Choose items from the list."},
        )


class OutcomeForm(Form):
    outcome = forms.ChoiceField(
        label="How far did the goal get?",
        choices=Outcome.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose achieved, partly achieved or not achieved."},
    )
    note = forms.CharField(
        label="A line on why (optional)",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )

    def __init__(self, *args, suggested: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if suggested:
            self.fields["outcome"].help_text = (
                f"Not recorded yet. The scores suggest {Outcome(suggested).label.lower()}; "
                "the group decides."
            )


class GoalForm(Form):
    title = forms.CharField(label="Goal", max_length=200, help_text="A short name for the goal.")
    items = forms.ModelMultipleChoiceField(
        queryset=None,
        label="Fidelity items it works on",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    # Drawn under each item's checkbox (improvement/goal.jinja), revealed when it is ticked.
    criteria = forms.MultipleChoiceField(
        label="Criteria to meet",
        widget=forms.CheckboxSelectMultiple,
        required=False,
        error_messages={"invalid_choice": "Choose criteria from the linked items' lists."},
    )
    target_score = forms.IntegerField(
        label="Target score", required=False, help_text="The score the items should reach."
    )
    success = forms.CharField(
        label="What success looks like", widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    measure = forms.CharField(
        label="How progress is measured",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    lead = forms.ModelChoiceField(
        queryset=None, label="Working group lead", required=False, empty_label="No one yet"
    )
    members = forms.ModelMultipleChoiceField(
        queryset=None,
        label="Working group members",
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    meets = forms.ChoiceField(
        label="The working group meets",
        choices=[("", "Not decided yet"), *Meets.choices],
        required=False,
    )
    reports_to = forms.CharField(
        label="Reports to",
        max_length=200,
        required=False,
        help_text="For example, the service improvement group.",
    )
    reason = forms.CharField(
        label="Reason for the change",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=REASON_HELP,
    )

    def __init__(self, *args, plan, people, goal=None, **kwargs):
        super().__init__(*args, **kwargs)
        scale = plan.team.organisation.programme.scale
        self.fields["items"].queryset = scale.items.order_by("number")
        self.fields["items"].label_from_instance = lambda i: f"Item {i.number}: {i.title}"
        self.fields["lead"].queryset = people
        self.fields["members"].queryset = people
        self.fields["members"].label_from_instance = lambda u: u.display_name
        self.fields["lead"].label_from_instance = lambda u: u.display_name
        # Every item's criteria, by item number: ticking an item shows its own.
        self.criteria_by_item = {
            item.number: [
                (f"{item.number}:{c.letter}", f"({c.letter}) {c.text}") for c in item.criteria
            ]
            for item in scale.definition.items
        }
        self.fields["criteria"].choices = [
            choice for choices in self.criteria_by_item.values() for choice in choices
        ]
        if not plan.is_signed_off:
            del self.fields["reason"]

    def item_choices(self) -> list[dict]:
        """The items to tick, each with its criteria to reveal, as the checkboxes take them."""
        linked = {str(v) for v in (self["items"].value() or [])}
        ticked = {str(v) for v in (self["criteria"].value() or [])}
        return [
            {
                "value": str(item.pk),
                "text": f"Item {item.number}: {item.title}",
                "checked": str(item.pk) in linked,
                "criteria": [
                    {"value": value, "text": text, "checked": value in ticked}
                    for value, text in self.criteria_by_item.get(item.number, [])
                ],
            }
            for item in self.fields["items"].queryset
        ]

    def clean_criteria(self) -> dict[int, list[str]]:
        """The letters ticked, by item number. Those under an item left unticked are
        ignored with it (save_goal keeps the linked items' criteria only)."""
        chosen: dict[int, list[str]] = {}
        for value in self.cleaned_data.get("criteria", []):
            number, letter = value.split(":", 1)
            chosen.setdefault(int(number), []).append(letter)
        return chosen


class ActionForm(Form):
    title = forms.CharField(label="Action", required=False)
    owner = forms.ModelChoiceField(
        queryset=None,
        label="Owner",
        required=False,
        empty_label="Choose who will do it",
        help_text="One named person with a role in the team (its manager, members or "
        "facilitator), who answers for it.",
    )
    due_on = forms.DateField(label="Due", widget=DateInput(), required=False)
    hours = forms.DecimalField(
        label="Estimated staff hours",
        max_digits=6,
        decimal_places=1,
        required=False,
        help_text="All the staff time the action will take, in hours.",
        error_messages={"invalid": "Give the hours as a number, such as 6 or 2.5."},
    )
    status = forms.ChoiceField(label="Status", choices=ActionStatus.choices)
    status_reason = forms.CharField(
        label="Why it is blocked or dropped",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    reason = forms.CharField(
        label="Reason for the change",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text=REASON_HELP,
    )

    def __init__(self, *args, plan, people, action=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people
        self.fields["owner"].label_from_instance = lambda u: u.display_name
        self.fields["due_on"].help_text = f"Within the plan's period, {plan.period}."
        if not plan.is_signed_off or action is None:
            del self.fields["reason"]
        else:
            self.fields["reason"].help_text = DUE_DATE_REASON_HELP


class ProgressForm(Form):
    note = forms.CharField(
        label="What has happened",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="A line or two for the team, the facilitator and the sponsor.",
    )
    status = forms.ChoiceField(label="Status now", choices=ActionStatus.choices)
    status_reason = forms.CharField(
        label="Why it is blocked or dropped",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )


class SignOffForm(Form):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            ("sign_off", "Sign the plan off"),
            ("send_back", "Send it back to the team with a comment"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to sign the plan off or send it back."},
    )
    comment = forms.CharField(
        label="Comment for the team",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        help_text="Needed when you send the plan back: say what it needs. When you sign it "
        "off, it is kept with your sign-off for the team to read.",
    )


class GroupMemberForm(Form):
    user = forms.ModelChoiceField(
        queryset=None,
        label="Person",
        required=False,
        empty_label="Someone without an account",
        help_text="Someone with a role in the team.",
    )
    name = forms.CharField(
        label="Or their name",
        max_length=120,
        required=False,
        help_text="For someone without an account, such as a service user or carer "
        "representative. Their name only: no other details.",
    )
    role = forms.ChoiceField(label="Role in the group", choices=GroupRole.choices)

    def __init__(self, *args, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"].queryset = people
        self.fields["user"].label_from_instance = lambda u: u.display_name


class PlanSettingsForm(Form):
    monthly_hours_warning = forms.DecimalField(
        label="Warn above this many hours a person a month",
        min_value=Decimal(1),
        max_value=Decimal(200),
        max_digits=5,
        decimal_places=1,
        help_text="A plan warns its manager when one person's planned hours in a month go "
        "over this. 8 by default: about one session a week.",
    )
    stalled_after_weeks = forms.IntegerField(
        label="A plan has had no update after this many weeks",
        min_value=1,
        max_value=52,
        help_text="Shown on the plan, the overview and home pages. 4 by default.",
    )
