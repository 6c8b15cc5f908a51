"""Compliance: each of the article's safety tips scored as a control, with evidence.

The last step of the spine (docs/compliance.md): scores are computed on demand from the state
the other apps keep and from the audit log, never typed in by hand, so the page an auditor
reads is what the centre does right now. The app has no models; it imports the domain apps,
and no domain app imports it.
"""
