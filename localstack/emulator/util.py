"""Small helpers shared by the service modules."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from moto.moto_api._internal import mock_random

from .wsgi import ApiError


def now_iso(dt: datetime | None = None) -> str:
    """ISO 8601 UTC with microseconds, as the REST-JSON services answer."""
    return (dt or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def iso_seconds(dt: datetime) -> str:
    """ISO 8601 UTC to the second, as the query services (IAM, CloudTrail events) write it."""
    return dt.strftime("%Y-%m-%dT%H:%M:%SZ")


def rid(n: int = 12) -> str:
    """A random lower-case id from moto's seedable generator (/moto-api/seed)."""
    return str(mock_random.get_random_string(length=n, lower_case=True))


def uuid4() -> str:
    return str(mock_random.uuid4())


def random_string(n: int) -> str:
    return str(mock_random.get_random_string(n))


def last_arn_part(ident: str) -> str:
    """`abc` for `abc` or `arn:...:guardrail/abc`."""
    return ident.rsplit("/", 1)[1] if ident.startswith("arn:") else ident


def json_page(items: list[Any], body: dict[str, Any], token_key: str, default: int, limit: int,
              bad_token: tuple[str, str]) -> tuple[list[Any], str | None]:
    """One page of `items` for an awsJson list operation: `MaxResults` (capped at `limit`,
    `default` when absent), the token under `token_key` (an offset this emulator issued;
    another one raises the service's `bad_token` error: (code, message)). Returns the page and
    the next token (None on the last page)."""
    token = body.get(token_key) or "0"
    if not str(token).isdigit():
        raise ApiError(400, bad_token[0], bad_token[1])
    start = int(token)
    n = min(int(body.get("MaxResults") or default), limit)
    return items[start:start + n], (str(start + n) if start + n < len(items) else None)
