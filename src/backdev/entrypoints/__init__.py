"""Thin doors into the use cases: the CLI (and later the MCP server)."""
