"""Input shape of the books pages: journal entries, periods and closing, report filters.

Types and required fields only; the rules live in the services. Amounts are text (no
float on the way in) and parsed by the view with ``parse_decimal``.
"""

from __future__ import annotations

from django import forms

from .models import EntryState

ENTRY_LINE_ROWS = 8
LINE_FIELDS = ("account", "partner", "label", "debit", "credit")

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EntryFilterForm(forms.Form):
    """The filters of the journal entry list (all optional)."""

    journal = forms.ChoiceField(required=False, choices=())
    state = forms.ChoiceField(required=False, choices=[("", "All states"), *EntryState.choices])
    date_from = forms.DateField(required=False, label="From", widget=DATE_INPUT)
    date_to = forms.DateField(required=False, label="To", widget=DATE_INPUT)

    def __init__(self, *args, journal_choices: list[tuple[str, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["journal"].choices = [("", "All journals"), *journal_choices]


class JournalEntryForm(forms.Form):
    """A draft journal entry: header and ``rows`` lines (at least ``ENTRY_LINE_ROWS``; a draft
    with more lines gets a row for each, so editing never drops one). Empty rows skipped."""

    journal = forms.ChoiceField(choices=())
    entry_date = forms.DateField(label="Date", widget=DATE_INPUT)
    reference = forms.CharField(max_length=200, required=False)
    label = forms.CharField(max_length=200, required=False)

    def __init__(
        self,
        *args,
        journal_choices: list[tuple[str, str]],
        account_choices: list[tuple[str, str]],
        rows: int = ENTRY_LINE_ROWS,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.rows = max(rows, ENTRY_LINE_ROWS)
        self.fields["journal"].choices = [("", "—"), *journal_choices]
        for i in range(self.rows):
            self.fields[f"line{i}_account"] = forms.ChoiceField(
                required=False,
                label="Account",
                choices=[("", "—"), *account_choices],
                widget=forms.Select(attrs={"aria-label": f"Account of line {i + 1}"}),
            )
            self.fields[f"line{i}_partner"] = forms.CharField(
                required=False, max_length=30, label="Partner"
            )
            self.fields[f"line{i}_label"] = forms.CharField(
                required=False, max_length=200, label="Label"
            )
            self.fields[f"line{i}_debit"] = forms.CharField(
                required=False, max_length=30, label="Debit"
            )
            self.fields[f"line{i}_credit"] = forms.CharField(
                required=False, max_length=30, label="Credit"
            )

    def line_rows(self) -> list[dict]:
        """Bound fields per row for the template: number, account … credit, fields, has_errors."""
        rows = []
        for i in range(self.rows):
            row = {"number": i + 1}
            for name in LINE_FIELDS:
                row[name] = self[f"line{i}_{name}"]
            row["fields"] = [row[name] for name in LINE_FIELDS]
            row["has_errors"] = any(field.errors for field in row["fields"])
            rows.append(row)
        return rows


class ReverseEntryForm(forms.Form):
    reversal_date = forms.DateField(label="Reversal date", widget=DATE_INPUT)
    reason = forms.CharField(max_length=250)


class PeriodStateForm(forms.Form):
    """Soft-lock, hard-lock or reopen a period; the reason goes to the audit trail."""

    state = forms.CharField(max_length=20)
    reason = forms.CharField(
        max_length=250,
        error_messages={"required": "Give a reason: it is kept in the audit trail."},
    )


class FiscalYearForm(forms.Form):
    start_date = forms.DateField(label="Starts", widget=DATE_INPUT)
    end_date = forms.DateField(label="Ends", widget=DATE_INPUT)
    name = forms.CharField(max_length=50, required=False, help_text="Default: the year(s)")


class ReportFilterForm(forms.Form):
    """The dates (and for the general ledger accounts and partner) of a report.

    ``needs`` names the date fields the report takes; the others are removed.
    """

    date_from = forms.DateField(required=False, label="From", widget=DATE_INPUT)
    date_to = forms.DateField(required=False, label="To", widget=DATE_INPUT)
    as_of = forms.DateField(required=False, label="As of", widget=DATE_INPUT)
    accounts = forms.CharField(
        required=False, max_length=500, label="Accounts", help_text="Codes, comma-separated"
    )
    partner = forms.CharField(required=False, max_length=30, label="Partner code")

    def __init__(self, *args, needs: tuple[str, ...], required: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in needs:
                del self.fields[name]
        for name in required:
            self.fields[name].required = True
