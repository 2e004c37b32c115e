"""The application layer: settings, logging, the Temporal connection and codec, the typed
client, the composition root (`iurc.wiring`), the `iurc` CLI and the embedded stack."""
