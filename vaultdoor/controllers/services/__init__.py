"""What the controllers app does: enrol, authenticate, compile and sign, ingest, alarm."""
