"""Input shape of the partners pages (types and required fields only; rules live in services)."""

from __future__ import annotations

from django import forms

from .models import AddressKind

PAYMENT_TERM_LINE_ROWS = 4


class PartnerForm(forms.Form):
    code = forms.CharField(max_length=30, help_text="Letters, digits and - _ . / (ACME-TRADING)")
    name = forms.CharField(max_length=200)
    vat_number = forms.CharField(max_length=32, required=False, label="VAT number")
    email = forms.CharField(max_length=254, required=False)
    phone = forms.CharField(max_length=40, required=False)
    customer_group = forms.ChoiceField(required=False, choices=())
    currency = forms.CharField(max_length=3, required=False, help_text="ISO 4217, e.g. EUR")
    supplier_lead_time_days = forms.IntegerField(
        required=False, min_value=0, label="Lead time (days)"
    )
    endpoint_id = forms.CharField(max_length=64, required=False, label="Peppol endpoint id")
    endpoint_scheme = forms.CharField(
        max_length=4, required=False, label="Endpoint scheme (EAS)", help_text="0088 = GLN"
    )
    street = forms.CharField(max_length=200, required=False)
    postal_code = forms.CharField(max_length=20, required=False)
    city = forms.CharField(max_length=100, required=False)
    country = forms.CharField(max_length=2, required=False, help_text="ISO 3166, e.g. BE")

    ADDRESS_FIELDS = ("street", "postal_code", "city", "country")

    def __init__(self, *args, role: str, group_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        if role == "customer":
            del self.fields["supplier_lead_time_days"]
            self.fields["customer_group"].choices = [("", "—"), *group_choices]
        else:
            del self.fields["customer_group"]


class CompanySettingsForm(forms.Form):
    credit_limit_amount = forms.CharField(required=False, label="Credit limit")
    customer_payment_term = forms.ChoiceField(required=False, choices=())
    supplier_payment_term = forms.ChoiceField(required=False, choices=())
    is_blocked = forms.BooleanField(required=False, label="Blocked")

    def __init__(self, *args, term_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "—"), *term_choices]
        self.fields["customer_payment_term"].choices = choices
        self.fields["supplier_payment_term"].choices = choices


class PaymentTermForm(forms.Form):
    code = forms.CharField(max_length=30)
    name = forms.CharField(max_length=100)
    description = forms.CharField(max_length=250, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for i in range(PAYMENT_TERM_LINE_ROWS):
            self.fields[f"line{i}_percent"] = forms.CharField(required=False, label="Percent")
            self.fields[f"line{i}_days"] = forms.IntegerField(
                required=False, min_value=0, label="Days"
            )
            self.fields[f"line{i}_end_of_month"] = forms.BooleanField(
                required=False, label="End of month"
            )

    def line_rows(self):
        return [
            (
                self[f"line{i}_percent"],
                self[f"line{i}_days"],
                self[f"line{i}_end_of_month"],
            )
            for i in range(PAYMENT_TERM_LINE_ROWS)
        ]


class AddressForm(forms.Form):
    kind = forms.ChoiceField(choices=AddressKind.choices)
    street = forms.CharField(max_length=200)
    street2 = forms.CharField(max_length=200, required=False, label="Street (line 2)")
    postal_code = forms.CharField(max_length=20, required=False)
    city = forms.CharField(max_length=100)
    country = forms.CharField(max_length=2, help_text="ISO 3166, e.g. BE")
    gln = forms.CharField(
        max_length=13, required=False, label="GLN", help_text="Delivery point GLN (13 digits)"
    )
    is_default = forms.BooleanField(required=False, label="Default address of this kind")


class ContactForm(forms.Form):
    name = forms.CharField(max_length=150)
    job_title = forms.CharField(max_length=100, required=False)
    email = forms.CharField(max_length=254, required=False)
    phone = forms.CharField(max_length=40, required=False)
    is_primary = forms.BooleanField(required=False, label="Primary contact")


class ReasonForm(forms.Form):
    """Deactivate / reactivate a partner: the reason goes to the audit trail."""

    reason = forms.CharField(max_length=250, required=False)


class CustomerGroupForm(forms.Form):
    code = forms.CharField(max_length=30, help_text="Letters, digits and - _ . / (WHOLESALE)")
    name = forms.CharField(max_length=100)


class InstallmentPreviewForm(forms.Form):
    """The invoice the payment term page previews (amount as text: no float on the way in)."""

    amount = forms.CharField(max_length=30, required=False)
    invoice_date = forms.DateField(required=False, label="Invoice date")
