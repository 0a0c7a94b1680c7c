"""The choice fields drawn without the design system's macros write the markup the macros
write: one id per box or button (the first the field's own, then -2, -3, ...), the hint
and error tied to the fieldset, and the chosen values checked."""

import re

from django import forms
from markupsafe import Markup

from fidelis.forms import Form, render_field


class Choices(Form):
    mode = forms.ChoiceField(
        label="How",
        choices=[("", "Choose"), ("visit", "Visit"), ("phone", "Phone & more")],
        widget=forms.RadioSelect,
        help_text="One of them.",
    )
    parts = forms.MultipleChoiceField(
        label="Who",
        choices=[("a", "A"), ("b", "B"), ("c", "C")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=Markup("By <strong>role</strong>."),
    )


def squash(html: str) -> str:
    return re.sub(r"\s+", " ", str(html))


def test_radios_number_their_buttons_skip_the_empty_choice_and_check_the_value():
    form = Choices({"mode": "phone"})
    form.is_valid()
    html = squash(render_field(form["mode"]))
    assert 'aria-describedby="id_mode-hint"' in html
    assert '<legend class="nhsuk-fieldset__legend nhsuk-fieldset__legend--s">How</legend>' in html
    assert 'value=""' not in html
    assert 'id="id_mode" name="mode" type="radio" value="visit">' in html
    assert 'id="id_mode-2" name="mode" type="radio" value="phone" checked>' in html
    assert "Phone &amp; more" in html


def test_checkboxes_tie_the_hint_and_error_to_the_fieldset_and_keep_the_choices():
    form = Choices({"mode": "visit", "parts": ["b", "z"]})
    form.is_valid()
    html = squash(render_field(form["parts"]))
    assert "nhsuk-form-group--error" in html
    assert 'aria-describedby="id_parts-hint id_parts-error"' in html
    assert '<div class="nhsuk-hint" id="id_parts-hint">By <strong>role</strong>.</div>' in html
    assert 'id="id_parts-error"><span class="nhsuk-u-visually-hidden">Error: </span>' in html
    assert 'id="id_parts-2" name="parts" type="checkbox" value="b" checked>' in html
    assert 'id="id_parts-3" name="parts" type="checkbox" value="c">' in html
    hidden = squash(render_field(Choices()["parts"], hide_hint=True))
    assert "nhsuk-hint" not in hidden and "aria-describedby" not in hidden
