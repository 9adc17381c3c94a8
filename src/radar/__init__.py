"""Radar: self-hosted incident management. The process as code; a response that runs itself."""

__version__ = "0.1.0"
