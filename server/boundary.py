"""The boundary between the wire and the pure tools: argument validation with readable errors, JSON-string
pre-parsing (some clients send objects as JSON text), locale and 'today' resolution.
"""

from __future__ import annotations

import gc
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from types import UnionType
from typing import Any, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError

from ..schemas.common import DatedInput, Locale, ToolInput
from ..tools.locale import detect_locale

MAX_ERRORS_SHOWN = 5
MAX_VALUE_SHOWN = 60


class InvalidArguments(ValueError):
    """Arguments that do not match the tool's input model; the message names each field and what is allowed."""


def _annotation_is_str(annotation: Any) -> bool:
    """str, or str | None: a field where a JSON-looking string is meant as text."""
    if annotation is str:
        return True
    if get_origin(annotation) not in (Union, UnionType):
        return False
    args = get_args(annotation)
    return str in args and all(arg in (str, type(None)) for arg in args)


def preparse_json_strings(model: type[BaseModel], arguments: dict[str, Any]) -> dict[str, Any]:
    """Decode a JSON object/array sent as a string for a field that is not a string field."""
    parsed = dict(arguments)
    for key, value in arguments.items():
        field = model.model_fields.get(key)
        if field is None or not isinstance(value, str) or _annotation_is_str(field.annotation):
            continue
        stripped = value.lstrip()
        if not stripped.startswith(("{", "[")):
            continue
        try:
            decoded = json.loads(value)
        except (ValueError, RecursionError):
            continue
        if isinstance(decoded, dict | list):
            parsed[key] = decoded
    return parsed


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= MAX_VALUE_SHOWN else text[: MAX_VALUE_SHOWN - 1] + "…"


def describe_validation_error(model: type[BaseModel], error: ValidationError) -> str:
    """One line per problem: `field.path: what is wrong (got value)`; unknown fields list the allowed ones."""
    problems: list[str] = []
    for item in error.errors(include_url=False)[:MAX_ERRORS_SHOWN]:
        where = ".".join(str(part) for part in item["loc"]) or "(arguments)"
        kind = item["type"]
        if kind == "missing":
            problems.append(f"{where}: required")
        elif kind == "extra_forbidden":
            allowed = ", ".join(model.model_fields) if len(item["loc"]) == 1 else "see the tool's input schema"
            problems.append(f"{where}: unknown field (allowed: {allowed})")
        else:
            message = item["msg"].removeprefix("Value error, ")
            problems.append(f"{where}: {message} (got {_shown(item.get('input'))})")
    extra = error.error_count() - MAX_ERRORS_SHOWN
    if extra > 0:
        problems.append(f"… and {extra} more")
    return "; ".join(problems)


_pause_lock = threading.Lock()
_pauses = 0
_was_enabled = False


@contextmanager
def gc_paused() -> Iterator[None]:
    """Hold off the cyclic garbage collector while a call builds many objects at once.

    Validating 10,000 deals, or reviewing them, allocates a few hundred thousand acyclic objects (models, dicts,
    lists: reference counting frees them); each allocation burst otherwise sets off repeated full collections
    that walk every live object, about half the time of such a call. The collector runs again as soon as the
    last paused call ends (nesting and concurrent calls are counted), and nothing it would have freed is lost.
    """
    global _pauses, _was_enabled
    with _pause_lock:
        if _pauses == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _pauses += 1
    try:
        yield
    finally:
        with _pause_lock:
            _pauses -= 1
            if _pauses == 0 and _was_enabled:
                gc.enable()


def validate_arguments(model: type[ToolInput], arguments: dict[str, Any]) -> ToolInput:
    if not isinstance(arguments, dict):
        raise InvalidArguments("arguments must be a JSON object")
    try:
        with gc_paused():
            return model.model_validate(preparse_json_strings(model, arguments))
    except ValidationError as exc:
        raise InvalidArguments(describe_validation_error(model, exc)) from exc
    except RecursionError as exc:
        raise InvalidArguments("arguments are nested too deeply") from exc


def resolve_locale(inp: ToolInput, default: Locale) -> Locale:
    return inp.locale or detect_locale(inp, default)


def resolve_today(inp: ToolInput, today: date) -> date:
    if isinstance(inp, DatedInput) and inp.as_of is not None:
        return inp.as_of
    return today
