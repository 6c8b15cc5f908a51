"""Mail pages: click-time links and report links (public, token-protected) and the console's
quarantine, reports and clicks."""
