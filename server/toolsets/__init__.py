"""Toolsets: each module lists the ToolSpecs of one toolset (prospecting, deals, coaching, pipeline)."""
