"""Typed reads where Tortoise's type hints are wrong: `values_list(field, flat=True)` is typed as tuples,
but gives plain values. Every such read in the domain goes through here, so mypy checks the rest."""

from __future__ import annotations

from typing import Any, cast

from tortoise.queryset import QuerySet


async def column(query: QuerySet[Any], field: str) -> list[Any]:
    """One field of every row, in the query's order."""
    return cast(list[Any], await query.values_list(field, flat=True))


async def ids(query: QuerySet[Any]) -> list[int]:
    return cast(list[int], await query.values_list('id', flat=True))


async def first_value(query: QuerySet[Any], field: str) -> Any | None:
    """One field of the query's first row (None without rows)."""
    return await query.first().values_list(field, flat=True)
