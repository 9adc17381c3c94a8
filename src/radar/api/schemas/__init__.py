"""API schemas: ``*Create`` / ``*Patch`` for input, ``*Out`` for output."""
