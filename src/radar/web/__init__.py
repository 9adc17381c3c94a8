"""The web UI: server-rendered pages (Jinja2), enhanced with HTMX, over the same services as the
API. Every action is a plain form post that works without JavaScript."""
