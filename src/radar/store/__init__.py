"""Storage adapter: SQLAlchemy 2 on SQLite (embedded) or PostgreSQL (at scale)."""
