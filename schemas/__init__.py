"""Pydantic models: the single source of truth for tool inputs/outputs and for the knowledge files."""
