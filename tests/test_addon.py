import pytest
from scrapy.settings import Settings

from dgportal_crawler.addon import DgportalAddon, is_loopback_url, user_agent


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("http://127.0.0.1:8800/houjie/", True),
        ("http://localhost/houjie/", True),
        ("http://[::1]:9/", True),
        ("https://www.dg.gov.cn/houjie/", False),
        ("http://10.0.0.1/", False),
        ("", False),
    ],
)
def test_is_loopback_url(url, expected):
    assert is_loopback_url(url) is expected


def _applied(**values) -> Settings:
    settings = Settings()
    settings.setmodule("dgportal_crawler.settings", priority="project")
    settings.setdict(values, priority="cmdline")
    DgportalAddon().update_settings(settings)
    return settings


def test_real_site_is_crawled_politely_with_an_honest_user_agent():
    settings = _applied(DGPORTAL_CONTACT="archivist@example.org")
    assert settings.getbool("ROBOTSTXT_OBEY") and settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getfloat("DOWNLOAD_DELAY") == 1.0
    assert settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2
    assert settings["USER_AGENT"].startswith("dgportal-crawler/")
    assert "contact: archivist@example.org" in settings["USER_AGENT"]


def test_replica_on_loopback_is_fast_but_still_obeys_robots():
    settings = _applied(DGPORTAL_BASE_URL="http://127.0.0.1:8800/houjie/")
    assert settings.getbool("ROBOTSTXT_OBEY")
    assert not settings.getbool("AUTOTHROTTLE_ENABLED")
    assert settings.getfloat("DOWNLOAD_DELAY") == 0.0


def test_command_line_settings_win_over_the_addon():
    settings = _applied(DOWNLOAD_DELAY=5, AUTOTHROTTLE_ENABLED=False)
    assert settings.getfloat("DOWNLOAD_DELAY") == 5.0
    assert not settings.getbool("AUTOTHROTTLE_ENABLED")


def test_user_agent_says_when_no_contact_is_set():
    assert "no contact configured; set DGPORTAL_CONTACT" in user_agent("")
