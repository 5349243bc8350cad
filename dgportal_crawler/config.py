"""The ``DGPORTAL_*`` settings: every default, once.

The add-on (:mod:`dgportal_crawler.addon`) puts these defaults into the crawler's settings
at add-on priority, so a project's ``settings.py``, ``-s`` or ``custom_settings`` win.
Components read them through the getters below, which fall back to the same table when a
crawler was built without the add-on (a unit test's ``get_crawler``).
"""

from __future__ import annotations

from typing import Any

from scrapy.settings import BaseSettings

from dgportal_crawler.store import warc

DEFAULTS: dict[str, Any] = {
    "DGPORTAL_ARCHIVE_ROOT": "archive",  # output root; <root>/<site>/articles/…
    "DGPORTAL_PROFILE": "",  # a site name or a path to a profile TOML; default: the spider's site
    "DGPORTAL_BASE_URL": "",  # override the profile's base URL (e.g. the replica's)
    "DGPORTAL_CONTACT": "",  # e-mail or URL put in the User-Agent
    "DGPORTAL_RUN_ID": "",  # the run's id; default: a new one (see runcontext.new_run_id)
    "DGPORTAL_MODE": "incremental",  # incremental | full | resume (see incremental.py)
    "DGPORTAL_RECHECK_DAYS": 30,  # re-check known articles published within this many days
    "DGPORTAL_STOP_AFTER_SEEN_PAGES": 1,  # stop paging a column after this many all-known pages
    "DGPORTAL_FSYNC": False,  # fsync after every line (only a power loss needs it)
    "DGPORTAL_PROGRESS": "auto",  # progress bar: auto (only on a terminal), on, off
    "DGPORTAL_SUMMARY": True,  # print the per-column table at the end of a run
    "DGPORTAL_FALLBACK_WARN_RATE": 0.05,  # warn when more of a column needed the fallback
    "DGPORTAL_CLOCK": "",  # "fixed:<ISO time>" or a dotted path to a clock callable; default: now
    "DGPORTAL_WARC": True,  # keep every request/response in <root>/<site>/warc/
    "DGPORTAL_WARC_MAX_BYTES": warc.DEFAULT_MAX_BYTES,  # start a new WARC file past this size
    "DGPORTAL_LOCK_HELD": False,  # the caller (dgportal crawl) already holds the archive's lock
    "DGPORTAL_ATTACHMENTS": False,  # also fetch attachments (pdf, doc …) so the WARC keeps them
    "DGPORTAL_STATE_COMMIT_EVERY": 100,  # state writes per sqlite commit
    "DGPORTAL_GC_THRESHOLD": 20_000,  # dgportal crawl: allocations between young GC runs; 0 = Python's
    "DGPORTAL_MAX_TEXT_CHARS": 1_000_000,  # longer texts are not stored (counted as failed/invalid)
    # Bytes a list or article page may have (decoded), below DOWNLOAD_MAXSIZE (which attachments
    # keep): an endless or bombed answer is cut here, so several at once stay affordable.
    "DGPORTAL_PAGE_MAX_BYTES": 12 * 2**20,
    "DGPORTAL_CHALLENGE_THRESHOLD": 3,  # signal score of a captcha/WAF/rate-limit page (validate.py)
    "DGPORTAL_SOFT_PAGE_THRESHOLD": 3,  # signal score of a home or not-found page at an article URL
    "DGPORTAL_MAX_LIST_PAGES": 1000,  # list pages read per column and run: a trap's endless 下一页 ends
    "DGPORTAL_KEEP_RUNS": 90,  # run logs kept in runs/ (older ones are deleted; reports stay)
    "DGPORTAL_HEALTH_FAILURE_RATE": 0.05,  # health: share of a column's listed articles failing
    "DGPORTAL_HEALTH_CHALLENGES": 0,  # health: challenge/captcha answers tolerated per run
    "DGPORTAL_HEALTH_STALE_RUNS": 14,  # health: runs in a row without new articles; 0 = off
    "DGPORTAL_DISCOVER_MAX_REQUESTS": 200,  # requests one `dgportal discover` sends at most
    # Levels of child feeds (a feed's ``children``) read below a column's feed, in a crawl and
    # in discovery: a 专题专栏 feed lists its topics' feeds, not articles; 0 = children ignored.
    "DGPORTAL_FEED_MAX_DEPTH": 3,
    # Worker processes that extract article pages beside the crawl (extractworkers.py): auto =
    # one for an unpaced crawl (the replica, a mirror) on two usable CPUs; 0 = in the crawl's.
    "DGPORTAL_EXTRACT_PROCESSES": "auto",
}

