"""The ``dgportal`` subcommands, one module each; :mod:`dgportal_crawler.cli` dispatches."""


class CommandError(Exception):
    """A user mistake or an unusable environment: one line on stderr, exit code 2."""
