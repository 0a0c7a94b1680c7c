from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils.text import slugify

from fidelis.forms import DateInput, Form, ModelForm
from fidelis.programmes.models import (
    ORGANISATION_ROLES,
    TEAM_ROLES,
    Organisation,
    Programme,
    ReviewTimepoint,
    Role,
    Team,
)
from fidelis.validators import no_patient_identifiers


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
        ]
        widgets = {"start_date": DateInput()}
        labels = {
            "length_months": "Length in months",
            "named_benchmarking": "Named benchmarking",
            "scale": "Fidelity scale",
        }

    def __init__(self, *args, user, creating=False, **kwargs):
        super().__init__(*args, **kwargs)
        from fidelis.scales.models import FidelityScale

        if creating:
            self.fields["slug"] = forms.SlugField(
                label="Short name for web addresses",
                help_text="Lowercase letters, numbers and hyphens, for example "
                "'north-west-crisis-2026'.",
            )

        self.fields["scale"].queryset = FidelityScale.objects.visible_to(user)
        self.fields["scale"].empty_label = "Choose a scale"

    def clean_scale(self):
        from fidelis.reviews.models import Review

        scale = self.cleaned_data.get("scale")
        if self.instance.pk and scale != self.instance.scale:
            used = Review.objects.filter(team__organisation__programme=self.instance).exists()
            if used:
                raise forms.ValidationError(
                    "Reviews in this programme already use its scale, so it cannot change: "
                    "results must stay comparable."
                )
        return scale

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Programme.objects.filter(slug=slug).exists():
            raise forms.ValidationError("Another programme already uses this short name.")
        return slug

    def clean_length_months(self):
        months = self.cleaned_data["length_months"]
        if not 1 <= months <= 60:
            raise forms.ValidationError("Enter a length from 1 to 60 months.")
        return months


class TimepointForm(ModelForm):
    class Meta:
        model = ReviewTimepoint
        fields = ["label", "month"]
        labels = {"label": "Name", "month": "Month"}
        help_texts = {
            "label": "For example, '18 months' or 'Follow-up'.",
            "month": "How many months after the programme starts, for example 18.",
        }

    def __init__(self, *args, programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme

    def clean(self):
        data = super().clean()
        label = data.get("label")
        if (
            label
            and ReviewTimepoint.objects.filter(programme=self.programme)
            .filter(Q(key=slugify(label)[:30]) | Q(label__iexact=label.strip()))
            .exists()
        ):
            self.add_error("label", "The programme already has a timepoint with this name.")
        month = data.get("month")
        if month is not None and month > self.programme.length_months + 24:
            self.add_error("month", "Enter a month within two years of the programme's end.")
        return data


class OrganisationForm(ModelForm):
    class Meta:
        model = Organisation
        fields = ["name", "ods_code"]

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        slug = slugify(name)
        if not slug:
            raise forms.ValidationError("Enter a name with at least one letter or number.")
        clash = Organisation.objects.filter(programme=self.programme, slug=slug)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(
                "An organisation with this name is already in the programme."
            )
        return name


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
        self.fields["organisation"].queryset = Organisation.objects.filter(programme=programme)
        self.fields["organisation"].empty_label = "Choose an organisation"
        if not can_move:
            del self.fields["organisation"]
            del self.fields["name"]
        self.fields["staff_count"].widget.attrs["inputmode"] = "numeric"

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        slug = slugify(name)
        if not slug:
            raise forms.ValidationError("Enter a name with at least one letter or number.")
        clash = Team.objects.in_programme(self.programme).filter(slug=slug)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError("A team with this name is already in the programme.")
        return name

    def clean_staff_count(self):
        count = self.cleaned_data.get("staff_count")
        if count is not None and count > 500:
            raise forms.ValidationError("Enter the number of staff in the team, 500 or fewer.")
        return count


class InvitationForm(Form):
    email = forms.EmailField(
        label="Email address", help_text="We will send the invitation link to this address."
    )
    role = forms.ChoiceField(label="Role", choices=Role.choices, widget=forms.RadioSelect)
    team = forms.ModelChoiceField(
        label="Team",
        queryset=Team.objects.none(),
        required=False,
        help_text="For facilitators, team managers and team members.",
    )
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
        validators=[no_patient_identifiers],
        help_text="A short note included in the email.",
    )

    def __init__(self, *args, programme: Programme, **kwargs):
        super().__init__(*args, **kwargs)
        self.programme = programme
        self.fields["team"].queryset = Team.objects.in_programme(programme).select_related(
            "organisation"
        )
        self.fields["team"].empty_label = "Choose a team"
        self.fields["organisation"].queryset = Organisation.objects.filter(programme=programme)
        self.fields["organisation"].empty_label = "Choose an organisation"
        self.fields["email"].widget.attrs["autocomplete"] = "off"

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        role = data.get("role")
        if role in TEAM_ROLES and not data.get("team"):
            self.add_error("team", f"Choose the team this {Role(role).label.lower()} works with.")
        if role in ORGANISATION_ROLES and not data.get("organisation"):
            self.add_error("organisation", "Choose the organisation this sponsor belongs to.")
        if role not in TEAM_ROLES:
            data["team"] = None
        if role not in ORGANISATION_ROLES:
            data["organisation"] = None
        return data


class AcceptInvitationForm(Form):
    first_name = forms.CharField(
        label="First name", max_length=150, validators=[no_patient_identifiers]
    )
    last_name = forms.CharField(
        label="Last name", max_length=150, validators=[no_patient_identifiers]
    )
    username = forms.CharField(
        label="Username", max_length=150, help_text="You will use this, or your email, to sign in."
    )
    password1 = forms.CharField(
        label="Create a password",
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="At least 10 characters. Avoid common words.",
    )
    password2 = forms.CharField(
        label="Confirm password", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, email: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        if get_user_model().objects.filter(email__iexact=self.email).exists():
            raise forms.ValidationError(
                f"An account already uses {self.email}. Sign in to it, then open the "
                "invitation link again to add the role."
            )
        return self._clean_passwords()

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        if get_user_model().objects.filter(username__iexact=username).exists():
            raise forms.ValidationError("That username is taken. Choose another.")
        return username

    def _clean_passwords(self):
        from django.contrib.auth.password_validation import validate_password

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
