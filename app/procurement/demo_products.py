"""The invented products in the demo school's vendor register, and how each was assessed.

Each product is answered with the checklist's preferred answer (with an evidence link where one is
required) except for the listed `answers`, which tell the product's story. Every name is invented.
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class DemoProduct:
    checklist_id: str
    vendor: dict
    profile: dict
    answers: dict  # question id -> (value, note, evidence links)
    outcome: str
    reason: str
    conditions: tuple = ()  # (text, days until due)
    answer_the_rest: bool = True
    notes: dict = field(default_factory=dict)


SPELLBOUND_ANSWERS = {
    "Q01": ("yes", "Signed our standard DPA in draft.", ["https://spellbound.example/dpa.pdf"]),
    "Q02": ("processor_only", "", []),
    "Q03": ("partial", "Notice covers the company, not the app.", []),
    "Q04": ("https://spellbound.example/privacy", "", []),
    "Q05": ("no", "Contract clause 9.", ["https://spellbound.example/terms#9"]),
    "Q06": ("no", "", []),
    "Q07": ("partial", "Analytics on the teacher dashboard only.", []),
    "Q08": ("yes", "", []),
    "Q09": ("yes", "", []),
    "Q10": ("partial", "Reading streaks can be switched off.", []),
    "Q11": ("unknown", "Class chat exists; asked whether outsiders can join.", []),
    "Q12": ("yes", "", []),
    "Q13": ("yes", "", []),
    "Q14": ("unknown", "Asked the supplier on 3 November.", []),
    "Q15": ("yes", "Google sign-in.", []),
    "Q16": ("cyber_essentials", "", ["https://spellbound.example/ce-certificate"]),
    "Q17": ("yes", "", ["https://spellbound.example/dpa.pdf"]),
    "Q18": ("partial", "CSV export of scores only.", []),
    "Q19": ("yes", "", []),
    "Q20": ("partial", "", []),
}

PRODUCTS = (
    DemoProduct(
        checklist_id="quick-edtech-check",
        vendor={
            "name": "Spellbound Learning Ltd",
            "product": "Spellbound Phonics",
            "website": "https://spellbound.example",
            "purpose": "Phonics practice for Reception and Key Stage 1, at school and at home.",
            "data_categories": ["contact", "attainment"],
            "pupils_covered": 180,
        },
        profile={
            "P01": ["staff", "pupils"],
            "P02": "yes",
            "P03": ["contact", "attainment"],
            "P04": "180",
        },  # fmt: skip
        answers=SPELLBOUND_ANSWERS,
        answer_the_rest=False,
        outcome="conditional",
        reason=(
            "Low-risk data and a signed processing agreement; the gaps below must close before "
            "the summer term."
        ),
        conditions=(
            ("Supplier confirms MFA for all staff access (Q14)", 60),
            ("Confirm class chat is limited to the school (Q11)", 90),
        ),
    ),
    DemoProduct(
        checklist_id="uk-schools-edtech",
        vendor={
            "name": "Numbers Garden Ltd",
            "product": "Numbers Garden",
            "website": "https://numbersgarden.example",
            "purpose": "Times-tables and number-fluency practice in Years 2 to 6.",
            "data_categories": ["contact", "attainment"],
            "pupils_covered": 210,
        },
        profile={
            "P01": ["staff", "pupils", "under_13"],
            "P02": "yes",
            "P03": ["contact", "attainment"],
            "P04": "up_to_250",
            "P05": "no",
            "P06": "no",
        },  # fmt: skip
        answers={
            "K07": ("None reported in the last three years.", "", []),
            "J01": (
                "yes",
                "Cyber Essentials Plus since 2024.",
                ["https://numbersgarden.example/trust/cyber-essentials-plus"],
            ),
        },  # fmt: skip
        outcome="approve",
        reason=(
            "Meets every requirement of the questionnaire with evidence; data stays in the UK and "
            "pupils see no advertising."
        ),
    ),
    DemoProduct(
        checklist_id="uk-schools-edtech",
        vendor={
            "name": "ClassTalk Communications Ltd",
            "product": "ClassTalk Messenger",
            "website": "https://classtalk.example",
            "purpose": "Messages and attendance alerts from the school office to parents.",
            "data_categories": ["contact", "attendance", "behaviour"],
            "pupils_covered": 420,
        },
        profile={
            "P01": ["staff", "parents"],
            "P02": "no",
            "P03": ["contact", "attendance", "behaviour"],
            "P04": "251_to_1000",
            "P05": "no",
            "P06": "yes",
        },  # fmt: skip
        answers={
            "J05": ("partial", "MFA for administrators only; support staff use passwords.", []),
            "K02": ("no", "Contract says 'promptly', with no number of hours.", []),
            "H05": ("unknown", "Asked for the SMS provider's terms on 12 November.", []),
            "G01": ("general_statement", "Privacy notice says 'as long as needed'.", []),
            "K07": (
                "One email misdirected to another school in 2025, reported to the ICO.",
                "",
                [],
            ),
        },  # fmt: skip
        outcome="conditional",
        reason=(
            "Useful and low risk, but staff MFA and breach-notice hours must be in the contract "
            "before we renew."
        ),
        conditions=(
            ("Supplier enforces MFA for all staff with access to pupil data (J05)", 45),
            ("Contract sets breach notice to the school within 24 hours (K02)", 60),
            ("Obtain the SMS sub-processor's terms and check reuse is barred (H05)", 30),
        ),
    ),
    DemoProduct(
        checklist_id="uk-schools-edtech",
        vendor={
            "name": "BrightQuiz Apps Inc.",
            "product": "BrightQuiz Free",
            "website": "https://brightquiz.example",
            "purpose": "Free quiz games a teacher found for end-of-topic revision.",
            "data_categories": ["contact", "attainment", "location"],
            "pupils_covered": 60,
        },
        profile={
            "P01": ["staff", "pupils", "under_13"],
            "P02": "yes",
            "P03": ["contact", "attainment", "location"],
            "P04": "up_to_250",
            "P05": "yes",
            "P06": "yes",
        },  # fmt: skip
        answers={
            "B02": (
                "yes",
                "Free tier shows ads chosen from quiz activity.",
                ["https://brightquiz.example/privacy#advertising"],
            ),
            "B03": (
                "yes",
                "Three advertising SDKs found in the pupil app.",
                ["https://brightquiz.example/privacy#partners"],
            ),
            "M01": ("unknown", "Terms allow 'improving our services' with user content.", []),
            "A01": (
                "controller_for_listed_activities",
                "Says it is a controller for 'product analytics' on the free tier.",
                [],
            ),
            "A02": ("unknown", "No processing agreement offered on the free tier.", []),
            "A03": ("no", "Only the general terms of service apply.", []),
            "A07": ("no", "Terms rule out audits by customers.", []),
            "K07": ("Not answered.", "", []),
        },  # fmt: skip
        outcome="reject",
        reason=(
            "Targeted advertising and third-party tracking in the pupils' app: knock-outs that "
            "no condition can fix. Teachers should use the approved quiz tool instead."
        ),
    ),
)
