"""Console views, one module per area (NetBox style); URLs in `vaultdoor/console/urls.py`."""
