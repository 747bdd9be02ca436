"""The `generic` adapter runs the standard adapter kit on the Oakland fixture store."""

from pathlib import Path

from adapters.generic import GenericAdapter
from pos_transactions.testing import AdapterContract, Expected, malformed_from_file

DATA = Path(__file__).parent / "data"
FIXTURE = Path(__file__).parents[2] / "fixtures" / "greenleaf-oakland.json"


class TestGenericAdapter(AdapterContract):
    adapter = GenericAdapter
    sample_store = FIXTURE
    expected = {
        "S-100177": Expected(
            status="completed",
            completed_at="2026-03-04T20:01:00Z",  # local noon, PST
            lucid_ids=["LVhYsfdGqQX3muNwgzcnQ7", "h4Ryi3g5hzaFLHgV5F8awV"],
            quantities=["3.5", "0.25", "1"],
            total_items_count=3,
            has_customer=True,
            has_employee=True,
        ),
        "S-100182": Expected(
            status="completed",
            lucid_ids=[
                "5fvWMe2MByJFKjLPfUMwjJ",
                "SEtyjEd6NAtLBiQNqJtMAn",
                "6Fz7BLE9xKek8uy8g4stkF",
                "oNE5fdfNfeDmn3pkRWELNg",
                "eN8VX3dyv3Uw6oJghYbg5y",  # CC51F612-DCB1-1391-5F31-3A89A02AC4DA
                "HnK2KMLreDX2aKxEUwPQ4X",  # 58accfd9-e6ef-9590-6897-d87bdc5aa702
            ],
            total_items_count=6,
        ),
        "S-100183": Expected(status="voided", completed_at="2026-03-04T20:07:00Z"),
        "S-100185": Expected(status="completed", has_customer=False, has_employee=False),
        "S-100220": Expected(status="completed", completed_at="2026-03-08T10:30:00Z"),
        "S-100401": Expected(status="completed", completed_at="2026-11-01T08:30:00Z"),
    }
    malformed = malformed_from_file(DATA / "generic-malformed.json")
