"""Every signed-in user's own data, as JSON and CSV (linked from "Your account")."""

import json

from flask_login import current_user, login_required

from app import audit, clock
from app.downloads import csv_download, json_download
from app.models import db
from app.oversight import bp
from app.oversight.views import module_titles
from app.services.oversight import my_data


def _collect() -> dict:
    data = my_data.collect(db.session, current_user, module_titles(), clock.now())
    return data


@bp.get("/my-data.json")
@login_required
def my_data_json():
    data = _collect()
    audit.record("own_data_exported", object_type="user", object_id=current_user.id, format="json")
    db.session.commit()
    return json_download(f"my-data-{clock.today()}.json", data)


@bp.get("/my-data.csv")
@login_required
def my_data_csv():
    data = _collect()
    audit.record("own_data_exported", object_type="user", object_id=current_user.id, format="csv")
    db.session.commit()
    return csv_download(
        f"my-data-{clock.today()}.csv",
        ["Section", "Item", "Field", "Value"],
        [
            [s, n, f, json.dumps(v) if isinstance(v, dict | list) else v]
            for s, n, f, v in my_data.as_rows(data)
        ],  # fmt: skip
    )
