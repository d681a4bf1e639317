"""Input shape of the payment and bank pages (types and required fields; rules live in the
services). Amounts are text fields: they are parsed as Decimal, never as float."""

from __future__ import annotations

from django import forms

from .models import PaymentDirection

SIDES = [("customer", "Customer"), ("supplier", "Supplier")]


def _htmx(url: str, target: str, include: str) -> dict[str, str]:
    """Widget attributes that reload ``target`` from ``url`` when the field changes."""
    return {"hx-get": url, "hx-target": target, "hx-include": include, "hx-trigger": "change"}


class PaymentFilterForm(forms.Form):
    direction = forms.ChoiceField(
        required=False, choices=[("", "All directions"), *PaymentDirection.choices]
    )
    open = forms.BooleanField(required=False, label="Unallocated only")
    q = forms.CharField(required=False, max_length=100)


class PaymentForm(forms.Form):
    direction = forms.ChoiceField(choices=PaymentDirection.choices)
    side = forms.ChoiceField(
        choices=SIDES,
        label="Customer or supplier",
        help_text="A refund to a customer is paid out on the customer side.",
    )
    partner = forms.TypedChoiceField(coerce=int, choices=())
    payment_date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    amount = forms.CharField(max_length=30, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    currency = forms.CharField(max_length=3, help_text="ISO 4217, e.g. EUR")
    journal = forms.ChoiceField(choices=(), help_text="Bank or cash journal")
    reference = forms.CharField(max_length=200, required=False)

    def __init__(
        self,
        *args,
        partner_choices: list[tuple[int, str]],
        journal_choices: list[tuple[str, str]],
        documents_url: str,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [("", "— choose —"), *partner_choices]
        self.fields["journal"].choices = journal_choices
        reload = _htmx(
            documents_url,
            "#open-documents",
            "[name=direction],[name=side],[name=partner],[name=currency]",
        )
        for name in ("direction", "side", "partner", "currency"):
            self.fields[name].widget.attrs.update(reload)


class ReasonForm(forms.Form):
    """Undo an allocation or a reconciliation, cancel a payment: the reason is audited."""

    reason = forms.CharField(max_length=300, required=False)  # the service asks for it


class StatementImportForm(forms.Form):
    file = forms.FileField(
        label="Statement file", help_text="camt.053 (XML), MT940 (.sta) or OFX, up to 20 MB"
    )
    journal = forms.ChoiceField(choices=(), label="Bank journal")

    def __init__(self, *args, journal_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["journal"].choices = journal_choices


class MatchDocumentsForm(forms.Form):
    """A statement line against open documents of one partner (amounts come as rows)."""

    partner = forms.TypedChoiceField(coerce=int, choices=())
    writeoff_account = forms.ChoiceField(
        required=False,
        label="Write-off account",
        help_text="A difference between the line and the amounts goes here "
        "(the rounding account when blank).",
    )

    def __init__(
        self,
        *args,
        partner_choices: list[tuple[int, str]],
        account_choices: list[tuple[str, str]],
        reload_url: str,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [("", "— choose —"), *partner_choices]
        self.fields["writeoff_account"].choices = [("", "—"), *account_choices]
        self.fields["partner"].widget.attrs.update(
            _htmx(reload_url, "closest .match-panel", "this")
            | {"hx-swap": "innerHTML", "hx-vals": '{"panel": "documents"}'}
        )


class MatchPaymentForm(forms.Form):
    payment = forms.TypedChoiceField(coerce=int, choices=())

    def __init__(self, *args, payment_choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["payment"].choices = [("", "— choose —"), *payment_choices]


class MatchAccountForm(forms.Form):
    account = forms.ChoiceField(choices=())
    label = forms.CharField(max_length=200, required=False)

    def __init__(self, *args, account_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["account"].choices = [("", "— choose —"), *account_choices]
