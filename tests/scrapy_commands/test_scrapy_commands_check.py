"""``scrapy check`` inside the project: Scrapy's command with the archive switched off, and an
unknown spider name refused in one line (exit 2) instead of Scrapy's KeyError traceback."""

from __future__ import annotations

import pytest
from scrapy.commands.check import Command as ScrapyCheck
from scrapy_commands_helpers import SITE, one_line_error, processed, scrapy

from dgportal_crawler.scrapy_commands.check import Command


def test_it_is_scrapy_s_check_defined_in_its_module():
    assert issubclass(Command, ScrapyCheck)
    assert Command.__module__ == "dgportal_crawler.scrapy_commands.check"


def test_the_archive_root_is_emptied_whatever_the_command_line_says():
    command = processed(Command, ["-s", "DGPORTAL_ARCHIVE_ROOT=/srv/archive"])
    assert command.settings["DGPORTAL_ARCHIVE_ROOT"] == ""


@pytest.mark.parametrize("argv", [(), (SITE,)])
def test_the_project_s_spiders_have_no_contracts_to_fail(tmp_path, argv):
    done = scrapy("check", "--nolog", *argv, archive=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Ran 0 contracts" in done.stderr and done.stderr.rstrip().endswith("OK")
    assert list(tmp_path.iterdir()) == []


def test_list_names_no_contract(tmp_path):
    done = scrapy("check", "--nolog", "--list", archive=tmp_path)
    assert (done.returncode, done.stdout.strip()) == (0, ""), done.stderr[-2000:]


@pytest.mark.parametrize("argv", [("nosuch",), (SITE, "nosuch")])
def test_an_unknown_spider_is_one_line_and_exit_2(tmp_path, argv):
    done = scrapy("check", "--nolog", *argv, archive=tmp_path)
    assert done.returncode == 2
    assert one_line_error(done) == "scrapy check: error: no spider named 'nosuch'; the project's spiders: houjie"
