"""Input shape of the invoice, bill and credit note pages (types and required fields only;
the rules live in ``invoicing`` and ``einvoicing``)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms

LINE_ROWS = 8
MORE_ROWS = 4
MAX_ROWS = 200
LINE_FIELDS = ("description", "quantity", "unit_price", "tax", "discount_percent")
HIDDEN_LINE_FIELDS = ("account", "product", "unit")

STATE_FILTERS = [
    ("", "All states"),
    ("open", "Open"),
    ("draft", "Draft"),
    ("posted", "Posted"),
    ("partially_paid", "Partially paid"),
    ("paid", "Paid"),
    ("cancelled", "Cancelled"),
]


def parse_number(text: str) -> Decimal | None:
    """A decimal typed by a person ("12.50", " 3 "), None when blank; never a float."""
    text = (text or "").strip()
    if not text:
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise forms.ValidationError(
            f"“{text}” is not a number: type it like 12.50.", code="number"
        ) from None
    if not value.is_finite():
        raise forms.ValidationError(f"“{text}” is not a number.", code="number")
    return value


class NumberField(forms.CharField):
    """A decimal kept as text on the way in and parsed without floats."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 30)
        super().__init__(**kwargs)
        self.widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def clean(self, value):
        return parse_number(super().clean(value))


class DocumentFilterForm(forms.Form):
    state = forms.ChoiceField(choices=STATE_FILTERS, required=False, label="State")
    q = forms.CharField(required=False, max_length=100, label="Search")
    date_from = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    overdue = forms.BooleanField(required=False, label="Overdue only")


class DocumentForm(forms.Form):
    """The header of a draft and ``rows`` line rows (line<i>_<field>); blank rows are
    ignored. On edit the partner and currency cannot change (``locked``)."""

    partner = forms.TypedChoiceField(coerce=int, choices=())
    invoice_date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    currency = forms.CharField(max_length=3, required=False, help_text="ISO 4217, e.g. EUR")
    payment_term = forms.TypedChoiceField(
        coerce=int, empty_value=None, required=False, choices=(), label="Payment term"
    )
    partner_reference = forms.CharField(max_length=100, required=False)
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(
        self,
        *args,
        partner_choices: list[tuple[int, str]],
        term_choices: list[tuple[int, str]],
        tax_choices: list[tuple[str, str]],
        reference_label: str,
        partner_label: str,
        rows: int = LINE_ROWS,
        locked: bool = False,
        default_tax: str = "",
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.fields["partner"].choices = [("", "—"), *partner_choices]
        self.fields["partner"].label = partner_label
        self.fields["payment_term"].choices = [("", "Partner's default"), *term_choices]
        self.fields["partner_reference"].label = reference_label
        if locked:
            for name in ("partner", "currency"):
                self.fields[name].disabled = True
                self.fields[name].required = False
            self.fields["currency"].help_text = ""
        self.row_count = max(1, min(rows, MAX_ROWS))
        taxes = [("", "—"), *tax_choices]
        for i in range(self.row_count):
            self.fields[f"line{i}_description"] = forms.CharField(
                max_length=300, required=False, label="Description"
            )
            self.fields[f"line{i}_quantity"] = NumberField(label="Quantity")
            self.fields[f"line{i}_unit_price"] = NumberField(label="Unit price")
            self.fields[f"line{i}_tax"] = forms.ChoiceField(
                choices=taxes, required=False, label="Tax", initial=default_tax
            )
            self.fields[f"line{i}_discount_percent"] = NumberField(label="Discount %")
            # Kept from an existing draft line so saving does not lose them.
            self.fields[f"line{i}_account"] = forms.CharField(
                required=False, widget=forms.HiddenInput
            )
            self.fields[f"line{i}_product"] = forms.IntegerField(
                required=False, widget=forms.HiddenInput
            )
            self.fields[f"line{i}_unit"] = forms.CharField(required=False, widget=forms.HiddenInput)

    def line_rows(self):
        """Per row: its number, bound fields, hidden fields and (field name, error) pairs."""
        rows = []
        for i in range(self.row_count):
            fields = {name: self[f"line{i}_{name}"] for name in LINE_FIELDS}
            hidden = [self[f"line{i}_{name}"] for name in HIDDEN_LINE_FIELDS]
            errors = [(f.name, e) for f in fields.values() for e in f.errors]
            rows.append({"number": i + 1, "fields": fields, "hidden": hidden, "errors": errors})
        return rows

    def clean(self):
        data = super().clean()
        for i in range(self.row_count):
            if not self.row_is_filled(data, i):
                continue
            for name, label in (("quantity", "quantity"), ("unit_price", "unit price")):
                key = f"line{i}_{name}"
                if data.get(key) is None and key not in self.errors:
                    self.add_error(key, f"Give a {label}.")
        return data

    @staticmethod
    def row_is_filled(data: dict, i: int) -> bool:
        """A row counts once a description, quantity or price is typed (tax alone: no)."""
        return any(
            data.get(f"line{i}_{name}") not in (None, "")
            for name in ("description", "quantity", "unit_price")
        )


class CancelForm(forms.Form):
    reason = forms.CharField(max_length=250, required=False, label="Reason")


class CreditNoteForm(forms.Form):
    """Per original line the quantity to credit (blank or 0 = not credited)."""

    reason = forms.CharField(max_length=500, label="Reason")
    credit_date = forms.DateField(label="Date", widget=forms.DateInput(attrs={"type": "date"}))
    post = forms.BooleanField(required=False, initial=True, label="Post at once")

    def __init__(self, *args, line_ids: list[int], **kwargs):
        super().__init__(*args, **kwargs)
        self.line_ids = line_ids
        for line_id in line_ids:
            self.fields[f"quantity_{line_id}"] = NumberField(label="Quantity to credit")


class ImportForm(forms.Form):
    file = forms.FileField(
        label="UBL e-invoice (XML)",
        help_text="A supplier's UBL 2.1 invoice or credit note (Peppol BIS Billing 3.0).",
        widget=forms.ClearableFileInput(attrs={"accept": ".xml,application/xml,text/xml"}),
    )
