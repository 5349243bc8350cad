"""``dgportal discover``: a town's columns read from the site itself (navigation, list pages,
feeds), classified, and written as a profile a person can review.

``catalogue`` the known templates; ``classify`` pure readings of one page; ``fetch`` the
polite, bounded client; ``run`` the walk; ``write`` the profile TOML.
"""
