"""What the common TAGS codes mean, so readers need not look them up.

The State Department's Traffic Analysis by Geography and Subject codes: subject
codes here, two-letter country codes through `COUNTRIES`.
"""

from __future__ import annotations

SUBJECTS: dict[str, str] = {
    "PREL": "external political relations",
    "PGOV": "internal government affairs",
    "PINR": "intelligence",
    "PTER": "terrorism",
    "PHUM": "human rights",
    "PINS": "national security",
    "PBTS": "boundaries and territorial issues",
    "PARM": "arms control",
    "MARR": "military and defence arrangements",
    "MOPS": "military operations",
    "MCAP": "military capabilities",
    "MASS": "military assistance and sales",
    "ECON": "economic conditions",
    "EFIN": "financial and monetary affairs",
    "ETRD": "foreign trade",
    "EINV": "foreign investment",
    "ENRG": "energy",
    "EPET": "petroleum",
    "EAID": "foreign economic assistance",
    "EAGR": "agriculture",
    "ELAB": "labour",
    "SMIG": "migration",
    "SNAR": "narcotics",
    "SOCI": "social conditions",
    "KCRM": "criminal activity",
    "KJUS": "justice and law enforcement",
    "KDEM": "democratisation",
    "KPAO": "public affairs",
    "KMDR": "media reaction",
    "KNNP": "nuclear non-proliferation",
    "KWMN": "women's issues",
    "KTIP": "trafficking in persons",
    "KTFN": "terrorist financing",
    "KISL": "Islamic affairs",
    "ASEC": "security",
    "AMGT": "embassy management",
    "CASC": "assistance to citizens",
    "CVIS": "visas",
    "OVIP": "visits of officials",
    "OPRC": "public relations",
    "SENV": "environment",
    "TBIO": "biotechnology",
    "TSPA": "space",
    "UNSC": "UN Security Council",
}

COUNTRIES: dict[str, str] = {
    "MX": "Mexico",
    "US": "United States",
    "FR": "France",
    "SP": "Spain",
    "GM": "Germany",
    "UK": "United Kingdom",
    "IT": "Italy",
    "RS": "Russia",
    "CH": "China",
    "JA": "Japan",
    "KS": "South Korea",
    "KN": "North Korea",
    "IR": "Iran",
    "IZ": "Iraq",
    "AF": "Afghanistan",
    "PK": "Pakistan",
    "IN": "India",
    "IS": "Israel",
    "SA": "Saudi Arabia",
    "KU": "Kuwait",
    "TU": "Turkey",
    "EG": "Egypt",
    "BR": "Brazil",
    "AR": "Argentina",
    "VE": "Venezuela",
    "BL": "Bolivia",
    "CO": "Colombia",
    "HO": "Honduras",
    "CU": "Cuba",
    "KZ": "Kazakhstan",
    "NO": "Norway",
    "SF": "South Africa",
    "ZI": "Zimbabwe",
    "KE": "Kenya",
}


def describe_tag(tag: str) -> str | None:
    """The meaning of a TAGS code, or None for codes this table does not know."""
    code = tag.strip().upper()
    return SUBJECTS.get(code) or COUNTRIES.get(code)
