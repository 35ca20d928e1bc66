"""The one error a tool raises for input it cannot work with; the server turns it into an MCP tool error."""

from __future__ import annotations


class PlaybookInputError(ValueError):
    """Input that passed the schema but breaks a playbook rule (names the field and what is allowed)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
