"""Loading a profile for a command, with user mistakes turned into :class:`CommandError`."""

from __future__ import annotations

from dgportal_crawler.commands import CommandError
from dgportal_crawler.profile import ProfileError, SiteProfile, load_profile


def profile_or_error(site: str, base_url: str | None = None, option: str = "--base-url") -> SiteProfile:
    try:
        profile = load_profile(site)
    except ProfileError as exc:
        raise CommandError(str(exc)) from None
    if not base_url:
        return profile
    try:
        return profile.with_base_url(base_url)
    except ProfileError as exc:  # the value came from the command line, not the file
        raise CommandError(f"{option}: {exc.problem}") from None
