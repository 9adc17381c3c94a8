"""The JSON API under /api/v1. Calls services only."""
