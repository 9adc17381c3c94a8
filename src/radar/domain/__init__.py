"""The pure core: decisions over frozen dataclasses. Standard library only; time is passed in."""
