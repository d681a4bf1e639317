from __future__ import annotations

import datetime
from typing import Any

from ninja import Schema


class ImportResultOut(Schema):
    kind: str
    created: int
    updated: int
    rows: int
    import_id: int


class ImportRunSummaryOut(Schema):
    id: int
    kind: str
    filename: str
    sha256: str
    status: str
    row_count: int
    created_count: int
    updated_count: int
    error_count: int
    created_at: datetime.datetime


class ImportRunOut(ImportRunSummaryOut):
    errors: list[dict[str, Any]]  # the first 1000 problems of a failed run


class ImportRunPage(Schema):
    count: int
    limit: int
    offset: int
    items: list[ImportRunSummaryOut]
