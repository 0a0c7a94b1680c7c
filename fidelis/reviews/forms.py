from django import forms
from django.contrib.auth import get_user_model

from fidelis.forms import DateInput, Form, NameOrChoiceField, TimeInput
from fidelis.programmes.models import REVIEWER_ROLES, Membership, ReviewTimepoint, Role, Team
from fidelis.reviews.actions import FOCUS_LIMIT, TEXT_LIMITS
from fidelis.reviews.models import PanelRole

PANEL_SLOTS = 4


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
            self.fields[f"role_{slot}"] = forms.ChoiceField(
                choices=[("", "Choose a role"), *PanelRole.choices],
                required=False,
                label=f"Reviewer {slot}'s role on the panel",
            )
        if review is not None:
            # Changing a plan: the team and timepoint stay; the date and panel can change.
            del self.fields["team"]
            del self.fields["timepoint"]

    def clean(self):
        data = super().clean()
        panel, seen = [], set()
        for slot in range(1, PANEL_SLOTS + 1):
            user, role = data.get(f"reviewer_{slot}"), data.get(f"role_{slot}")
            if user and not role:
                self.add_error(f"role_{slot}", f"Choose reviewer {slot}'s role on the panel.")
            if role and not user:
                self.add_error(f"reviewer_{slot}", f"Choose reviewer {slot}, or clear the role.")
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