#: Settings that go into HTTP headers or URLs: a line break there would forge a header.
ONE_LINE = ("DGPORTAL_CONTACT", "DGPORTAL_BASE_URL", "DGPORTAL_RUN_ID", "USER_AGENT")

#: Settings that take ``auto`` or a number of processes.
PROCESS_COUNTS = ("DGPORTAL_EXTRACT_PROCESSES",)

#: Allowed values of the settings that take one of a few words.
CHOICES: dict[str, tuple[str, ...]] = {
    "DGPORTAL_MODE": ("incremental", "full", "resume"),
    "DGPORTAL_PROGRESS": ("auto", "on", "off"),
}


def get(settings: BaseSettings, name: str) -> Any:
    return settings.get(name, DEFAULTS[name])


def get_bool(settings: BaseSettings, name: str) -> bool:
    return settings.getbool(name, DEFAULTS[name])


def get_int(settings: BaseSettings, name: str) -> int:
    return settings.getint(name, DEFAULTS[name])


def get_float(settings: BaseSettings, name: str) -> float:
    return settings.getfloat(name, DEFAULTS[name])


def get_str(settings: BaseSettings, name: str) -> str:
    return str(settings.get(name) or DEFAULTS[name])


def process_count(settings: BaseSettings, name: str) -> int | None:
    """A number of worker processes: ``auto`` is None; raises ``ValueError`` naming the
    setting for anything but ``auto`` or a whole number of at least 0."""
    value = str(get(settings, name)).strip().lower()
    if value == "auto":
        return None
    if not value.isdigit():
        raise ValueError(f"setting {name}={value!r} must be auto or a whole number of processes (0: none)")
    return int(value)


def check_values(settings: BaseSettings) -> list[str]:
    """One sentence per setting whose value cannot be used (``-s DOWNLOAD_DELAY=abc``), for
    every setting whose default is a number or a boolean (ours and Scrapy's), and our choices.
    Checked before a crawl starts, so a typo is exit code 2, not a traceback."""
    from scrapy.settings import default_settings

    problems = []
    for name, value in settings.items():
        default = DEFAULTS.get(name, getattr(default_settings, name, None))
        if isinstance(value, str) and isinstance(default, bool | int | float):  # '' is no number
            # Scrapy's own integer defaults (DOWNLOAD_DELAY = 0) also take fractions; ours do not.
            whole = isinstance(default, int) and not isinstance(default, bool) and name in DEFAULTS
            getter = (settings.getbool if isinstance(default, bool)
                      else settings.getint if whole else settings.getfloat)
            try:
                getter(name)
            except ValueError:
                kind = "true or false" if isinstance(default, bool) else "a whole number" if whole else "a number"
                problems.append(f"setting {name}={value!r} is not {kind}")
        if name in CHOICES and str(value) not in CHOICES[name]:
            problems.append(f"setting {name}={value!r} must be one of {', '.join(CHOICES[name])}")
        if name in PROCESS_COUNTS:
            try:
                process_count(settings, name)
            except ValueError as exc:
                problems.append(str(exc))
        if name in ONE_LINE and isinstance(value, str) and any(ord(c) < 32 or ord(c) == 127 for c in value):
            problems.append(f"setting {name}={value!r} contains control characters (a line break?)")
    return problems
