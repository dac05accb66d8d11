"""graph package (built by a later issue)."""
