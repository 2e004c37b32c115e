"""The embedded stack of `iurc up`: Temporal's dev server, PostgreSQL and the worker."""
