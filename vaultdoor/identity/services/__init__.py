"""What the identity app does, as functions the views, the CLI and other apps call."""
