"""``dgportal clean FILE…``: re-clean saved pages or text captures into archive lines on stdout.

Archivists use it on captures made before this tool existed. Every file gives one line, or a
message on stderr saying why it could not (and the exit code is then 1).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dgportal_crawler.assemble import article_from_saved
from dgportal_crawler.commands import CommandError
from dgportal_crawler.commands.profiles import profile_or_error
from dgportal_crawler.extract import ExtractionError
from dgportal_crawler.store.jsonl import encode_line

#: Bytes looked at to tell HTML from a plain-text capture.
SNIFF_BYTES = 4096
HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<div", b"<p>", b"<meta")


def sniff_format(data: bytes) -> str:
    head = data[:SNIFF_BYTES].lower()
    return "html" if any(marker in head for marker in HTML_MARKERS) else "text"


def clean(args: argparse.Namespace) -> int:
    profile = profile_or_error(args.site)
    if args.url and len(args.files) > 1:
        raise CommandError("--url names one page; give one FILE with it")
    if args.url:
        profile_or_error(args.site, args.url, option="--url")  # the same check as --base-url
    contents: list[tuple[Path, bytes]] = []
    for name in args.files:
        path = Path(name)
        try:
            contents.append((path, path.read_bytes()))
        except OSError as exc:
            raise CommandError(f"{path}: cannot read ({exc.strerror})") from None
    failed = 0
    out = sys.stdout.buffer
    for path, data in contents:
        fmt = sniff_format(data) if args.format == "auto" else args.format
        try:
            article = article_from_saved(data, profile, url=args.url, text_format=fmt)
        except ExtractionError as exc:
            failed += 1
            print(f"dgportal clean: {path}: skipped: {exc}", file=sys.stderr)
            continue
        out.write(encode_line(article.to_dict()))
        out.flush()
    return 1 if failed else 0
