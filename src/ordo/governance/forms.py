"""Input shape of governance's HTML forms; the rules live in the services."""

from __future__ import annotations

from django import forms

from .models import ApprovalMetric, ApprovalOperator
from .permissions import ROLES


class CompanyForm(forms.Form):
    code = forms.CharField(max_length=20)
    name = forms.CharField(max_length=200)
    currency = forms.CharField(max_length=3, initial="EUR", help_text="ISO 4217, e.g. EUR")
    country = forms.CharField(max_length=2, help_text="ISO 3166, e.g. BE")
    vat_number = forms.CharField(max_length=32, required=False, label="VAT number")
    registration_number = forms.CharField(max_length=64, required=False)
    street = forms.CharField(max_length=200, required=False)
    city = forms.CharField(max_length=100, required=False)
    postal_code = forms.CharField(max_length=20, required=False)
    iban = forms.CharField(max_length=34, required=False, label="IBAN")
    endpoint_id = forms.CharField(max_length=64, required=False, label="Peppol endpoint id")
    endpoint_scheme = forms.CharField(
        max_length=4, required=False, label="Endpoint scheme", help_text="EAS code, e.g. 0088"
    )


class PolicyForm(forms.Form):
    company = forms.ChoiceField()
    name = forms.CharField(max_length=100)
    document_type = forms.CharField(max_length=60, help_text="e.g. sales.order")
    metric = forms.ChoiceField(choices=ApprovalMetric.choices)
    operator = forms.ChoiceField(choices=ApprovalOperator.choices, initial=ApprovalOperator.GREATER)
    threshold = forms.CharField(max_length=30, help_text="a decimal, e.g. 10 or 5000.00")
    approver_role = forms.ChoiceField(choices=[(code, name) for code, (name, _) in ROLES.items()])

    def __init__(self, *args, companies=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["company"].choices = [(c.pk, f"{c.code} · {c.name}") for c in companies]


class DecisionForm(forms.Form):
    reason = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class AuditFilterForm(forms.Form):
    target_type = forms.CharField(
        required=False, label="Record type", help_text="e.g. core.company"
    )
    target_id = forms.CharField(required=False, label="Record id")
    actor = forms.CharField(required=False, label="Actor (username)")
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    action = forms.CharField(required=False, help_text="exact, or a prefix ending in '.'")
