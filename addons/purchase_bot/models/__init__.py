from . import purchase_bot_link
from . import res_config_settings
