from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password

from fidelis.forms import DateInput, Form, ModelForm, NameOrChoiceField
from fidelis.programmes.actions import TEXT_LIMITS
from fidelis.programmes.models import (
    ORGANISATION_ROLES,
    TEAM_ROLES,
    Organisation,
    Programme,
    ReviewTimepoint,
    Role,
    Team,
)
from fidelis.scales.access import scales_visible_to


class ProgrammeForm(ModelForm):
    class Meta:
        model = Programme
        fields = [
            "name",
            "description",
            "start_date",
            "length_months",
            "scale",
            "named_benchmarking",
            "benchmark_min_teams",
            "report_priorities",
        ]
        widgets = {"start_date": DateInput()}
        labels = {
            "length_months": "Length in months",
            "named_benchmarking": "Named benchmarking",
            "scale": "Fidelity scale",
        }

    def __init__(self, *args, user, creating=False, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["slug"] = forms.SlugField(
                label="Short name for web addresses",
                help_text="Lowercase letters, numbers and hyphens, for example "
                "'north-west-crisis-2026'.",
            )
        self.fields["benchmark_min_teams"].required = False
        self.fields["benchmark_min_teams"].widget.attrs["inputmode"] = "numeric"
        self.fields["report_priorities"].required = False
        self.fields["report_priorities"].widget.attrs["inputmode"] = "numeric"
        self.fields["report_priorities"].error_messages.update(
            {
                "min_value": "A report names at least 1 priority.",
                "max_value": "A report names at most 5 priorities.",
                "invalid": "Enter a whole number from 1 to 5.",
            }
        )
        self.fields["scale"].queryset = scales_visible_to(user)
        self.fields["scale"].empty_label = "Choose a scale"

    def clean_benchmark_min_teams(self):
        # Left empty, the setting keeps its default.
        value = self.cleaned_data.get("benchmark_min_teams")
        return 5 if value is None else value

    def clean_report_priorities(self):
        # Left empty, the setting keeps its default.
        value = self.cleaned_data.get("report_priorities")
        return 5 if value is None else value


class TimepointForm(ModelForm):
    class Meta:
        model = ReviewTimepoint
        fields = ["label", "month"]
        labels = {"label": "Name", "month": "Month"}
        help_texts = {
            "label": "For example, '18 months' or 'Follow-up'.",
            "month": "How many months after the programme starts, for example 18.",
        }


class OrganisationForm(ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "ods_code"]


class TeamForm(ModelForm):
    class Meta:
        model = Team
        fields = ["name", "organisation", "area_served", "staff_count"]
        help_texts = {
            "area_served": "The places or population the team covers, for example "
            "'Northfield and Eastvale boroughs'.",
        }

    def __init__(self, *args, programme: Programme, can_move: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["organisation"] = NameOrChoiceField(
            programme.organisations.all(),
            label="Organisation",
            noun="organisation",
            empty_label="Choose an organisation",
        )
        if not can_move:
            del self.fields["organisation"]
            del self.fields["name"]
        self.fields["staff_count"].widget.attrs["inputmode"] = "numeric"


class InvitationForm(Form):
    email = forms.EmailField(
        label="Email address", help_text="We will send the invitation link to this address."
    )
    role = forms.ChoiceField(label="Role", choices=Role.choices, widget=forms.RadioSelect)
    team = forms.ModelChoiceField(label="Team", queryset=Team.objects.none(), required=False)
    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        required=False,
        help_text="For senior sponsors.",
    )
    message = forms.CharField(
        label="Message (optional)",
        required=False,
        widget=forms.Textarea,
        max_length=TEXT_LIMITS["message"],
        help_text="A short note included in the email, up to 2,000 characters.",
    )

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["team"] = NameOrChoiceField(
            Team.objects.in_programme(programme).select_related("organisation"),
            label="Team",
            required=False,
            noun="team",
            empty_label="Choose a team",
            help_text="For facilitators, team managers and team members.",
        )
        self.fields["organisation"] = NameOrChoiceField(
            programme.organisations.all(),
            label="Organisation",
            required=False,
            noun="organisation",
            empty_label="Choose an organisation",
            help_text="For senior sponsors.",
        )
        self.fields["email"].widget.attrs["autocomplete"] = "off"

    def clean(self):
        # The team and organisation fields only matter for the roles that need them.
        data = super().clean()
        role = data.get("role")
        if role not in TEAM_ROLES:
            data["team"] = None
        if role not in ORGANISATION_ROLES:
            data["organisation"] = None
        return data


class AcceptInvitationForm(Form):
    first_name = forms.CharField(label="First name", max_length=TEXT_LIMITS["first_name"])
    last_name = forms.CharField(label="Last name", max_length=TEXT_LIMITS["last_name"])
    username = forms.CharField(
        label="Username", max_length=150, help_text="You will use this, or your email, to sign in."
    )
    password1 = forms.CharField(
        label="Create a password",
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters. Avoid common words.",
    )
    password2 = forms.CharField(
        label="Confirm password",
        max_length=1024,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        data = super().clean()
        p1, p2 = data.get("password1"), data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", "The passwords do not match.")
        elif p1:
            user = get_user_model()(
                username=data.get("username", ""),
                email=self.email,
                first_name=data.get("first_name", ""),
                last_name=data.get("last_name", ""),
            )
            try:
                validate_password(p1, user)
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return data
