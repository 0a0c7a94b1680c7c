from django import forms
from django.contrib.auth import get_user_model

from fidelis.forms import DateInput, Form, NameOrChoiceField, TimeInput
from fidelis.programmes.models import REVIEWER_ROLES, Membership, ReviewTimepoint, Role, Team
from fidelis.reviews.actions import FOCUS_LIMIT, TEXT_LIMITS
from fidelis.reviews.models import PanelRole

PANEL_SLOTS = 4
#: The seats a panel usually has besides an expert by experience: a reviewer left without
#: a role takes the first of these the panel does not have yet.
SUGGESTED_SEATS = (PanelRole.CLINICIAN, PanelRole.RESEARCHER)


def free_timepoints(programme, *, named: int = 5) -> list[dict]:
    """For each of the programme's timepoints, how many of its teams have no review at it
    yet, and the first few of them by name: a constant number of queries, however many
    teams the programme has."""
    teams = Team.objects.in_programme(programme)
    rows = []
    for timepoint in programme.timepoints.all():
        free = teams.exclude(reviews__timepoint=timepoint).order_by("name")
        rows.append(
            {
                "timepoint": timepoint,
                "count": free.count(),
                "names": list(free.values_list("name", flat=True)[:named]),
            }
        )
    return rows


class PlanReviewForm(Form):
    team = forms.ModelChoiceField(queryset=Team.objects.none(), label="Team")
    timepoint = forms.ModelChoiceField(queryset=ReviewTimepoint.objects.none(), label="Timepoint")
    visit_date = forms.DateField(label="Date of the review visit", widget=DateInput())

    def __init__(self, *args, programme, review=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.review = review
        self.fields["team"] = NameOrChoiceField(
            Team.objects.in_programme(programme).select_related("organisation"),
            label="Team",
            noun="team",
            empty_label="Choose a team",
        )
        self.fields["timepoint"].queryset = programme.timepoints.all()
        self.fields["timepoint"].empty_label = "Choose a timepoint"
        self.free = free_timepoints(programme) if review is None else []
        free_counts = {row["timepoint"].pk: row["count"] for row in self.free}
        self.fields["timepoint"].label_from_instance = lambda tp: (
            f"{tp.label} ({free_counts.get(tp.pk, 0)} "
            f"team{'s' if free_counts.get(tp.pk, 0) != 1 else ''} still to review)"
        )
        self.experts = set(
            Membership.objects.filter(programme=programme, role=Role.EXPERT_REVIEWER).values_list(
                "user_id", flat=True
            )
        )
        reviewer_ids = Membership.objects.filter(
            programme=programme, role__in=sorted(REVIEWER_ROLES)
        ).values_list("user_id", flat=True)
        reviewers = (
            get_user_model().objects.filter(pk__in=reviewer_ids).order_by("first_name", "last_name")
        )
        for slot in range(1, PANEL_SLOTS + 1):
            self.fields[f"reviewer_{slot}"] = forms.ModelChoiceField(
                queryset=reviewers,
                required=slot == 1,
                label=f"Reviewer {slot}",
                empty_label="Choose a reviewer" if slot == 1 else "No one",
            )
            self.fields[f"reviewer_{slot}"].label_from_instance = self.reviewer_label
            self.fields[f"role_{slot}"] = forms.ChoiceField(
                choices=[("", "Suggest from the reviewer's role"), *PanelRole.choices],
                required=False,
                label=f"Reviewer {slot}'s role on the panel",
                help_text="Left as suggested, an expert-by-experience reviewer sits as Expert "
                "by experience, and other reviewers fill the clinician seat, then the "
                "researcher's.",
            )
        if review is not None:
            # Changing a plan: the team and timepoint stay; the date and panel can change.
            del self.fields["team"]
            del self.fields["timepoint"]

    def suggested_seat(self, user, taken: set) -> str:
        """The seat a reviewer takes when the lead leaves the role to be suggested."""
        if user.pk in self.experts:
            return PanelRole.EXPERT
        return next((seat for seat in SUGGESTED_SEATS if seat not in taken), PanelRole.CLINICIAN)

    def reviewer_label(self, user) -> str:
        kind = "expert by experience" if user.pk in self.experts else "reviewer"
        return f"{user.display_name} ({kind})"

    def clean(self):
        data = super().clean()
        panel, seen = [], set()
        # The seats the lead chose; a reviewer left without a role is given one below.
        taken = {data.get(f"role_{slot}") for slot in range(1, PANEL_SLOTS + 1)}
        for slot in range(1, PANEL_SLOTS + 1):
            user, role = data.get(f"reviewer_{slot}"), data.get(f"role_{slot}")
            if role and not user:
                self.add_error(f"reviewer_{slot}", f"Choose reviewer {slot}, or clear the role.")
            if user and not role:
                role = self.suggested_seat(user, taken)
                taken.add(role)
            if user and user.pk in seen:
                self.add_error(f"reviewer_{slot}", f"{user} is already on the panel.")
            if user and role:
                seen.add(user.pk)
                panel.append((user, role))
                if user.pk in self.experts and role != PanelRole.EXPERT:
                    self.add_error(
                        f"role_{slot}",
                        f"{user} is an expert-by-experience reviewer: their panel role is "
                        "Expert by experience.",
                    )
        data["panel"] = panel
        team, timepoint = data.get("team"), data.get("timepoint")
        if (
            self.review is None
            and team
            and timepoint
            and team.reviews.filter(timepoint=timepoint).exists()
        ):
            self.add_error("timepoint", f"{team.name} already has a {timepoint.label} review.")
        return data


class RecommendationsForm(Form):
    recommendations = forms.CharField(
        label="Recommendations",
        widget=forms.Textarea,
        required=False,
        max_length=TEXT_LIMITS["recommendations"],
        help_text="What the panel recommends the team works on. Leave a blank line between "
        "recommendations. Up to 10,000 characters.",
    )
    reason = forms.CharField(
        label="Reason for the amendment",
        widget=forms.Textarea,
        required=False,
        max_length=TEXT_LIMITS["reason"],
        help_text="The review is finalised, so this change is recorded as an amendment and "
        "shown on the report. Up to 2,000 characters.",
    )

    def __init__(self, *args, finalised: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.finalised = finalised
        if not finalised:
            del self.fields["reason"]

    def clean_reason(self):
        reason = self.cleaned_data.get("reason", "").strip()
        if self.finalised and not reason:
            raise forms.ValidationError("Give the reason for changing a finalised report.")
        return reason


class RoutineDataForm(Form):
    """One number per routine-data figure the scale's criteria can be decided by."""

    UNIT_HINTS = {
        "percent": "A percentage, from 0 to 100",
        "count": "A number",
        "hours": "In hours",
        "days": "In days",
    }

    def __init__(self, *args, criteria, values, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for row in criteria:
            routine = row["routine"]
            name = f"c{row['criterion'].pk}"
            unit = "%" if routine.unit == "percent" else f" {routine.unit}"
            decides = "; ".join(
                f"criterion {c.letter} needs {d.routine_data.comparison} "
                f"{d.routine_data.threshold:g}{unit}"
                for c, d in row["criteria"]
            )
            self.fields[name] = forms.FloatField(
                required=False,
                min_value=0,
                max_value=100 if routine.unit == "percent" else None,
                label=f"Item {row['item'].number}: {routine.measure}",
                help_text=f"{self.UNIT_HINTS[routine.unit]}. Suggests {decides}.",
                initial=values.get(row["criterion"].pk),
                error_messages={
                    "invalid": "Enter a number, like 85 or 92.5.",
                    "min_value": "Enter 0 or more.",
                    "max_value": "Enter a percentage from 0 to 100.",
                },
            )
            self.fields[name].widget.attrs["inputmode"] = "decimal"


class FocusForm(Form):
    items = forms.MultipleChoiceField(
        label="Items to focus on",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave them all unticked if the team has no focus of its own yet.",
    )

    def __init__(self, *args, items, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = [(str(i.number), f"{i.number}. {i.title}") for i in items]

    def clean_items(self):
        chosen = self.cleaned_data["items"]
        if len(chosen) > FOCUS_LIMIT:
            raise forms.ValidationError(
                f"Choose at most {FOCUS_LIMIT} items; {len(chosen)} are ticked."
            )
        return [int(n) for n in chosen]


class PreparationItemForm(Form):
    kind = forms.ChoiceField(
        label="What is it?",
        choices=[
            ("document", "Something the team sends before the visit"),
            ("interview", "An interview or meeting on the day"),
        ],
        widget=forms.RadioSelect,
    )
    label = forms.CharField(
        label="Description",
        max_length=TEXT_LIMITS["label"],
        help_text="For example, 'Crisis plans of five people discharged last month "
        "(anonymised)' or 'Interview with the consultant psychiatrist'.",
    )
    time = forms.TimeField(
        label="Start time (for interviews)",
        required=False,
        widget=TimeInput(),
        help_text="For example, 14:30",
    )

    def clean(self):
        data = super().clean()
        if data.get("kind") == "document":
            data["time"] = None
        return data
