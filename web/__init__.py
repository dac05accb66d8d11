"""web package (built by a later issue)."""
