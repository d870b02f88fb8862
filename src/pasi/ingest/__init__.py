"""Connectors: each source format becomes conversations, documents or items."""
