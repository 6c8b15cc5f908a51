"""What the server does with sites and doors: import/export, snapshots and decisions.

Used by the CLI, the REST API and the console alike, so each rule lives in one place.
"""
