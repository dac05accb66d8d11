"""search package (built by a later issue)."""
