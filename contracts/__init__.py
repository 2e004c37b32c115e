"""What workflows, activities and clients agree on: names and models, and nothing else.

Workflows call activities and clients call workflows by name, so both sides import those
names from here rather than from each other: activities never import workflows, workflows
never import activities, and a service in another codebase can copy a name without
importing the class. Only the domain and pydantic are imported, so the workflow sandbox
passes this package through unchanged.
"""
