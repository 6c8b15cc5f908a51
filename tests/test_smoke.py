"""The project starts: settings load and the CLI answers."""

from click.testing import CliRunner

from vaultdoor.cli import main


def test_cli_help_lists_commands():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    assert "init" in result.output
