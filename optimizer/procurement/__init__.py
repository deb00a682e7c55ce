"""procurement layer."""
