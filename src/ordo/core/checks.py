"""Kernel integrity checks run by ``ordo check``."""

from .chain import seal_pending, verify_chain


def audit_chain_verifies() -> list[str]:
    """The audit chain verifies (invariant 5)."""
    seal_pending()
    report = verify_chain()
    return [] if report.is_intact else [report.describe()]


INTEGRITY_CHECKS = [audit_chain_verifies]
