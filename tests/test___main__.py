"""``python -m dgportal_crawler``: the dgportal command run as a module, in a subprocess as a
user runs it: help, version, and the exit code of ``main`` passed on to the shell."""

from __future__ import annotations

import re
import subprocess
import sys
from importlib import metadata

from dgportal_crawler import __version__

COMMANDS = ("crawl", "worker", "clean", "verify", "rebuild-state", "reextract", "replica", "columns",
            "export", "stats")


def run_module(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dgportal_crawler", *args], capture_output=True,
                          text=True, timeout=60, stdin=subprocess.DEVNULL)


def test_version_prints_the_program_and_the_distribution_version():
    done = run_module("--version")
    assert (done.returncode, done.stdout, done.stderr) == (0, f"dgportal {__version__}\n", "")
    assert __version__ == metadata.version("dgportal-crawler")  # one version, not two


def test_help_names_the_program_and_every_command():
    done = run_module("--help")
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith("usage: dgportal ")
    for command in COMMANDS:
        # a long name gets its help on the next line
        assert re.search(rf"^    {command}(\s|$)", done.stdout, re.MULTILINE), command


def test_a_command_help_is_that_command_s_usage():
    done = run_module("export", "--help")
    assert done.returncode == 0
    assert done.stdout.startswith("usage: dgportal export ")
    assert "--format" in done.stdout and "--out" in done.stdout


def test_no_command_is_a_usage_error():
    done = run_module()
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines()[-1] == (
        "dgportal: error: the following arguments are required: COMMAND")
    assert "Traceback" not in done.stderr


def test_an_unknown_command_is_a_usage_error():
    done = run_module("crawll")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.splitlines()[-1].startswith("dgportal: error: argument COMMAND: invalid choice: 'crawll'")


def test_a_command_error_becomes_the_exit_code_with_one_line():
    done = run_module("columns", "nosuch")
    assert (done.returncode, done.stdout) == (2, "")
    assert done.stderr == "dgportal: error: nosuch: no such site; built-in sites: houjie\n"
