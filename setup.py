"""Everything is in pyproject.toml; this file only lets scrapyd-deploy build its egg
(it runs ``setup.py bdist_egg``) without writing a setup.py of its own."""

from setuptools import setup

setup()
