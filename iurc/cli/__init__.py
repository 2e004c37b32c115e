"""`iurc`: the secretariat's command line (Typer and Rich), built on the typed client."""
