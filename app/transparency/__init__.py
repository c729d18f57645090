"""Families: what the school publishes about the apps it uses (public pages under /schools/<slug>),
families' objections and requests, the record of processing and DPIA drafts (staff pages under
/families)."""

from flask import Blueprint

from app.content.families import fill
from app.models.transparency import (
    LawfulBasis,
    RequestKind,
    RequestOutcome,
    RequestSubject,
    StorageLocation,
)

bp = Blueprint("transparency", __name__)
public_bp = Blueprint("families", __name__)

TEMPLATE_ENUMS = {
    enum.__name__: enum
    for enum in (LawfulBasis, RequestKind, RequestOutcome, RequestSubject, StorageLocation)
}
bp.record_once(lambda state: state.app.jinja_env.globals.update(TEMPLATE_ENUMS))
public_bp.record_once(lambda state: state.app.jinja_env.filters.update(fill=fill))

from app.transparency import (  # noqa: E402, F401
    dpia_views,
    public,
    records_views,
    requests_views,
    views,
)
