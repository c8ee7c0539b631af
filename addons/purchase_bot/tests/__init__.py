from . import test_links
