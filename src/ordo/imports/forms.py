from __future__ import annotations

from django import forms

from .services import KINDS


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label="What to import", choices=[(k, spec.label) for k, spec in KINDS.items()]
    )
    file = forms.FileField(label="File (.csv or .xlsx)")
