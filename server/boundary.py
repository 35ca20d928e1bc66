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
from typing import Annotated, Any, Union, get_args, get_origin

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


def _shown(value: Any) -> str | None:
    """The offending value as the caller wrote it (JSON's null, true and false), shortened; an object or a long
    list is described rather than repeated."""
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    if isinstance(value, dict | list):
        text = json.dumps(value, ensure_ascii=False, default=str)
        if len(text) <= MAX_VALUE_SHOWN:
            return text
        return f"a list of {len(value)} items" if isinstance(value, list) else None
    text = repr(value)
    return text if len(text) <= MAX_VALUE_SHOWN else text[: MAX_VALUE_SHOWN - 1] + "…"


def _unwrap(annotation: Any) -> Any:
    """The type inside Annotated[...] and X | None."""
    while True:
        origin = get_origin(annotation)
        if origin is Annotated:
            annotation = get_args(annotation)[0]
        elif origin in (Union, UnionType):
            args = [arg for arg in get_args(annotation) if arg is not type(None)]
            if len(args) != 1:
                return annotation
            annotation = args[0]
        else:
            return annotation


def _model_at(model: type[BaseModel], loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The input model (or nested model) that the path `loc` leads to, if any."""
    annotation: Any = model
    for part in loc:
        annotation = _unwrap(annotation)
        origin = get_origin(annotation)
        if isinstance(part, int) and origin is list:
            annotation = get_args(annotation)[0]
        elif origin is dict:
            annotation = get_args(annotation)[1]
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel) and part in annotation.model_fields:
            annotation = annotation.model_fields[str(part)].annotation
        else:
            return None
    annotation = _unwrap(annotation)
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


DATE_ERRORS = {"date_type", "date_parsing", "date_from_datetime_parsing", "date_from_datetime_inexact", "date_format"}
OBJECT_ERRORS = {"model_type", "model_attributes_type", "dict_type"}


def _problem(model: type[BaseModel], item: Any) -> str:
    """`field.path: what is wrong (got value)` for one pydantic error, in the caller's terms: JSON types, no class
    names, the allowed fields or keys listed."""
    loc = tuple(item["loc"])
    kind = item["type"]
    ctx = item.get("ctx") or {}
    value = item.get("input")
    show = True
    if loc and loc[-1] == "[key]":  # a mapping key that is not allowed, e.g. deal.meddpicc.vibes
        loc, show = loc[:-1], False
        message = f"unknown key (allowed: {ctx['expected']})" if "expected" in ctx else item["msg"]
    elif kind == "missing":
        message, show = "required", False
    elif kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        allowed = ", ".join(parent.model_fields) if parent is not None else "see the tool's input schema"
        message, show = f"unknown field (allowed: {allowed})", False
    elif kind in OBJECT_ERRORS:
        message = "Input should be an object"
    elif kind in DATE_ERRORS:
        message = "Input should be a date as YYYY-MM-DD" + (f" ({ctx['error']})" if "error" in ctx else "")
        if kind == "date_from_datetime_inexact":
            message += ", without a time of day"
    elif kind == "string_too_long" and isinstance(value, str):
        message, show = f"{item['msg']} (got {len(value):,})", False
    else:
        message = item["msg"].removeprefix("Value error, ").replace(" after validation", "")
    where = ".".join(str(part) for part in loc) or "(arguments)"
    shown = _shown(value) if show else None
    return f"{where}: {message}" + (f" (got {shown})" if shown is not None else "")


def describe_validation_error(model: type[BaseModel], error: ValidationError) -> str:
    """One line per problem: `field.path: what is wrong (got value)`; unknown fields list the allowed ones."""
    problems = [_problem(model, item) for item in error.errors(include_url=False)[:MAX_ERRORS_SHOWN]]
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
