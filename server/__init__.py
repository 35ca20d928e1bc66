"""The I/O shell: MCP wiring, transports, settings, CLI, persistence and model calls. No scoring logic here."""
