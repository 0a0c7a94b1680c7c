"""Form rendering in the NHS.UK design system, and the form base class every form uses.

Each widget kind has one field template (templates/forms/*.jinja) built from the
NHS.UK frontend macros, so `{{ form.x.as_field_group() }}` or `{{ field(form.x) }}`
draws a labelled field with hint and error message, and `error_list(form)` feeds the
error summary at the top of the page.
"""

from django import forms
from django.forms.boundfield import BoundField
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe


def template_for(widget: forms.Widget) -> str:
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "forms/checkboxes.jinja"
    if isinstance(widget, forms.RadioSelect):
        return "forms/radios.jinja"
    if isinstance(widget, forms.CheckboxInput):
        return "forms/checkbox.jinja"
    if isinstance(widget, forms.Select):
        return "forms/select.jinja"
    if isinstance(widget, forms.Textarea):
        return "forms/textarea.jinja"
    if isinstance(widget, forms.DateInput):
        return "forms/date.jinja"
    if isinstance(widget, forms.PasswordInput):
        return "forms/password.jinja"
    if isinstance(widget, forms.HiddenInput):
        return "forms/hidden.jinja"
    if isinstance(widget, forms.FileInput):
        return "forms/file.jinja"
    return "forms/input.jinja"


def render_field(bound_field, **options) -> str:
    return mark_safe(
        render_to_string(
            template_for(bound_field.field.widget), {"field": bound_field, "options": options}
        )
    )


def error_list(*forms_) -> list[dict]:
    """The NHS error summary's list: one entry per error, linking to its field."""
    items = []
    for form in forms_:
        if form is None or not form.is_bound:
            continue
        for error in form.non_field_errors():
            items.append({"text": error, "href": "#maincontent"})
        for name, errors in form.errors.items():
            if name == "__all__":
                continue
            bound = form[name]
            anchor = bound.id_for_label or bound.auto_id
            for error in errors:
                items.append({"text": error, "href": f"#{anchor}"})
    return items


def status_for(*forms_) -> int:
    """400 when a submitted form is shown again with errors (what was sent was refused,
    and the page says why), 200 otherwise."""
    return 400 if any(f is not None and f.is_bound and f.errors for f in forms_) else 200


def errors_from(error, anchors: dict[str, str] | None = None) -> list[dict]:
    """The NHS error summary's list from a ValidationError an action raised: each message
    links to its field (`#name`, or the anchor given for it)."""
    anchors = anchors or {}
    if not hasattr(error, "error_dict"):
        return [{"text": message, "href": "#maincontent"} for message in error.messages]
    return [
        {"text": message, "href": anchors.get(name, f"#{name}")}
        for name, messages in error.message_dict.items()
        for message in messages
    ]


class NHSBoundField(BoundField):
    """A bound field drawn with the NHS.UK template for its widget kind, unless the field
    names a template of its own."""

    @property
    def template_name(self):
        return self.field.template_name or template_for(self.field.widget)


class NHSFormMixin:
    """Gives every field, including those a form adds after __init__, its NHS.UK template."""

    bound_field_class = NHSBoundField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            # A browser cuts pasted text at a textarea's maxlength without a word; the
            # server refuses over-long text with a message and keeps all of it instead.
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs.pop("maxlength", None)


class Form(NHSFormMixin, forms.Form):
    pass


class ModelForm(NHSFormMixin, forms.ModelForm):
    pass


#: Up to this many choices a list to choose from; beyond it, a field to type a name into.
CHOICE_LIST_LIMIT = 100


class NameOrChoiceField(forms.ModelChoiceField):
    """Choose one object from a list while the list is short; once it is long (a programme
    of a thousand teams), type its name instead: a list that long is slow to send and
    hard to use, on a phone above all."""

    def __init__(self, queryset, *, name_field: str = "name", noun: str = "one", **kwargs):
        super().__init__(queryset, **kwargs)
        self.name_field = name_field
        self.noun = noun
        self.error_messages["required"] = f"Choose the {noun}."
        # One query either way: the first CHOICE_LIST_LIMIT + 1 rows say which it is and,
        # for a short list, are the choices.
        first = list(queryset[: CHOICE_LIST_LIMIT + 1])
        self.typed = len(first) > CHOICE_LIST_LIMIT
        if self.typed:
            self.widget = forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"})
            self.help_text = (f"{self.help_text} " if self.help_text else "") + (
                f"Type the {noun}'s name as the programme page shows it."
            )
        else:
            empty = [("", self.empty_label)] if self.empty_label is not None else []
            self.choices = empty + [(obj.pk, self.label_from_instance(obj)) for obj in first]

    def prepare_value(self, value):
        if self.typed and not isinstance(value, str):
            found = self.queryset.filter(pk=value).first() if value else None
            return getattr(found, self.name_field, "") if found else ""
        return super().prepare_value(value)

    def to_python(self, value):
        if not self.typed:
            return super().to_python(value)
        value = (value or "").strip()
        if not value:
            return None
        found = self.queryset.filter(**{f"{self.name_field}__iexact": value}).first()
        if found is None:
            raise forms.ValidationError(
                f"No {self.noun} in the programme is called ‘{value[:100]}’: check the name "
                "on the programme page."
            )
        return found


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class TimeInput(forms.TimeInput):
    input_type = "time"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format="%H:%M")
