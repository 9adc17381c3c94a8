"""Channels that deliver notifications from the outbox."""
