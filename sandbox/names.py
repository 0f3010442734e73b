"""Word lists for plausible names. Fictional people and schools; real lead provider names."""

import re

# The development superuser the seed creates with DEBUG on (its password is public: `manage.py check --deploy`
# refuses a database that holds it).
DEVELOPMENT_ADMIN = ("admin", "admin")

LEAD_PROVIDERS = (
    "Ambition Institute",
    "Best Practice Network",
    "Capita",
    "Education Development Trust",
    "National Institute of Teaching",
    "Teach First",
    "UCL Early Career Teacher Education",
)

DELIVERY_PARTNERS = (
    "Northern Lights Teaching School Hub", "Pennine Learning Partnership", "Severn Vale Teaching Alliance",
    "Thames Gateway Teacher Development", "Mercia Teaching School Hub", "Wessex Learning Trust",
    "Humber Education Alliance", "Chiltern Teaching Partnership", "Cumbria Teaching School Hub",
    "Solent Teacher Development", "Peak District Learning Alliance", "Fenland Teaching Partnership",
    "Tyne and Wear Teaching Hub", "Cotswold Schools Partnership", "Kent Coast Teaching Alliance",
    "Black Country Learning Hub", "Lancashire Teaching Alliance", "Norfolk Broads Education Partnership",
    "Yorkshire Dales Teaching Hub", "Cornwall Teacher Development Partnership",
)  # fmt: skip

PLACES = (
    "Ashford", "Barnfield", "Bramley", "Castleton", "Chestnut", "Clayton", "Dale", "Elmhurst", "Fairfield",
    "Greenway", "Hawthorn", "Highfield", "Hillside", "Kingsmead", "Lakeside", "Linden", "Meadow", "Millbrook",
    "Northgate", "Oakfield", "Parkside", "Queensbury", "Riverside", "Rosewood", "St Mary's", "St Peter's",
    "Southfields", "Stoneleigh", "Thornbury", "Westfield", "Whitmore", "Willowbank", "Woodlands", "Yew Tree",
)  # fmt: skip

SCHOOL_KINDS = (
    (1, "Community school", "Primary School"),
    (2, "Voluntary aided school", "Church of England Primary School"),
    (3, "Voluntary controlled school", "Infant School"),
    (5, "Foundation school", "Junior School"),
    (28, "Academy sponsor led", "Academy"),
    (34, "Academy converter", "High School"),
    (35, "Free schools", "Free School"),
    (12, "Foundation special school", "Special School"),
    (15, "Local authority nursery school", "Nursery School"),
    (10, "Other independent special school", "Independent Special School"),
    (11, "Other independent school", "Preparatory School"),
)

POSTCODE_AREAS = ("B", "BS", "CB", "DE", "EX", "HU", "LE", "LS", "M", "NE", "NG", "OX", "PL", "S", "YO")

FIRST_NAMES = (
    "Aisha", "Amelia", "Ben", "Chloe", "Daniel", "Ella", "Farah", "George", "Grace", "Hannah", "Isaac",
    "Jack", "Jasmine", "Kwame", "Leah", "Liam", "Maya", "Mohammed", "Niamh", "Oliver", "Olivia", "Priya",
    "Rhys", "Sofia", "Thomas", "Zara", "Adam", "Bethan", "Caleb", "Deepa", "Eilidh", "Femi", "Gareth", "Hamza",
    "Imogen", "Joseph", "Kiran", "Lucy", "Mei", "Nathan", "Ossian", "Ruth", "Samuel", "Tomasz", "Uma", "Yusuf",
)  # fmt: skip
LAST_NAMES = (
    "Ahmed", "Baker", "Campbell", "Chen", "Davies", "Evans", "Fraser", "Green", "Hughes", "Iqbal", "Jones",
    "Khan", "Lewis", "Murphy", "Nowak", "O'Brien", "Patel", "Roberts", "Singh", "Taylor", "Walker", "Wright",
    "Adeyemi", "Bell", "Clarke", "Dhillon", "Edwards", "Fitzgerald", "Gordon", "Hussain", "Ibrahim", "Kowalski",
    "Mensah", "Okafor", "Quinn", "Reid", "Shaw", "Thompson", "Usman", "Vaughan", "Williams", "Young",
)  # fmt: skip


def email_safe(text: str) -> str:
    """`Aisha O'Brien` -> `aisha.o.brien`."""
    return re.sub(r"[^a-z0-9]+", ".", text.lower()).strip(".")
