"""The service's application layer: settings, logging, the typed client, and (later) the CLI."""
