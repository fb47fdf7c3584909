"""British to American spelling of the words of biomedical titles."""

from __future__ import annotations

from functools import lru_cache

# Whole words spelt differently in British and American English in biomedical titles; the
# suffix rules in :func:`americanize` cover -isation/-ise/-yse/-tre.
_BRITISH_WORDS = {
    "tumour": "tumor",
    "tumours": "tumors",
    "colour": "color",
    "behaviour": "behavior",
    "behaviours": "behaviors",
    "behavioural": "behavioral",
    "favourable": "favorable",
    "unfavourable": "unfavorable",
    "labour": "labor",
    "haemoglobin": "hemoglobin",
    "haemorrhage": "hemorrhage",
    "haematology": "hematology",
    "haematological": "hematological",
    "anaemia": "anemia",
    "anaesthesia": "anesthesia",
    "oedema": "edema",
    "oesophagus": "esophagus",
    "oesophageal": "esophageal",
    "oestrogen": "estrogen",
    "paediatric": "pediatric",
    "paediatrics": "pediatrics",
    "foetal": "fetal",
    "foetus": "fetus",
    "leukaemia": "leukemia",
    "ischaemia": "ischemia",
    "ischaemic": "ischemic",
    "diarrhoea": "diarrhea",
    "gynaecology": "gynecology",
    "orthopaedic": "orthopedic",
    "coeliac": "celiac",
    "haemodialysis": "hemodialysis",
    "hypoglycaemia": "hypoglycemia",
    "hyperglycaemia": "hyperglycemia",
    "glycaemic": "glycemic",
    "glycaemia": "glycemia",
    "lipaemia": "lipemia",
    "septicaemia": "septicemia",
    "aetiology": "etiology",
    "programme": "program",
    "programmes": "programs",
    "centre": "center",
    "centres": "centers",
    "fibre": "fiber",
    "litre": "liter",
    "grey": "gray",
    "ageing": "aging",
    "practise": "practice",
    "counselling": "counseling",
    "modelling": "modeling",
    "travelling": "traveling",
    "signalling": "signaling",
    "labelling": "labeling",
    "analyse": "analyze",
    "analysed": "analyzed",
    "catalyse": "catalyze",
    "dialyse": "dialyze",
}
_BRITISH_SUFFIXES = (
    ("isation", "ization"),
    ("isations", "izations"),
    ("ising", "izing"),
    ("ised", "ized"),
    ("ises", "izes"),
)
_ISE_EXCEPTIONS = {
    "exercise",
    "exercised",
    "exercises",
    "exercising",
    "otherwise",
    "promise",
    "promised",
    "promising",
    "surprise",
    "surprised",
    "surprising",
    "raised",
    "raising",
    "praised",
    "revised",
    "revising",
    "supervised",
    "advised",
    "advising",
    "comprise",
    "comprised",
    "comprises",
    "comprising",
    "precise",
    "noise",
    "concise",
    "rise",
    "arise",
    "arising",
    "wise",
    "premise",
    "poised",
    "bruised",
    "devised",
    "improvised",
    "disguised",
    "franchise",
    "enterprise",
    "expertise",
    "excised",
    "incised",
    "compromised",
    "televised",
    "cruise",
}


@lru_cache(maxsize=1 << 16)
def americanize(word: str) -> str:
    """One word in American spelling.

    >>> [americanize(w) for w in ("tumour", "randomised", "organisation", "exercise")]
    ['tumor', 'randomized', 'organization', 'exercise']
    """
    if word in _BRITISH_WORDS:
        return _BRITISH_WORDS[word]
    if word in _ISE_EXCEPTIONS or len(word) < 7:
        return word
    for british, american in _BRITISH_SUFFIXES:
        if word.endswith(british):
            return word[: -len(british)] + american
    return word
