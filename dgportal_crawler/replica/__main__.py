"""``python -m dgportal_crawler.replica serve …`` is ``dgportal replica serve …``."""
import sys

from dgportal_crawler.cli import main

sys.exit(main(["replica", *sys.argv[1:]]))
