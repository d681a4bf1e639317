"""Bank statement files (camt.053, MT940, OFX) read into plain values: no ORM, no I/O."""

from .camt053 import parse_camt053
from .detect import detect_format, parse_statement_file
from .model import ParsedStatement, StatementLine, compute_line_hash
from .mt940 import parse_mt940
from .ofx import parse_ofx

__all__ = [
    "ParsedStatement",
    "StatementLine",
    "compute_line_hash",
    "detect_format",
    "parse_camt053",
    "parse_mt940",
    "parse_ofx",
    "parse_statement_file",
]
