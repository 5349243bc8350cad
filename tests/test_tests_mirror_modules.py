"""The house rule "tests mirror modules" (issue 7), checked: every module of the package except
the replica's (a test fixture itself, tested through tests/replica/) has a test file of its own,
``tests/<pkg>/test_<pkg>_<module>.py`` or, for a top-level module, ``tests/test_<module>.py``."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "dgportal_crawler"
EXEMPT = {"replica"}  # the replica is the tests' web site, tested as a whole in tests/replica/


def expected_test_files(module: Path) -> list[Path]:
    rel = module.relative_to(PACKAGE)
    if len(rel.parts) == 1:
        return [ROOT / "tests" / f"test_{module.stem}.py"]
    folder = ROOT / "tests" / rel.parent
    return [folder / f"test_{rel.parent.name}_{module.stem}.py", folder / f"test_{module.stem}.py"]


def test_every_module_has_a_test_file_of_its_own() -> None:
    modules = [m for m in sorted(PACKAGE.rglob("*.py"))
               if m.name != "__init__.py" and m.relative_to(PACKAGE).parts[0] not in EXEMPT]
    assert len(modules) > 100  # the walk found the package, not an empty folder
    missing = [str(m.relative_to(ROOT)) for m in modules
               if not any(p.is_file() for p in expected_test_files(m))]
    assert missing == []


def test_the_rule_names_the_file_it_expects() -> None:
    assert expected_test_files(PACKAGE / "stats.py") == [ROOT / "tests" / "test_stats.py"]
    assert expected_test_files(PACKAGE / "store" / "layout.py")[0] == ROOT / "tests" / "store" / "test_store_layout.py"
