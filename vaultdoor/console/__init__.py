"""The operators' web console: server-rendered pages with htmx."""
