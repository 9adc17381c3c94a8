"""The `radar` command: server administration and a client for the API."""
