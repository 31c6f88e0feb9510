"""Use cases and the ports (Protocols) they need; no I/O of their own."""
