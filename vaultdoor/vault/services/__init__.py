"""What the vault does, as functions the console, the API and the CLI call."""
