"""Friendly words for pseudonyms and recovery phrases, and a contact-details check.

Pseudonyms are picked from suggestions (never typed), so a real name can't be
one. Recovery phrases are six words from a list of more than 2,048 words fit
for children (over 66 bits), checked together with the club's code: only a hash
of the club and the phrase is stored, and recovery attempts are rate-limited.
"""

import hashlib
import re
import secrets

from mnemonic import Mnemonic

ADJECTIVES = (
    "Agile Amber Bold Brave Bright Brisk Calm Clever Cosmic Crimson Daring Dashing Eager "
    "Electric Epic Fearless Fiery Flying Friendly Gentle Giant Golden Happy Hidden Humble "
    "Icy Jolly Keen Kind Lively Lucky Lunar Magic Mellow Mighty Misty Nimble Noble Plucky "
    "Polar Quick Quiet Rapid Rocket Royal Silver Sky Smart Snowy Solar Sonic Speedy Spring "
    "Steady Stellar Storm Sunny Super Swift Thunder Tidal Turbo Velvet Vivid Wild Windy Zesty"
).split()

ANIMALS = (
    "Badger Bear Beaver Bison Cheetah Cobra Condor Corgi Crane Dolphin Dragon Eagle Falcon "
    "Ferret Finch Fox Gazelle Gecko Giraffe Gorilla Hare Hawk Hedgehog Heron Husky Ibex "
    "Jaguar Kestrel Koala Lemur Leopard Lion Llama Lynx Magpie Meerkat Moose Narwhal Ocelot "
    "Orca Osprey Otter Owl Panda Panther Parrot Pelican Penguin Puffin Puma Quokka Raven "
    "Robin Salmon Seal Shark Sparrow Squirrel Stag Swan Tiger Toucan Turtle Walrus Whale "
    "Wolf Wombat Yak Zebra"
).split()

_FRIENDLY_WORDS = (
    "acorn actor album alley anchor angle apple apron arch arrow atlas attic autumn badge "
    "bagel baker ball bamboo banjo barn basket beach beacon bean bell bench berry bike "
    "biscuit blanket block boat bonnet boot bottle bowl branch bread brick bridge brook "
    "brush bubble bucket bugle bundle burger button cabin cable cactus cake camel camera "
    "candle canoe canvas cape card carpet carrot castle cave cello chain chair chalk cherry "
    "chess chimney cinema circle cliff clock cloud clover coast cocoa coin comet compass "
    "cookie coral cotton crayon cricket crown cupcake curtain cushion daisy desert dial "
    "diary dice dinner dome donut door dragon drum dune eagle echo engine fabric feather "
    "fence ferry fiddle field flag flame flute forest fossil fountain frame garden gate "
    "gem giant glacier glove goal grape guitar hammer harbour harp hat helmet hill honey "
    "hoop horizon island ivory jacket jam jelly jigsaw juice kayak kettle kite ladder "
    "lantern lemon letter lighthouse lime lobster locket magnet mango map marble market "
    "meadow melon mirror mitten moon mountain muffin museum napkin needle nest noodle "
    "oasis ocean olive orange orbit paddle palace pancake paper parcel parade pasta peach "
    "pebble pencil pepper piano picnic pillow pilot pizza planet plum pocket pond popcorn "
    "puzzle quilt rabbit radio rainbow ribbon river rocket rope ruler saddle sail salad "
    "sandal scarf school shell ship shovel silk skate sled snow sock sofa spoon squash "
    "stamp star stone storm sugar summit sunset table tablet teapot tent ticket tiger "
    "toast tomato tower tractor train treasure tulip tunnel turtle umbrella valley "
    "velvet violin volcano wagon waffle wallet whistle window winter wizard yacht yogurt zebra"
).split()

# BIP39 words a young person should not be handed as their secret: violence, weapons,
# crime, drink, drugs, gambling, illness, death, sadness, insults, bodies, romance.
UNSUITABLE = frozenset(
    (
        "abuse accident accuse addict adult affair alcohol anger angry anxiety armed army "
        "arrest assault attack awful bachelor betray bitter blade blame blast bleak blind "
        "blood bomb bullet bunker cage cannon casino cigar clinic crash crazy crime cruel "
        "damage danger dead debris demise denial despair destroy disease dismiss disorder "
        "divorce dose drastic drink drunk dumb dwarf enemy erode evil execute exhaust exile "
        "expose false fatal fat fatigue fault female fever flee foster fragile fury garbage "
        "gloom gossip grief grunt guilt gun harsh hazard horror husband ignore ill illegal "
        "illness inflict inhale inject injury inmate insane isolate jealous junk kidnap kill "
        "kiss lazy liar lonely lottery mad male marriage misery naive naked nasty neglect "
        "nuclear orphan panic pill pistol poison poverty prison punch reject riot rifle "
        "romance rude sad sadness satoshi sex shock shoot sick siege skull slam slim smoke "
        "soldier stomach suffer suicide suspect swear sword symptom tattoo tobacco toilet "
        "tragic trap trash trigger ugly unfair unhappy upset useless vicious victim virus "
        "void war warfare warrior weapon wife wine witness wreck"
    ).split()
)

