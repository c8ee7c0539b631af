from . import purchase_bot_connect
from . import purchase_bot_api_key
