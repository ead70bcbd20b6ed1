"""Made-up people and addresses in plausible UK form.

Phone numbers come from Ofcom's ranges reserved for drama (07700 900xxx, 0113 496 0xxx),
emails use example.com and postcodes the non-existent areas "RB", "RC" and so on, so nothing
here can reach or describe a real person or home.
"""

from __future__ import annotations

import numpy as np
import polars as pl

FIRST_F = [
    "Olivia",
    "Amelia",
    "Isla",
    "Ava",
    "Mia",
    "Sophia",
    "Grace",
    "Lily",
    "Emily",
    "Freya",
    "Sarah",
    "Emma",
    "Claire",
    "Karen",
    "Julie",
    "Michelle",
    "Nicola",
    "Joanne",
    "Lisa",
    "Donna",
    "Tracey",
    "Dawn",
    "Jade",
    "Chloe",
    "Shannon",
    "Megan",
    "Aisha",
    "Fatima",
    "Amina",
    "Zainab",
    "Maryam",
    "Priya",
    "Anjali",
    "Agnieszka",
    "Katarzyna",
    "Ioana",
    "Joanna",
    "Precious",
    "Blessing",
    "Grace",
    "Margaret",
    "Patricia",
    "Susan",
    "Linda",
    "Jean",
    "Brenda",
    "Carol",
    "Sandra",
    "Sian",
    "Rhiannon",
    "Kirsty",
    "Ayesha",
    "Hodan",
]
FIRST_M = [
    "Oliver",
    "George",
    "Noah",
    "Arthur",
    "Leo",
    "Harry",
    "Jack",
    "Charlie",
    "Thomas",
    "James",
    "David",
    "John",
    "Paul",
    "Mark",
    "Andrew",
    "Stephen",
    "Gary",
    "Darren",
    "Lee",
    "Craig",
    "Dean",
    "Ryan",
    "Kyle",
    "Liam",
    "Connor",
    "Jordan",
    "Mohammed",
    "Ahmed",
    "Ali",
    "Omar",
    "Yusuf",
    "Hamza",
    "Imran",
    "Rajesh",
    "Sanjay",
    "Piotr",
    "Tomasz",
    "Marek",
    "Andrei",
    "Kwame",
    "Emmanuel",
    "Tunde",
    "Kenneth",
    "Brian",
    "Peter",
    "Michael",
    "Robert",
    "William",
    "Gareth",
    "Rhys",
    "Callum",
    "Abdi",
    "Mustafa",
    "Tariq",
]
SURNAMES = [
    "Smith",
    "Jones",
    "Williams",
    "Taylor",
    "Brown",
    "Davies",
    "Evans",
    "Wilson",
    "Thomas",
    "Johnson",
    "Roberts",
    "Robinson",
    "Thompson",
    "Wright",
    "Walker",
    "White",
    "Edwards",
    "Hughes",
    "Green",
    "Hall",
    "Lewis",
    "Harris",
    "Clarke",
    "Patel",
    "Jackson",
    "Wood",
    "Turner",
    "Martin",
    "Cooper",
    "Hill",
    "Ward",
    "Morris",
    "Moore",
    "Clark",
    "Lee",
    "King",
    "Baker",
    "Harrison",
    "Morgan",
    "Allen",
    "James",
    "Scott",
    "Phillips",
    "Watson",
    "Davis",
    "Parker",
    "Price",
    "Bennett",
    "Young",
    "Griffiths",
    "Mitchell",
    "Kelly",
    "Cook",
    "Carter",
    "Richardson",
    "Bailey",
    "Collins",
    "Bell",
    "Shaw",
    "Murphy",
    "Miller",
    "Cox",
    "Richards",
    "Khan",
    "Marshall",
    "Anderson",
    "Simpson",
    "Ellis",
    "Adams",
    "Singh",
    "Begum",
    "Wilkinson",
    "Foster",
    "Chapman",
    "Powell",
    "Webb",
    "Rogers",
    "Gray",
    "Mason",
    "Ali",
    "Hunt",
    "Hussain",
    "Campbell",
    "Matthews",
    "Owen",
    "Palmer",
    "Holmes",
    "Mills",
    "Barnes",
    "Knight",
    "Lloyd",
    "Butler",
    "Russell",
    "Barker",
    "Fisher",
    "Stevens",
    "Jenkins",
    "Murray",
    "Dixon",
    "Harvey",
    "Kowalski",
    "Nowak",
    "Popescu",
    "Mensah",
    "Okafor",
    "Ahmed",
    "Mohamed",
    "Rahman",
    "Chowdhury",
    "Hassan",
    "Osman",
    "Nguyen",
    "Kaur",
]
STREET_WORDS = [
    "Oak",
    "Ash",
    "Elm",
    "Beech",
    "Birch",
    "Cedar",
    "Willow",
    "Rowan",
    "Holly",
    "Hazel",
    "Laurel",
    "Maple",
    "Poplar",
    "Alder",
    "Chestnut",
    "Hawthorn",
    "Meadow",
    "Brook",
    "Mill",
    "Church",
    "Station",
    "Park",
    "Victoria",
    "Albert",
    "Windsor",
    "Queens",
    "Kings",
    "Railway",
    "Canal",
    "Bridge",
    "Orchard",
    "Forge",
    "Tannery",
    "Foundry",
    "Wharf",
    "Abbey",
    "Priory",
    "Castle",
    "Chapel",
    "Market",
    "Green",
    "Heath",
    "Moor",
    "Vale",
    "Field",
    "Spring",
]
STREET_KINDS = [
    "Road",
    "Street",
    "Close",
    "Way",
    "Lane",
    "Avenue",
    "Crescent",
    "Drive",
    "Grove",
    "Gardens",
    "Place",
    "Walk",
]
LANGUAGES = (
    ("English", 0.87),
    ("Polish", 0.025),
    ("Urdu", 0.015),
    ("Punjabi", 0.01),
    ("Bengali", 0.01),
    ("Arabic", 0.012),
    ("Somali", 0.01),
    ("Romanian", 0.01),
    ("Portuguese", 0.008),
    ("Tigrinya", 0.005),
    ("Kurdish", 0.005),
    ("Lithuanian", 0.005),
    ("Welsh", 0.005),
    ("Gujarati", 0.005),
    ("Farsi", 0.005),
)
COMMUNICATION = (
    "large print",
    "hearing loss: prefers text or email",
    "easy read",
    "British Sign Language",
    "braille",
    "prefers a phone call to letters",
)
SUPPORT = (
    "mental health",
    "learning disability",
    "physical disability",
    "care leaver",
    "memory problems",
    "recently bereaved",
    "domestic abuse: contact by mobile only",
    "hoarding",
)
RELATIONSHIPS = [
    "daughter",
    "son",
    "sister",
    "brother",
    "mother",
    "father",
    "partner",
    "friend",
    "neighbour",
]
UNIT_LETTERS = list("ABDEFGHJLNPQRSTUWXYZ")