# The BIP39 English list without the unsuitable words, topped up with the friendly words
# above and the pseudonyms' words so the list stays above 2,048 (11 bits a word).
PHRASE_WORDS = tuple(
    sorted(
        {
            *(w for w in Mnemonic("english").wordlist if w not in UNSUITABLE),
            *_FRIENDLY_WORDS,
            *(w.lower() for w in (*ADJECTIVES, *ANIMALS)),
        }
        - UNSUITABLE
    )
)

PHRASE_LENGTH = 6


def pseudonym_suggestions(count: int = 6, taken: set[str] | frozenset = frozenset()) -> list[str]:
    """Fresh, friendly pseudonyms ("Swift Otter") not already used in the club."""
    suggestions: list[str] = []
    for _ in range(count * 20):
        name = f"{secrets.choice(ADJECTIVES)} {secrets.choice(ANIMALS)}"
        if name not in taken and name not in suggestions:
            suggestions.append(name)
        if len(suggestions) == count:
            break
    return suggestions


def is_generated_pseudonym(name: str) -> bool:
    parts = name.split(" ")
    return len(parts) == 2 and parts[0] in ADJECTIVES and parts[1] in ANIMALS


def new_recovery_phrase() -> str:
    return " ".join(secrets.choice(PHRASE_WORDS) for _ in range(PHRASE_LENGTH))


def normalise_phrase(phrase: str) -> str:
    return " ".join(re.findall(r"[a-z]+", (phrase or "").lower()))


def phrase_hash(phrase: str, *, club_id: int) -> str:
    """What is stored of a recovery phrase: a hash of it within its club, so the same
    words in another club are another phrase, and the words are never kept."""
    return hashlib.sha256(f"coproduce:{club_id}:{normalise_phrase(phrase)}".encode()).hexdigest()


def legacy_phrase_hash(phrase: str) -> str:
    """How four-word phrases given before club codes were asked for are stored."""
    return hashlib.sha256(normalise_phrase(phrase).encode()).hexdigest()


def join_token_hash(client_token: str) -> str:
    """What is stored of a join form's token: a hash, so the database alone cannot
    replay a join, nor unseal the phrase sealed with the token (`seal_phrase`)."""
    return hashlib.sha256(f"coproduce.join-token:{client_token}".encode()).hexdigest()


def _padded(data: bytes, client_token: str) -> bytes:
    """`data` XOR a pad as long as it, made from the token: applied twice, `data` again."""
    pad = hashlib.shake_256(f"coproduce.join-seal:{client_token}".encode()).digest(len(data))
    return bytes(a ^ b for a, b in zip(data, pad, strict=True))


def seal_phrase(phrase: str, *, client_token: str) -> str:
    """The phrase hidden under a pad made from the join form's token (a random UUID that
    only the joining browser holds): a double-tapped Join, coming back with the same
    token, can show the same phrase again, and nobody without the token can read it."""
    return _padded(phrase.encode(), client_token).hex()


def unseal_phrase(sealed: str, *, client_token: str) -> str:
    """The phrase `seal_phrase` hid; garbage (never an error) for the wrong token."""
    try:
        data = bytes.fromhex(sealed)
    except ValueError:
        return ""
    return _padded(data, client_token).decode(errors="replace")


def new_participant_key() -> str:
    return secrets.token_urlsafe(32)


_CONTACT_PATTERNS = [
    # Email addresses, also written "name at domain dot com".
    re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+", re.IGNORECASE),
    re.compile(
        r"\b\w+\s*(?:\(at\)|\[at\]| at )\s*\w+\s*(?:\.|dot)\s*(?:com|co|uk|net|org)\b", re.I
    ),
    # Phone numbers: 10+ digits allowing spaces, dots, dashes, brackets, +44.
    re.compile(r"(?:\+|\b)(?:\d[\s().-]?){10,}\d?"),
    # Links and bare domains.
    re.compile(r"https?://|www\.|\b[\w-]+\.(?:com|co\.uk|uk|net|org|io|me|ly|gg|tv)\b", re.I),
    # Social handles: @name, or "snap/insta/tiktok ... name".
    re.compile(r"(?<![\w.])@[A-Za-z0-9_.]{2,}"),
    re.compile(r"\b(?:snap(?:chat)?|insta(?:gram)?|tiktok|discord|whatsapp|telegram)\b", re.I),
]


def has_contact_details(*texts: str) -> bool:
    """True where the text looks like it shares a way to contact someone."""
    joined = "\n".join(t or "" for t in texts)
    return any(p.search(joined) for p in _CONTACT_PATTERNS)
