"""Alembic migrations of the plan store (run programmatically by optimizer.store.open_store)."""
