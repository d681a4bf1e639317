"""submit(): a bound form through a service action, errors shown on the form with a status."""

from __future__ import annotations

import pytest
from django import forms

from ordo.core.errors import (
    Conflict,
    DomainError,
    InvalidInput,
    NotFound,
    PermissionDenied,
    ValidationErrors,
)
from ordo.core.webutils import attach_error, submit


class ThingForm(forms.Form):
    code = forms.CharField(max_length=10)
    name = forms.CharField()
    city = forms.CharField(required=False)


def _form(**data) -> ThingForm:
    return ThingForm({"code": "W1", "name": "Widget"} | data)


def _raise(exc: DomainError):
    def action(data):
        raise exc

    return action


def test_valid_form_returns_the_action_result_and_200():
    calls = []

    def action(data):
        calls.append(data)
        return f"saved {data['code']}"

    form = _form()
    assert submit(form, action) == ("saved W1", 200)
    assert calls == [{"code": "W1", "name": "Widget", "city": ""}]
    assert form.errors == {}


def test_invalid_form_answers_422_without_calling_the_action():
    calls = []
    form = _form(code="")
    assert submit(form, calls.append) == (None, 422)
    assert calls == []
    assert form.errors == {"code": ["This field is required."]}


@pytest.mark.parametrize(
    ("exc", "status"),
    [
        (InvalidInput("W1 is not a valid code.", field="code"), 422),
        (Conflict("A thing with code W1 already exists: Widget.", details={"field": "code"}), 409),
        (PermissionDenied("bob may not change things.", details={"field": "code"}), 403),
        (NotFound("Thing W1 not found.", details={"field": "code"}), 404),
    ],
)
def test_domain_error_naming_a_field_is_shown_on_it_with_its_status(exc, status):
    form = _form()
    assert submit(form, _raise(exc)) == (None, status)
    assert form.errors == {"code": [exc.message]}


def test_domain_error_without_a_known_field_is_a_form_error():
    form = _form()
    exc = Conflict("Thing W1 is archived.", details={"field": "archived_at"})
    assert submit(form, _raise(exc)) == (None, 409)
    assert form.non_field_errors() == ["Thing W1 is archived."]


def test_other_domain_errors_answer_400():
    form = _form()
    assert submit(form, _raise(DomainError("Something odd."))) == (None, 400)
    assert form.non_field_errors() == ["Something odd."]


def test_validation_errors_are_each_shown_on_their_field():
    exc = ValidationErrors(
        [
            InvalidInput("Code W1 is taken.", field="code"),
            InvalidInput("Name is too long.", field="name"),
            InvalidInput("Rows must not overlap."),
        ]
    )
    form = _form()
    assert submit(form, _raise(exc)) == (None, 422)
    assert form.errors["code"] == ["Code W1 is taken."]
    assert form.errors["name"] == ["Name is too long."]
    assert form.non_field_errors() == ["Rows must not overlap."]


def test_field_map_renames_service_fields_to_form_fields():
    def field_map(name):
        return name.removeprefix("addresses.0.") if name else name

    exc = ValidationErrors(
        [
            InvalidInput("City is required.", field="addresses.0.city"),
            InvalidInput("Code W1 is taken.", field="code"),
        ]
    )
    form = _form()
    assert submit(form, _raise(exc), field_map=field_map) == (None, 422)
    assert form.errors["city"] == ["City is required."]
    assert form.errors["code"] == ["Code W1 is taken."]

    single = _form()
    exc = InvalidInput("Paris is not in BE.", field="addresses.0.city")
    assert submit(single, _raise(exc), field_map=field_map) == (None, 422)
    assert single.errors == {"city": ["Paris is not in BE."]}


def test_propagate_reraises_the_listed_errors_untouched():
    form = _form()
    with pytest.raises(PermissionDenied, match="bob may not"):
        submit(form, _raise(PermissionDenied("bob may not.")), propagate=(PermissionDenied,))
    assert form.errors == {}
    assert submit(form, _raise(Conflict("Clash.")), propagate=(PermissionDenied,)) == (None, 409)


def test_attach_error_alone_maps_fields_too():
    form = _form()
    form.is_valid()
    attach_error(form, InvalidInput("Bad.", field="x.name"), lambda f: f and f.split(".")[-1])
    assert form.errors == {"name": ["Bad."]}
