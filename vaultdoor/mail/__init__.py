"""Mail defence: the phishing analyser (``vaultdoor.mail.analysis``), later the gateway."""
