"""The edge door controller: offline decisions, event spool, reader drivers. No Django."""
