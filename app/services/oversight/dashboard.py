"""The school compliance dashboard's figures in one call: training status (filtered by role and
module), policy acknowledgements and the products whose decisions or conditions need review.

It reads the staff once for both the training figures and the policy table (they used to be
two reads of the same rows) and so runs a fixed number of statements however large the school
is (tests/integration/test_oversight_dashboard.py counts them). No Flask imports.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.orm import Session

from app.services.oversight import compliance
from app.services.oversight.compliance import Item, Person, Tally
from app.services.policies import acknowledgements
from app.services.policies.acknowledgements import PolicyOverview
from app.services.procurement import reviews
from app.services.procurement.reviews import OverdueCondition, ProductState
from app.services.training.assignments import Compliance


@dataclass(frozen=True)
class SchoolDashboard:
    school: str
    people_count: int  # on the staff list (with the role, when filtered by role)
    invited_count: int  # of everyone, invited but not joined yet
    modules: list[tuple[str, str, Tally]]  # (module id, title, tally), in the titles' order
    total: Tally
    overdue: list[Item]
    due_soon: list[Item]
    expiring: list[Item]
    policies: list[PolicyOverview]
    product_counts: list[tuple]
    reviews: list[ProductState]
    overdue_conditions: list[OverdueCondition]


def _policy_staff(people: list[Person]) -> dict[int, dict]:
    """The joined staff as `acknowledgements.overview` takes them, in the staff list's order."""
    return {
        person.user_id: {
            "school_id": person.school_id,
            "name": person.name,
            "email": person.email,
            "roles": list(person.roles),
        }
        for person in people
        if person.user_id is not None
    }


def school_dashboard(
    session: Session,
    school_id: int,
    titles: dict[str, str],
    now: datetime,
    *,
    role: str | None = None,
    module_id: str | None = None,
) -> SchoolDashboard:
    """One school's dashboard; `titles` (module id to title, in order) names the modules."""
    today: date = now.date()
    people, items = compliance.compliance_items(session, [school_id], titles, now)
    shown = compliance.filter_items(items, role, module_id)
    per_module = compliance.by_module(shown)
    products = reviews.product_states(session, [school_id])
    return SchoolDashboard(
        school=compliance.school_names(session, [school_id])[school_id],
        people_count=len({p.key for p in people if not role or role in p.roles}),
        invited_count=sum(1 for p in people if not p.joined),
        modules=[(mid, titles[mid], per_module[mid]) for mid in titles if mid in per_module],
        total=compliance.overall(shown),
        overdue=compliance.with_status(shown, [Compliance.OVERDUE, Compliance.EXPIRED]),
        due_soon=compliance.with_status(shown, [Compliance.DUE_SOON]),
        expiring=compliance.with_status(shown, [Compliance.EXPIRING]),
        policies=acknowledgements.overview(session, [school_id], staff=_policy_staff(people)),
        product_counts=reviews.counts_by_rating_and_decision(products),
        reviews=reviews.reviews_due(products, today),
        overdue_conditions=reviews.overdue_conditions(session, products, today),
    )
