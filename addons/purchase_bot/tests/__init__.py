from . import test_links
from . import test_link_tokens
from . import test_gateway
from . import test_gateway_input
from . import test_outbox
from . import test_neutralize
from . import test_tours
from . import test_translations
