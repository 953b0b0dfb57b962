"""The chat service: domain, store, bus and the Flask edges."""
