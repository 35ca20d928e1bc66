"""sales-playbook: a B2B sales playbook as an MCP server (typed tools over deterministic rules)."""

__version__ = "0.1.0"
