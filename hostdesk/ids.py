"""Ids in URLs: one converter for every `<int:...>` of the app, from 1 up to the largest id a
table of ours can hold. A larger number is no id of ours: 404 before any view or query sees it
(a query with it failed with OverflowError)."""
from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter

from .database import MAX_ID


class IdConverter(IntegerConverter):
    def __init__(self, map, fixed_digits: int = 0, min: int | None = 1, max: int | None = MAX_ID,  # noqa: A002
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def register_ids(app: Flask) -> None:
    """Before any blueprint: a rule takes its converter when it is added."""
    app.url_map.converters["int"] = IdConverter
