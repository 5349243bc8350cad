"""archive/README.md documents the line: its example must be valid, every field described."""

import json
import re
from pathlib import Path

import jsonschema

from dgportal_crawler.commands.archive_tools import load_schema
from dgportal_crawler.items import Article

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "archive" / "README.md").read_text(encoding="utf-8")


def test_the_example_line_is_valid():
    block = re.search(r"## An example line.*?```json\n(.*?)\n```", README, re.S)
    assert block, "archive/README.md lost its example line"
    line = json.loads(block.group(1))
    jsonschema.Draft202012Validator(load_schema()).validate(line)


def test_every_field_is_in_the_schema_and_the_readme():
    schema_fields = set(load_schema()["properties"])
    line_fields = set(Article.__dataclass_fields__)
    assert schema_fields == line_fields
    documented = set(re.findall(r"^\| `([a-z0-9_]+)`", README, re.M))
    documented |= {f for row in re.findall(r"^\| (`[a-z0-9_]+`(?:, `[a-z0-9_]+`)+) \|", README, re.M)
                   for f in re.findall(r"`([a-z0-9_]+)`", row)}
    assert schema_fields <= documented, sorted(schema_fields - documented)


def test_the_archive_schema_is_the_packaged_one():
    in_repo = ROOT / "archive" / "schema" / "article.schema.json"
    assert json.loads(in_repo.read_text(encoding="utf-8")) == load_schema()
