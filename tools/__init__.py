"""Pure domain functions, one module per playbook capability: schema in, schema out; no I/O, no clock, no mcp."""
