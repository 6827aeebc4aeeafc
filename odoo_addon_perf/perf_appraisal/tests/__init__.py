from . import test_install
from . import test_nursing_cycle
from . import test_unit_cycle
from . import test_security
from . import test_appeal
from . import test_query_count
from . import test_trust_orm
from . import test_trust_rpc
