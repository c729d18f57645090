"""The DPIA draft of an assessment opens as DOCX (python-docx) and PDF (pypdf), and contains each
of the ICO's steps with the assessment's facts: the product, the profile, the knock-outs and caps
as risks with likelihood and severity, the measures, the decision's conditions and the sign-off."""

import re
from io import BytesIO

from docx import Document
from pypdf import PdfReader

from tests.families_helpers import CONDITIONAL, REJECTED, publish, seed_products

STEPS = (
    "Step 1: Identify the need for a DPIA",
    "Step 2: Describe the processing",
    "Step 3: Consultation",
    "Step 4: Assess necessity and proportionality",
    "Step 5: Identify and assess risks",
    "Step 6: Identify measures to reduce risk",
    "Residual risk",
    "DPO advice",
    "Step 7: Sign off and record outcomes",
)


def _docx_text(data: bytes) -> str:
    document = Document(BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def _pdf_text(data: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(BytesIO(data)).pages)
    return re.sub(r"\s+", " ", text)


def test_docx_and_pdf_have_every_step_and_the_assessments_facts(world, signed_in):
    vendors = seed_products(world.school_a, world.user("A", "business_manager"))
    vendor = vendors[CONDITIONAL]
    publish(world.school_a, vendor, storage="elsewhere", storage_detail="United States")
    assessment = vendor.latest_decided
    snapshot = assessment.snapshot
    condition = snapshot["decision"]["conditions"][0]["text"]
    limit = snapshot["result"]["limits"][0]
    client = signed_in(world.user("A", "business_manager"))

    docx = client.get(f"/families/assessments/{assessment.id}/dpia.docx")
    assert docx.status_code == 200
    assert docx.mimetype.endswith("wordprocessingml.document")
    pdf = client.get(f"/families/assessments/{assessment.id}/dpia.pdf")
    assert pdf.status_code == 200
    for text in (_docx_text(docx.data), _pdf_text(pdf.data)):
        for step in STEPS:
            assert step in text, step
        assert CONDITIONAL in text
        assert "School A" in text
        assert "Contact, Attendance" in text or "Names and contact details" in text  # P03
        assert limit["question_id"] in text  # a cap or knock-out became a risk
        assert condition[:40] in re.sub(r"\s+", " ", text)  # a condition became a measure
        assert "Public task (UK GDPR Article 6(1)(e))" in text
        assert "DPO advice provided" in text
        for word in ("Possible", "Significant"):
            assert word in text


def test_a_rejected_products_knockouts_are_high_risks(world, signed_in):
    vendors = seed_products(world.school_a, world.user("A", "business_manager"))
    assessment = vendors[REJECTED].latest_decided
    knockout = next(
        lim for lim in assessment.snapshot["result"]["limits"] if lim["kind"] == "knockout"
    )
    client = signed_in(world.user("A", "dpo"))
    text = _docx_text(client.get(f"/families/assessments/{assessment.id}/dpia.docx").data)
    document = Document(
        BytesIO(client.get(f"/families/assessments/{assessment.id}/dpia.docx").data)
    )
    risk_rows = [
        [cell.text for cell in row.cells]
        for table in document.tables
        for row in table.rows
        if row.cells[0].text.startswith(knockout["question_id"])
    ]
    assert risk_rows[0][1:4] == ["Probable", "Severe", "High"]
    assert "Not accepted" in text  # a rejection does not reduce the risk
    assert "the ICO must be consulted" in text


def test_a_draft_assessment_gets_a_draft_dpia(world, signed_in, csrf):
    vendors = seed_products(world.school_a, world.user("A", "business_manager"))
    client = signed_in(world.user("A", "business_manager"))
    decided = vendors[CONDITIONAL].latest_decided
    token = csrf(client, f"/procurement/assessments/{decided.id}/review")
    response = client.post(
        f"/procurement/assessments/{decided.id}/reassess", data={"csrf_token": token}
    )
    draft_id = int(response.headers["Location"].split("/")[-2])
    text = _docx_text(client.get(f"/families/assessments/{draft_id}/dpia.docx").data)
    assert "No decision recorded yet" in text
    assert "Step 5: Identify and assess risks" in text
