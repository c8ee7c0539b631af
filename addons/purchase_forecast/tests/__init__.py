from . import test_security_groups
from . import test_settings
from . import test_demand_history
from . import test_forecast_run
from . import test_purchase_plan
from . import test_tours
