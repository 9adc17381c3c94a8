"""Use cases. Every entry point (API, CLI, web, Slack, engine) calls these, nothing below."""
