"""Deterministic demo data for one real regency: households, the whole proposal chain, and the district desk.

`seed_demo` fills an empty database with what a district office holds after a DTKS round (DESIGN
sections 1-4): families with valid NIK/KK in every village (`people`, from the lists in `names`),
proposals at every status with the history that led there (`paths`, `timeline`, `proposals`),
Musdes/Muskel minutes (`meetings`), verval visits (`visits`, `instrument`), the decree chain up to the
ministry's determination (`decrees`), an illustrative PMT model (`pmt`), certificates and complaints
(`services`, wording in `texts`), and one login per role (`users`). Each step is a function over one
`DemoRun` (`run`); `seeding` calls them in a fixed order. The same seed gives the same data; the timeline
is laid over the last three months. The caller commits.
"""

from __future__ import annotations

from demo.instrument import instrument_answers
from demo.names import DEMO_USER_NAMES
from demo.paths import status_path
from demo.people import DEMO_PERIOD, PeopleFactory
from demo.seeding import seed_demo
from demo.users import DEMO_PASSWORD, DemoLogin, demo_logins
from models.region_codes import is_desa

__all__ = [
    "DEMO_PASSWORD",
    "DEMO_PERIOD",
    "DEMO_USER_NAMES",
    "DemoLogin",
    "PeopleFactory",
    "demo_logins",
    "instrument_answers",
    "is_desa",
    "seed_demo",
    "status_path",
]
