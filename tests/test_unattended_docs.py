"""The README's crontab line and systemd units work as written (against the replica), and
``--quiet`` prints nothing on a clean run but everything when a run needs a look."""

from __future__ import annotations

import configparser
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dgportal_crawler.config import DEFAULTS
from dgportal_crawler.replica import ReplicaServer
from tests.conftest import REPLICA_ARTICLES, REPLICA_SEED

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
INSTALLED = "/opt/dgportal/.venv/bin/dgportal"


def blocks(language: str) -> list[str]:
    """Fenced blocks of ``language`` whose first line is a ``# dgportal:`` marker comment."""
    found = re.findall(rf"```{language}\n(# dgportal:.*?)```", README, re.S)
    assert found, f"README lost its {language} blocks"
    return found


def runnable(command: str, out: Path, base_url: str) -> list[str]:
    """The documented command, with this machine's interpreter, a temp archive and the replica."""
    argv = shlex.split(command)
    assert argv[0] == INSTALLED, argv
    argv = [sys.executable, "-m", "dgportal_crawler", *argv[1:]]
    argv = [str(out) if a == "/data/archive" else a for a in argv]
    return [*argv, "--base-url", base_url, "--columns", "fttd"]


def run(argv: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(argv, capture_output=True, text=True, timeout=240, stdin=subprocess.DEVNULL)


def test_the_crontab_line_runs_and_is_silent_when_all_is_well(replica_server, tmp_path):
    (line,) = [ln for ln in blocks("crontab")[0].splitlines() if ln and not ln.startswith("#")]
    minute, hour, day, month, weekday, command = line.split(maxsplit=5)
    assert (minute, hour, day, month, weekday) == ("15", "3", "*", "*", "*")
    assert command.startswith("cd /data && ")
    done = run(runnable(command.removeprefix("cd /data && "), tmp_path, replica_server.base_url))
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")  # cron mails nothing
    assert (tmp_path / "houjie" / "articles").is_dir()


def units() -> dict[str, configparser.ConfigParser]:
    parsed = {}
    for block in blocks("ini"):
        name = block.splitlines()[0].rsplit("/", 1)[-1]
        unit = configparser.ConfigParser(interpolation=None, strict=True)
        unit.optionxform = str  # systemd keys are case-sensitive
        unit.read_string(block)
        parsed[name] = unit
    return parsed


def test_the_systemd_units_are_well_formed_and_the_service_runs(replica_server, tmp_path):
    found = units()
    service, timer = found["dgportal-houjie.service"], found["dgportal-houjie.timer"]
    assert service["Service"]["Type"] == "oneshot"
    assert "3" in service["Service"]["SuccessExitStatus"].split()  # try later is not a failure
    assert re.fullmatch(r"\*-\*-\* \d\d:\d\d:\d\d", timer["Timer"]["OnCalendar"])
    assert timer["Install"]["WantedBy"] == "timers.target"
    done = run(runnable(service["Service"]["ExecStart"], tmp_path, replica_server.base_url))
    assert (done.returncode, done.stderr) == (0, "")


@pytest.fixture(scope="module")
def degraded_server() -> Iterator[ReplicaServer]:
    with ReplicaServer(seed=REPLICA_SEED, articles=REPLICA_ARTICLES, degraded=1.0) as srv:
        yield srv


def test_quiet_speaks_up_when_a_run_needs_a_look(degraded_server, tmp_path):
    done = run([sys.executable, "-m", "dgportal_crawler", "crawl", "houjie", "--quiet", "--out", str(tmp_path),
                "--base-url", degraded_server.base_url, "--columns", "fttd"])
    assert done.returncode == 1
    assert "needed the fallback extractor" in done.stderr  # the warning
    assert "fttd 访谈直播" in done.stderr  # the table
    assert "attention: health check(s) breached: fallback_rate" in done.stderr


def test_every_setting_is_documented():
    documented = set(re.findall(r"^\| `(DGPORTAL_[A-Z_]+)` \|", README, re.M))
    assert set(DEFAULTS) == documented
