"""The project's own commands: check.py (lint and tests), audit.py (the dependency audit)."""
