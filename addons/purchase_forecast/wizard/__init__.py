from . import purchase_forecast_import
from . import purchase_forecast_import_column
from . import purchase_forecast_config
from . import purchase_forecast_run_lock
