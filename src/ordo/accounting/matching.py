"""Bank reconciliation matching: suggest which open items each bank statement line pays.

Pure: no ORM, no I/O. The caller loads the unreconciled lines, the open items and what it
knows of the partners' names and bank accounts, and writes the accepted suggestions.

Rules, best first (a line gets at most one suggestion; an item goes to at most one line):

1. ``reference_amount`` (100): a reference of one or more items (our number, the payment
   reference we printed, the supplier's own number on a bill) is in the payment text and
   the amount equals their open amounts.
2. ``partner_amount`` (80, or 60 when several items qualify): the counterparty is a known
   partner with an open item of exactly that amount.
3. ``tolerance`` (50): reference found, or a known partner with a single open item, and the
   difference is within tolerance: the items are paid in full and the difference written off.
4. ``reference_partial`` (40): reference found and the amount is lower than the open
   amount beyond tolerance: the line amount is allocated, oldest due item first.

Everything is indexed in dicts, so the cost grows with lines + items, not their product.
Conflicts are settled greedily: higher confidence first, then earlier booking date, then
lower line id; a line whose best candidate lost its item falls back to its next one.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from itertools import combinations, islice

from ordo.core.errors import InvalidInput, ValidationErrors

REFERENCE_AMOUNT = "reference_amount"
PARTNER_AMOUNT = "partner_amount"
TOLERANCE = "tolerance"
REFERENCE_PARTIAL = "reference_partial"

# Normalised references shorter than this are too likely to appear by chance ("2026", "12").
MIN_REFERENCE_LENGTH = 4
# A counterparty name fragment shorter than this does not identify a partner.
MIN_NAME_LENGTH = 4
# Subsets of referenced items are searched only up to this many items (2**12 sums).
MAX_SUBSET_ITEMS = 12
# An explanation lists at most this many references.
MAX_LISTED_REFERENCES = 5

LEGAL_FORMS = frozenset(
    {
        "ag",
        "bv",
        "bvba",
        "cvba",
        "gmbh",
        "inc",
        "limited",
        "llc",
        "ltd",
        "nv",
        "plc",
        "sa",
        "sarl",
        "sas",
        "scrl",
        "sprl",
        "srl",
        "vof",
    }
)

_TOKEN = re.compile(r"[^\W_]+")  # runs of letters and digits
_ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class BankLine:
    """One statement line; ``amount`` is signed: + money in, − money out."""

    id: int
    booking_date: dt.date
    amount: Decimal
    currency: str
    reference: str
    description: str
    counterparty_name: str
    counterparty_account: str


@dataclass(frozen=True, slots=True)
class OpenItem:
    """An open receivable or payable.

    ``direction`` is +1 when we expect money in (customer invoice, supplier credit note)
    and −1 when money goes out (supplier bill, customer credit note); ``open_amount`` > 0.
    """

    id: int
    number: str
    partner_id: int
    partner_name: str
    partner_reference: str
    payment_reference: str
    currency: str
    open_amount: Decimal
    direction: int
    due_date: dt.date


@dataclass(frozen=True, slots=True)
class PartnerHint:
    """Names and bank accounts a partner is known under."""

    partner_id: int
    names: tuple[str, ...]
    accounts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class MatchSettings:
    tolerance_absolute: Decimal = Decimal("1.00")
    tolerance_percent: Decimal = Decimal("0.5")
    allow_multi: bool = True


@dataclass(frozen=True, slots=True)
class Suggestion:
    """What to reconcile a line with.

    ``allocations`` are (item id, positive amount in the line's currency).
    ``writeoff`` is the signed bank-side difference: line amount − direction × allocated,
    so positive means more came in (or less went out) than the items needed.
    """

    line_id: int
    rule: str
    explanation: str
    confidence: int
    allocations: tuple[tuple[int, Decimal], ...]
    writeoff: Decimal
    partner_id: int


def normalise_reference(text: str) -> str:
    """Case-folded letters and digits only: 'INV/2026-00042' -> 'inv202600042'.

    Dropping every other character covers spaces, '/', '-', '+', '.' and the Belgian
    structured form '+++123/4567/89012+++' (-> '123456789012').
    """
    return "".join(_TOKEN.findall(text.casefold()))


def normalise_name(text: str) -> str:
    """Lower-case words without accents, punctuation or legal forms.

    'ACME RETAIL B.V.' and 'Acme Retail BV' both give 'acme retail'. A name made only of
    legal forms keeps them, so it still has something to compare.
    """
    return " ".join(_name_tokens(text))


def suggest(
    lines: Sequence[BankLine],
    items: Sequence[OpenItem],
    *,
    partners: Sequence[PartnerHint] = (),
    settings: MatchSettings = MatchSettings(),
) -> list[Suggestion]:
    """Suggest at most one match per line, each item for at most one line; sorted by line id.

    Raises ValidationErrors listing every bad input (duplicate ids, a float or non-positive
    open amount, a direction other than +1/−1, a negative tolerance).
    """
    _check_inputs(lines, items, settings)
    index = _Index(sorted(items, key=lambda item: item.id), partners)
    candidates: list[tuple[int, dt.date, int, int, _Candidate]] = []
    for line in sorted(lines, key=lambda line: line.id):
        for rank, candidate in enumerate(_line_candidates(line, index, settings)):
            candidates.append((-candidate.confidence, line.booking_date, line.id, rank, candidate))
    candidates.sort(key=lambda entry: entry[:4])

    taken_items: set[int] = set()
    done_lines: set[int] = set()
    suggestions: list[Suggestion] = []
    for _, _, line_id, _, candidate in candidates:
        if line_id in done_lines:
            continue
        suggestion = candidate.accept(taken_items)
        if suggestion is not None:
            done_lines.add(line_id)
            taken_items.update(item_id for item_id, _ in suggestion.allocations)
            suggestions.append(suggestion)
    suggestions.sort(key=lambda suggestion: suggestion.line_id)
    return suggestions


# --- candidates ---------------------------------------------------------------------------


class _Candidate:
    """A fixed proposal: valid while none of its items is taken."""

    __slots__ = ("confidence", "suggestion")

    def __init__(self, suggestion: Suggestion):
        self.confidence = suggestion.confidence
        self.suggestion = suggestion

    def accept(self, taken_items: set[int]) -> Suggestion | None:
        if any(item_id in taken_items for item_id, _ in self.suggestion.allocations):
            return None
        return self.suggestion


class _PoolCandidate(_Candidate):
    """Rule 2 with several same-amount items: the oldest one still free when accepted.

    The pool and its cursor are shared by every line of that partner and amount, so each
    item is skipped at most once overall instead of once per line.
    """

    __slots__ = ("line", "pool", "recognition")

    def __init__(self, line: BankLine, pool: _Pool, recognition: str, confidence: int):
        self.confidence = confidence
        self.line = line
        self.pool = pool
        self.recognition = recognition

    def accept(self, taken_items: set[int]) -> Suggestion | None:
        pool = self.pool
        while pool.cursor < len(pool.items) and pool.items[pool.cursor].id in taken_items:
            pool.cursor += 1
        if pool.cursor == len(pool.items):
            return None
        item = pool.items[pool.cursor]
        amount = abs(self.line.amount)
        if len(pool.items) == 1:
            explanation = f"{self.recognition} and {item.number} is its only open item of {amount}."
        else:
            which = "the oldest" if pool.cursor == 0 else "the oldest still unmatched"
            explanation = (
                f"{self.recognition} and {len(pool.items)} of its open items are of "
                f"{amount}; {item.number}, due {item.due_date.isoformat()}, is {which}."
            )
        return Suggestion(
            line_id=self.line.id,
            rule=PARTNER_AMOUNT,
            explanation=explanation,
            confidence=self.confidence,
            allocations=((item.id, item.open_amount),),
            writeoff=_ZERO,
            partner_id=item.partner_id,
        )


class _Pool:
    __slots__ = ("cursor", "items")

    def __init__(self) -> None:
        self.items: list[OpenItem] = []
        self.cursor = 0


def _line_candidates(
    line: BankLine, index: _Index, settings: MatchSettings
) -> Iterable[_Candidate]:
    """Every proposal for one line, best first (the order breaks ties of equal confidence)."""
    sign = 1 if line.amount > 0 else -1 if line.amount < 0 else 0
    if sign == 0:
        return
    currency = line.currency.upper()
    amount = abs(line.amount)
    recognised = index.recognise(line)
    partner_id = recognised[0] if recognised else None

    found = index.find_references(f"{line.reference} {line.description}")
    by_partner: dict[int, list[OpenItem]] = defaultdict(list)
    written = {item_id: text for item_id, (_, text) in found.items()}
    for item, _ in found.values():  # in item id order: deterministic
        if item.direction == sign and item.currency.upper() == currency:
            by_partner[item.partner_id].append(item)
    groups = sorted(
        (index.group(items) for items in by_partner.values()),
        key=lambda group: (
            group.items[0].partner_id != partner_id,
            _due_order(group.items[0]),
        ),
    )
    for group in groups:
        yield from _reference_candidates(line, amount, group, written, settings)

    if recognised is None:
        return
    partner_id, how = recognised
    pool = index.amount_pools.get((partner_id, sign, currency, amount))
    if pool is not None:
        name = pool.items[0].partner_name
        confidence = 80 if len(pool.items) == 1 else 60
        yield _PoolCandidate(line, pool, _recognition(line, how, name), confidence)
    partner_items = index.partner_items.get((partner_id, sign, currency), ())
    if len(partner_items) == 1:
        (item,) = partner_items
        difference = amount - item.open_amount
        if difference and abs(difference) <= _tolerance(item.open_amount, settings):
            recognition = _recognition(line, how, item.partner_name)
            yield _Candidate(
                _tolerance_suggestion(
                    line,
                    [item],
                    f"{recognition} and {item.number} is its only open item",
                    settings,
                )
            )


def _reference_candidates(
    line: BankLine,
    amount: Decimal,
    group: _Group,
    written: dict[int, str],
    settings: MatchSettings,
) -> Iterable[_Candidate]:
    """Rules 1, 3 and 4 for the referenced items of one partner."""
    items, total, multi = group.items, group.total, settings.allow_multi
    if total == amount and (multi or len(items) == 1):
        yield _Candidate(_exact_suggestion(line, items, written))
    elif len(items) > 1:
        for item in group.by_amount.get(amount, ()):
            yield _Candidate(_exact_suggestion(line, [item], written))
        if multi and 2 < len(items) <= MAX_SUBSET_ITEMS:
            for size in range(2, len(items)):
                matches = [
                    subset
                    for subset in combinations(items, size)
                    if sum((item.open_amount for item in subset), _ZERO) == amount
                ]
                for subset in matches:
                    yield _Candidate(_exact_suggestion(line, list(subset), written))
                if matches:
                    break

    if multi or len(items) == 1:
        difference = amount - total
        if difference and abs(difference) <= _tolerance(total, settings):
            yield _Candidate(
                _tolerance_suggestion(line, items, _reference_phrase(items, written), settings)
            )
        elif difference < 0:
            yield _Candidate(_partial_suggestion(line, amount, total, items, written))
    if len(items) > 1:
        for item in group.near(amount, settings):
            phrase = _reference_phrase([item], written)
            yield _Candidate(_tolerance_suggestion(line, [item], phrase, settings))


class _Group:
    """Referenced items of one partner, oldest due first, with what the rules look up.

    Lines quoting the same references share one group (see ``_Index.group``), so a
    reference printed on many items costs its sorting once, not once per line.
    """

    __slots__ = ("by_amount", "items", "opens", "total")

    def __init__(self, items: list[OpenItem]):
        self.items = sorted(items, key=_due_order)
        self.total = sum((item.open_amount for item in items), _ZERO)
        self.by_amount: dict[Decimal, list[OpenItem]] = defaultdict(list)
        for item in self.items:
            self.by_amount[item.open_amount].append(item)
        self.opens = sorted(self.by_amount)

    def near(self, amount: Decimal, settings: MatchSettings) -> list[OpenItem]:
        """Items whose open amount differs from ``amount``, but within tolerance."""
        percent = settings.tolerance_percent / 100
        if percent < 1:  # bound the window: tolerance(open) <= max(abs, (amount + t) * pct)
            reach = max(settings.tolerance_absolute, amount * percent / (1 - percent))
            low = bisect_left(self.opens, amount - reach)
            high = bisect_right(self.opens, amount + reach)
            opens = self.opens[low:high]
        else:
            opens = self.opens
        near = [
            item
            for open_amount in opens
            if open_amount != amount
            and abs(amount - open_amount) <= _tolerance(open_amount, settings)
            for item in self.by_amount[open_amount]
        ]
        return sorted(near, key=_due_order)


def _exact_suggestion(line: BankLine, items: list[OpenItem], written: dict[int, str]) -> Suggestion:
    amount = abs(line.amount)
    if len(items) == 1:
        tail = f"the amount {amount} equals its open amount."
    else:
        tail = f"the amount {amount} equals the sum of their open amounts."
    return Suggestion(
        line_id=line.id,
        rule=REFERENCE_AMOUNT,
        explanation=f"{_reference_phrase(items, written)} and {tail}",
        confidence=100,
        allocations=tuple((item.id, item.open_amount) for item in items),
        writeoff=_ZERO,
        partner_id=items[0].partner_id,
    )


def _tolerance_suggestion(
    line: BankLine, items: list[OpenItem], opening: str, settings: MatchSettings
) -> Suggestion:
    amount = abs(line.amount)
    total = sum((item.open_amount for item in items), _ZERO)
    difference = amount - total
    what = "its open amount" if len(items) == 1 else "the sum of their open amounts"
    more_or_less = "more" if difference > 0 else "less"
    tolerance = _tolerance(total, settings).quantize(total, rounding=ROUND_HALF_UP)
    explanation = (
        f"{opening}; the amount {amount} is {abs(difference)} {more_or_less} than {what} "
        f"{total}, within the tolerance of {tolerance}: "
        f"the difference is written off."
    )
    return Suggestion(
        line_id=line.id,
        rule=TOLERANCE,
        explanation=explanation,
        confidence=50,
        allocations=tuple((item.id, item.open_amount) for item in items),
        writeoff=line.amount - items[0].direction * total,
        partner_id=items[0].partner_id,
    )


def _partial_suggestion(
    line: BankLine,
    amount: Decimal,
    total: Decimal,
    items: list[OpenItem],
    written: dict[int, str],
) -> Suggestion:
    allocations: list[tuple[int, Decimal]] = []
    left = amount
    for item in items:
        part = min(left, item.open_amount)
        allocations.append((item.id, part))
        left -= part
        if not left:
            break
    if len(items) == 1:
        tail = f"the amount {amount} is less than its open amount {total}: a partial payment."
    else:
        tail = (
            f"the amount {amount} is less than the sum of their open amounts {total}: "
            f"a partial payment, allocated to the oldest due first."
        )
    return Suggestion(
        line_id=line.id,
        rule=REFERENCE_PARTIAL,
        explanation=f"{_reference_phrase(items, written)}; {tail}",
        confidence=40,
        allocations=tuple(allocations),
        writeoff=_ZERO,
        partner_id=items[0].partner_id,
    )


def _reference_phrase(items: list[OpenItem], written: dict[int, str]) -> str:
    """ "Reference 'INV/2026-00042' found..." or "References 'RF18 ...' (INV/...), '...' found..."."""
    labels = []
    for item in islice(items, MAX_LISTED_REFERENCES):
        text = written[item.id]
        labels.append(f"'{text}'" if text == item.number.strip() else f"'{text}' ({item.number})")
    if len(items) > MAX_LISTED_REFERENCES:
        labels.append(f"and {len(items) - MAX_LISTED_REFERENCES} more")
    noun = "Reference" if len(items) == 1 else "References"
    return f"{noun} {', '.join(labels)} found in the payment text"


def _recognition(line: BankLine, how: str, partner_name: str) -> str:
    if how == "account":
        return f"Counterparty account {line.counterparty_account} belongs to {partner_name}"
    return f"Counterparty '{line.counterparty_name}' is {partner_name}"


def _tolerance(open_amount: Decimal, settings: MatchSettings) -> Decimal:
    return max(settings.tolerance_absolute, open_amount * settings.tolerance_percent / 100)


def _due_order(item: OpenItem) -> tuple[dt.date, int]:
    return (item.due_date, item.id)


# --- indexes ------------------------------------------------------------------------------


class _Index:
    """Dict indexes over the open items and partner hints, built once per call."""

    def __init__(self, items: list[OpenItem], partners: Sequence[PartnerHint]):
        # normalised reference -> [(item, the text as written, whether it is the number)]
        self.references: dict[str, list[tuple[OpenItem, str, bool]]] = defaultdict(list)
        self.amount_pools: dict[tuple[int, int, str, Decimal], _Pool] = {}
        self.partner_items: dict[tuple[int, int, str], list[OpenItem]] = defaultdict(list)
        self.accounts: dict[str, set[int]] = defaultdict(set)
        self.names: dict[str, set[int]] = defaultdict(set)
        self.name_parts: dict[str, set[int]] = defaultdict(set)
        self.groups: dict[tuple[int, ...], _Group] = {}
        partner_names: dict[int, set[str]] = defaultdict(set)

        for item in sorted(items, key=_due_order):
            key = (item.partner_id, item.direction, item.currency.upper())
            self.partner_items[key].append(item)
            pool_key = (*key, item.open_amount)
            pool = self.amount_pools.get(pool_key)
            if pool is None:
                pool = self.amount_pools[pool_key] = _Pool()
            pool.items.append(item)
        for item in items:
            texts = [item.number, item.payment_reference]
            if item.direction == -1:  # a bill: the supplier's own number is in our payment
                texts.append(item.partner_reference)
            seen: set[str] = set()
            for position, text in enumerate(texts):
                normalised = normalise_reference(text)
                if len(normalised) >= MIN_REFERENCE_LENGTH and normalised not in seen:
                    seen.add(normalised)
                    self.references[normalised].append((item, text.strip(), position == 0))
            partner_names[item.partner_id].add(item.partner_name)
        # every prefix of a reference: a window of the payment text stops growing at once
        # when it cannot lead to one
        self.reference_prefixes = {
            key[:end] for key in self.references for end in range(1, len(key))
        }

        for hint in partners:
            partner_names[hint.partner_id].update(hint.names)
            for account in hint.accounts:
                normalised = normalise_reference(account)
                if normalised:
                    self.accounts[normalised].add(hint.partner_id)
        for partner_id, names in partner_names.items():
            for name in names:
                tokens = _name_tokens(name)
                if not tokens:
                    continue
                self.names["".join(tokens)].add(partner_id)
                for start in range(len(tokens)):
                    for end in range(start + 1, len(tokens) + 1):
                        if end - start < len(tokens):
                            self.name_parts["".join(tokens[start:end])].add(partner_id)

    def group(self, items: list[OpenItem]) -> _Group:
        key = tuple(item.id for item in items)
        group = self.groups.get(key)
        if group is None:
            group = self.groups[key] = _Group(items)
        return group

    def find_references(self, text: str) -> dict[int, tuple[OpenItem, str]]:
        """Items whose reference is in the text, aligned on word boundaries, by item id.

        Each item comes with its reference as written (its number when that was found).
        'INV/2026-0004' is not found in 'INV/2026-00042', and a hit inside a longer hit
        (a bill numbered '2026' inside 'INV/2026-00042') is dropped.
        """
        tokens = _TOKEN.findall(text.casefold())
        hits: list[tuple[int, int, str]] = []
        prefixes = self.reference_prefixes
        for start in range(len(tokens)):
            joined = ""
            for end in range(start, len(tokens)):
                joined += tokens[end]
                if joined in self.references:
                    hits.append((start, end, joined))
                if joined not in prefixes:
                    break
        found: dict[int, tuple[OpenItem, str]] = {}
        for start, end, key in hits:
            if any(s <= start and end <= e and (s, e) != (start, end) for s, e, _ in hits):
                continue
            for item, written, is_number in self.references[key]:
                if is_number or item.id not in found:
                    found[item.id] = (item, written)
        return dict(sorted(found.items()))

    def recognise(self, line: BankLine) -> tuple[int, str] | None:
        """(partner id, 'account' or 'name') when the counterparty is one known partner."""
        account = normalise_reference(line.counterparty_account)
        if account:
            owners = self.accounts.get(account)
            if owners is not None and len(owners) == 1:
                return next(iter(owners)), "account"
        tokens = _name_tokens(line.counterparty_name)
        full = "".join(tokens)
        if len(full) < MIN_NAME_LENGTH:
            return None
        owners = self.names.get(full)
        if owners is not None:
            return (next(iter(owners)), "name") if len(owners) == 1 else None
        # a known name inside the counterparty's ("ACME RETAIL BV BRUSSELS"), longest first
        for size in range(len(tokens) - 1, 0, -1):
            matched: set[int] = set()
            for start in range(len(tokens) - size + 1):
                window = "".join(tokens[start : start + size])
                if len(window) >= MIN_NAME_LENGTH:
                    matched |= self.names.get(window, set())
            if matched:
                return (next(iter(matched)), "name") if len(matched) == 1 else None
        # the counterparty's name inside a known one (a bank that cuts names short)
        owners = self.name_parts.get(full)
        if owners is not None and len(owners) == 1:
            return next(iter(owners)), "name"
        return None


def _name_tokens(text: str) -> list[str]:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    tokens = _TOKEN.findall(plain.replace(".", ""))
    kept = [token for token in tokens if token not in LEGAL_FORMS]
    return kept or tokens


# --- input checks -------------------------------------------------------------------------


def _check_inputs(
    lines: Sequence[BankLine], items: Sequence[OpenItem], settings: MatchSettings
) -> None:
    errors: list[InvalidInput] = []
    seen_lines: set[int] = set()
    for position, line in enumerate(lines):
        if line.id in seen_lines:
            errors.append(
                InvalidInput(
                    f"Bank line {line.id} is given twice.",
                    field=f"lines[{position}].id",
                    code="matching.duplicate_line",
                )
            )
        seen_lines.add(line.id)
        if not isinstance(line.amount, Decimal) or not line.amount.is_finite():
            errors.append(
                InvalidInput(
                    f"Bank line {line.id} has amount {line.amount!r}: a finite Decimal is needed.",
                    field=f"lines[{position}].amount",
                    code="matching.invalid_amount",
                )
            )
    seen_items: set[int] = set()
    for position, item in enumerate(items):
        if item.id in seen_items:
            errors.append(
                InvalidInput(
                    f"Open item {item.id} ({item.number}) is given twice.",
                    field=f"items[{position}].id",
                    code="matching.duplicate_item",
                )
            )
        seen_items.add(item.id)
        if (
            not isinstance(item.open_amount, Decimal)
            or not item.open_amount.is_finite()
            or item.open_amount <= 0
        ):
            errors.append(
                InvalidInput(
                    f"Open item {item.number} has open amount {item.open_amount!r}: "
                    f"a Decimal above zero is needed.",
                    field=f"items[{position}].open_amount",
                    code="matching.invalid_amount",
                )
            )
        if item.direction not in (1, -1):
            errors.append(
                InvalidInput(
                    f"Open item {item.number} has direction {item.direction!r}: "
                    f"use 1 (money in) or -1 (money out).",
                    field=f"items[{position}].direction",
                    code="matching.invalid_direction",
                )
            )
    for field in ("tolerance_absolute", "tolerance_percent"):
        value = getattr(settings, field)
        if not isinstance(value, Decimal) or not value.is_finite() or value < 0:
            errors.append(
                InvalidInput(
                    f"Matching setting {field} is {value!r}: a Decimal of zero or more is needed.",
                    field=f"settings.{field}",
                    code="matching.invalid_setting",
                )
            )
    if errors:
        raise ValidationErrors(errors)
