"""How the one-shot commands (import, review, report, users) report a failure: one line on stderr, an exit code."""

from __future__ import annotations

import sys

from pydantic import ValidationError

from ..tools.errors import PlaybookInputError


def fail(message: str, code: int = 2) -> int:
    """Print `message` as the command's one error line; return the exit code (2: what the command was given)."""
    print(f"sales-playbook: {message}", file=sys.stderr)
    return code


def fail_validation(exc: ValidationError) -> int:
    """The first validation error, as `field.path: message` (exit 2)."""
    error = exc.errors(include_url=False)[0]
    return fail(f"{'.'.join(str(p) for p in error['loc'])}: {error['msg']}")


def fail_input(exc: PlaybookInputError) -> int:
    """A tool's input error: exit 2 for what the command was given, 1 when the database could not be used (the
    store tools report that on the field 'store'), as `users` does."""
    return fail(str(exc), 1 if exc.field == "store" else 2)
