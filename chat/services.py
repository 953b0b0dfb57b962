"""What every edge needs at hand, built once by create_app and kept in app.extensions."""

from __future__ import annotations

from dataclasses import dataclass

from chat.bus import Bus
from chat.crm import CrmAdapter
from chat.db import Database
from chat.online import OnlineRegistry
from chat.settings import Config


@dataclass
class Services:
    config: Config
    db: Database
    bus: Bus
    crm: CrmAdapter
    online: OnlineRegistry
