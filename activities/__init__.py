"""Side effects of the lifecycle: the event store, the read model and notification delivery.

Workflows know activities only by the names and models in `contracts`, so that the workflow
sandbox never imports a database driver, and nothing here imports a workflow.
"""
