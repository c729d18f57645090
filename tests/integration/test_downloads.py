"""Downloads: one Content-Type with one charset, an attachment that is never cached, and the
formula guard on typed text (here the CPD record and the audit log CSV)."""

import csv
import io

from app.models import db
from tests.factories import certify


def test_cpd_csv_guards_formulas_and_names_its_type_once(world, signed_in):
    teacher = world.user("A", "teacher")
    certificate = certify(teacher)
    certificate.module_title = '=HYPERLINK("http://evil.example","Click")'
    db.session.commit()
    response = signed_in(teacher).get("/training/cpd.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["Content-Disposition"].startswith("attachment; filename=")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1][0] == '\'=HYPERLINK("http://evil.example","Click")'


def test_audit_csv_guards_formulas(world, signed_in):
    from app import audit

    dpo = world.user("A", "dpo")
    client = signed_in(dpo)
    with client.application.test_request_context():
        audit.record("role_changed", school_id=dpo.school_id, object_id="@SUM(1+1)*cmd")
    db.session.commit()
    response = client.get("/oversight/audit.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    text = response.get_data(as_text=True)
    assert ",'@SUM(1+1)*cmd," in text and ",@SUM" not in text
