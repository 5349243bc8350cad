"""Article pages: decode, try the profile's templates (hinted one first), else the fallback."""

from __future__ import annotations

from collections.abc import Mapping

from dgportal_crawler.extract.decode import DecodedText, decode_html
from dgportal_crawler.extract.dom import parse_html
from dgportal_crawler.extract.draft import Draft, finish
from dgportal_crawler.extract.errors import ExtractionError
from dgportal_crawler.extract.fallback import read_fallback
from dgportal_crawler.extract.gkmlpt import read_detail
from dgportal_crawler.extract.pagemeta import meta_column_path
from dgportal_crawler.extract.sitenames import title_strip_names
from dgportal_crawler.extract.templates import read_template, template_order
from dgportal_crawler.items import ExtractedArticle
from dgportal_crawler.profile import SiteProfile


def extract_article(
    body: bytes,
    *,
    url: str,
    profile: SiteProfile,
    template: str | None = None,
    headers: Mapping[str, str] | None = None,
) -> ExtractedArticle:
    """Extract one article page; raises only :class:`ExtractionError`."""
    if not body or not body.strip():
        raise ExtractionError("empty response body")
    decoded = decode_html(body, headers)
    root = parse_html(decoded.text)
    strip_names = title_strip_names(profile, meta_column_path(root))
    # the disclosure platform's pages hold their data in a script, not in the DOM
    draft: Draft | None = read_detail(decoded.text, url) if "_CONFIG" in decoded.text else None
    tried: list[str] = []
    for sel in [] if draft is not None else template_order(profile, template):
        draft = read_template(root, sel, url, profile)
        if draft is not None and draft.paragraphs:
            break
        tried.append(sel.name)
        draft = None
    if draft is None:
        reason = f"no template matched (tried {', '.join(tried) or 'none'}); used the fallback"
        draft = read_fallback(root, url, profile, reason)
    elif template is not None and draft.template != template:
        draft.warnings.append(f"template {template!r} did not match; {draft.template!r} did")
    draft.encoding = decoded.record()
    draft.warnings.extend(_encoding_warnings(decoded))
    return finish(draft, profile, strip_names)


def _encoding_warnings(decoded: DecodedText) -> list[str]:
    warnings = []
    if decoded.conflict:
        declared = ", ".join(f"{k}={v}" for k, v in decoded.declared.items() if v)
        warnings.append(f"charset declarations disagree or are wrong ({declared}); "
                        f"read as {decoded.charset} ({decoded.source})")
    if decoded.undecodable_bytes:
        warnings.append(f"{decoded.undecodable_bytes} undecodable bytes replaced by U+FFFD")
    return warnings
