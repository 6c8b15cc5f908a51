"""Run the operator CLI as `python -m vaultdoor`."""

from vaultdoor.cli import main

main()
