"""The policy file (YAML): its schema and strict loading with file:line:column errors."""
