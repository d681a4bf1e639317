from ordo.core.errors import Conflict, InvalidInput, PermissionDenied


class InvalidVatNumber(InvalidInput):
    code = "vat.invalid"


class SelfApprovalRefused(PermissionDenied):
    code = "approval.self_approval"


class NotAnApprover(PermissionDenied):
    code = "approval.not_approver"


class ApprovalAlreadyDecided(Conflict):
    code = "approval.already_decided"


class AuditChainBroken(Conflict):
    code = "audit.chain_broken"
