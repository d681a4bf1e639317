"""Errors of the partners app (codes are part of the API contract)."""

from ordo.core.errors import DuplicateRecord, InvalidInput, InvalidTransition, NotFound


class PartnerNotFound(NotFound):
    code = "partner.not_found"


class PaymentTermNotFound(NotFound):
    code = "payment_term.not_found"


class DuplicatePartner(DuplicateRecord):
    code = "partner.duplicate"


class DuplicatePaymentTerm(DuplicateRecord):
    code = "payment_term.duplicate"


class DuplicateCustomerGroup(DuplicateRecord):
    code = "customer_group.duplicate"


class InvalidPaymentTerm(InvalidInput):
    code = "payment_term.percent_sum"


class PartnerAlreadyInState(InvalidTransition):
    code = "partner.state_unchanged"


class AddressNotFound(NotFound):
    code = "address.not_found"


class ContactNotFound(NotFound):
    code = "contact.not_found"