def _gather(values, idx: np.ndarray) -> pl.Series:
    return pl.Series(list(values), dtype=pl.String).gather(pl.Series(idx.astype(np.int64)))


def _choice(rng: np.random.Generator, shares, n: int) -> np.ndarray:
    p = np.array([s[1] for s in shares])
    return rng.choice(len(shares), size=n, p=p / p.sum())


#: Postcode areas that do not exist (the real ones beginning with R are RG, RH and RM).
POSTCODE_AREAS = tuple(f"R{letter}" for letter in "BCDEFJKLNPQSTUVWXYZ")


def addresses(homes: int, patch: np.ndarray, rng: np.random.Generator) -> pl.DataFrame:
    """Address lines and postcodes for each home; homes are numbered along their street."""
    streets_per_patch = 25
    street = patch * streets_per_patch + rng.integers(0, streets_per_patch, homes)
    word = (street * 7919) % len(STREET_WORDS)
    kind = (street * 104729 // len(STREET_WORDS)) % len(STREET_KINDS)
    df = pl.DataFrame(
        {
            "home": np.arange(homes),
            "street": street,
            "word": _gather(STREET_WORDS, word),
            "kind": _gather(STREET_KINDS, kind),
            "unit1": _gather(UNIT_LETTERS, rng.integers(0, len(UNIT_LETTERS), homes)),
            "unit2": _gather(UNIT_LETTERS, rng.integers(0, len(UNIT_LETTERS), homes)),
            # A postcode district has at most two digits: 99 patches to an area, then the next.
            "area": _gather(POSTCODE_AREAS, street // streets_per_patch // 99),
        }
    )
    return df.with_columns(
        number=pl.col("home").cum_count().over("street"),
        street_name=pl.concat_str("word", pl.lit(" "), "kind"),
        postcode=pl.concat_str(
            "area",
            (pl.col("street") // streets_per_patch % 99 + 1).cast(pl.String),
            pl.lit(" "),
            (pl.col("street") % 10).cast(pl.String),
            "unit1",
            "unit2",
        ),
    )


def people(
    start_dates: np.ndarray,
    joint: np.ndarray,
    rng: np.random.Generator,
) -> pl.DataFrame:
    """One row per tenant, given each tenancy's start and whether the tenant is a joint one."""
    n = len(start_dates)
    female = rng.random(n) < 0.58
    first = np.where(
        female,
        rng.integers(0, len(FIRST_F), n),
        rng.integers(0, len(FIRST_M), n) + len(FIRST_F),
    )
    last = rng.integers(0, len(SURNAMES), n)
    # A joint tenant usually shares the lead tenant's surname.
    same = joint & (rng.random(n) < 0.6)
    last = np.where(same, np.roll(last, 1), last)
    u = rng.random(n)
    title = np.where(
        u < 0.1,
        5,
        np.where(female, np.select([u < 0.45, u < 0.8], [1, 2], 3), np.where(u < 0.99, 0, 4)),
    )
    age_days = (rng.uniform(18, 62, n) * 365.25).astype("timedelta64[D]")
    dob = start_dates - age_days
    has_dob = rng.random(n) < 0.95
    no = rng.integers(0, 1000, (4, n))
    language = _choice(rng, LANGUAGES, n)
    comm = np.where(rng.random(n) < 0.08, rng.integers(0, len(COMMUNICATION), n), -1)
    interpreter = (language > 0) & (rng.random(n) < 0.4)
    support = np.where(rng.random(n) < 0.12, rng.integers(0, len(SUPPORT), n), -1)
    nok = ~joint & (rng.random(n) < 0.45)
    consent = nok & (rng.random(n) < 0.75)
    names = list(FIRST_F) + list(FIRST_M)
    df = pl.DataFrame(
        {
            "title": _gather(("Mr", "Mrs", "Ms", "Miss", "Mx", ""), title),
            "first_name": _gather(names, first),
            "last_name": _gather(SURNAMES, last),
            "date_of_birth": pl.Series(np.where(has_dob, dob, np.datetime64("NaT"))),
            "phone_no": no[0],
            "mobile_no": no[1],
            "email_no": no[2] % 100,
            "has_phone": rng.random(n) < 0.3,
            "has_mobile": rng.random(n) < 0.85,
            "has_email": rng.random(n) < 0.55,
            "preferred_language": _gather([x[0] for x in LANGUAGES], language),
            "comm": _gather((*COMMUNICATION, ""), np.where(comm < 0, len(COMMUNICATION), comm)),
            "interpreter": interpreter,
            "support_needs": _gather((*SUPPORT, ""), np.where(support < 0, len(SUPPORT), support)),
            "nok": nok,
            "consent": consent,
            "nok_first": _gather(names, rng.integers(0, len(names), n)),
            "nok_rel": _gather(RELATIONSHIPS, rng.integers(0, len(RELATIONSHIPS), n)),
            "nok_phone": no[3],
        }
    )
    empty = pl.lit(None, dtype=pl.String)
    return df.select(
        title=pl.when(pl.col("title") == "").then(empty).otherwise(pl.col("title")),
        first_name="first_name",
        last_name="last_name",
        date_of_birth="date_of_birth",
        phone=pl.when("has_phone").then(
            pl.concat_str(pl.lit("0113 496 0"), pl.col("phone_no").cast(pl.String).str.zfill(3))
        ),
        mobile=pl.when("has_mobile").then(
            pl.concat_str(pl.lit("07700 900"), pl.col("mobile_no").cast(pl.String).str.zfill(3))
        ),
        email=pl.when("has_email").then(
            pl.concat_str(
                pl.col("first_name").str.to_lowercase(),
                pl.lit("."),
                pl.col("last_name").str.to_lowercase(),
                pl.col("email_no").cast(pl.String),
                pl.lit("@example.com"),
            )
        ),
        preferred_language="preferred_language",
        communication_needs=pl.when("interpreter")
        .then(pl.lit("interpreter needed"))
        .when(pl.col("comm") != "")
        .then("comm")
        .otherwise(empty),
        support_needs=pl.when(pl.col("support_needs") != "").then("support_needs"),
        next_of_kin_consent=pl.when("nok").then(
            pl.when("consent").then(pl.lit("yes")).otherwise(pl.lit("no"))
        ),
        next_of_kin_name=pl.when("nok").then(pl.concat_str("nok_first", pl.lit(" "), "last_name")),
        next_of_kin_relationship=pl.when("nok").then("nok_rel"),
        next_of_kin_phone=pl.when("nok").then(
            pl.concat_str(pl.lit("07700 900"), pl.col("nok_phone").cast(pl.String).str.zfill(3))
        ),
    )
