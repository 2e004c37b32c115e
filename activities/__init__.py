"""Side effects of the lifecycle: the event store, the read model and the notification outbox.

Workflows know activities only through `activities.contracts` (names and models), so that
the workflow sandbox never imports a database driver.
"""
