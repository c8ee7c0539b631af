from . import purchase_forecast_import
from . import purchase_forecast_import_column
from . import purchase_forecast_config
from . import purchase_forecast_turnover
from . import purchase_forecast_turnover_line
from . import purchase_forecast_stock_date
from . import purchase_forecast_stock_date_line
from . import purchase_forecast_run_lock
