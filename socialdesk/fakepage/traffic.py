"""Generated page traffic: bilingual (English/Welsh) posts, comments and Messenger messages.

Written for an Anglesey neighbourhood page: varied authors, island places, typos, slang and
emoji. Everything comes from a seeded ``random.Random`` so a page can be rebuilt exactly.
"""

from __future__ import annotations

import random

FIRST_NAMES = ["Gwen", "Dafydd", "Siân", "Rhys", "Ffion", "Gareth", "Nia", "Iwan", "Elin",
               "Huw", "Mared", "Owain", "Carys", "Tomos", "Lowri", "Bryn", "Angharad", "Dylan",
               "Sharon", "Dave", "Kelly", "Mark", "Jo", "Tracey", "Paul", "Emma", "Lee",
               "Karen", "Steve", "Becky", "Wil", "Mali", "Gethin", "Sioned", "Alun", "Delyth"]
SURNAMES = ["Jones", "Williams", "Hughes", "Roberts", "Evans", "Owen", "Parry", "Pritchard",
            "Thomas", "Griffiths", "Lewis", "Davies", "Morris", "Smith", "Wright", "Ellis",
            "Rowlands", "Lloyd", "Vaughan", "Bevan"]
PLACES = ["Llangefni", "Holyhead", "Caergybi", "Amlwch", "Benllech", "Beaumaris", "Biwmares",
          "Menai Bridge", "Porthaethwy", "Rhosneigr", "Cemaes", "Valley", "Y Fali",
          "Niwbwrch", "Newborough", "Llanfairpwll", "Gaerwen", "Pentraeth", "Bodedern",
          "Moelfre", "Trearddur Bay", "Bae Trearddur", "Llannerch-y-medd", "Malltraeth"]
STREETS = ["Stryd Fawr", "High Street", "Ffordd y Felin", "Lôn Las", "Stryd y Bont",
           "Penrhos Road", "Ffordd Caergybi", "Church Street", "Lôn Goed", "Market Street"]

POSTS_EN = [
    "🚲 Bike marking event at {place} leisure centre this Saturday 10-2. Bring your bike and proof of ownership!",
    "Scam alert: residents in {place} have had calls from people pretending to be from the bank. Never give your PIN to anyone.",
    "Thank you to everyone who came to our drop-in at {place} library today 👮",
    "Please lock your cars. We've had reports of vehicles being tampered with overnight in {place}.",
    "Level crossing safety: please never cross when the lights are flashing. Trains on the Holyhead line are fast and quiet.",
    "Report non-emergencies on 101 or online. In an emergency ALWAYS call 999.",
    "Off-road bikes on the beach at {place}: we are aware and patrolling this weekend.",
    "",
]
POSTS_CY = [
    "🚲 Digwyddiad marcio beiciau yng nghanolfan hamdden {place} ddydd Sadwrn 10-2. Dewch â'ch beic!",
    "Rhybudd sgam: mae trigolion {place} wedi cael galwadau gan bobl sy'n honni eu bod o'r banc. Peidiwch byth â rhoi eich PIN i neb.",
    "Diolch i bawb a ddaeth i'n sesiwn galw heibio yn llyfrgell {place} heddiw 👮",
    "Cofiwch gloi eich ceir. Rydym wedi cael adroddiadau am ymyrryd â cheir dros nos yn {place}.",
    "Rhowch wybod am bethau nad ydynt yn argyfwng ar 101 neu ar-lein. Mewn argyfwng, ffoniwch 999 BOB AMSER.",
]

COMMENTS_EN = [
    "Well done all 👏👏", "thanks for the heads up", "Brilliant work as always",
    "@{first} {surname} look at this", "😂😂", "Good to see you out and about in {place}",
    "Is the station in {place} open on Saturdays?", "how do I become a special constable?",
    "my mum had one of those calls last week, she hung up thank god",
    "Someone was trying car doors on {street} last night around 2am, caught it on my ring doorbell",
    "the kids on the scramblers at {place} beach are out again every single night",
    "Can you do something about the speeding on {street}? someone will get killed",
    "had a text saying my parcel is held and I need to pay £1.45, is that a scam?",
    "Great to see the bike marking, will bring the kids' bikes",
    "not before time!! been going on for months",
    "Found a set of keys near the Co-op in {place}, who do I hand them to?",
    "lol good luck with that", "👍", "❤️",
    "There's a white van been parked up on {street} for 3 days with people going in and out at all hours",
    "My shed was broken into last night in {place} and the strimmer's gone. should I report it?",
    "I reported my stolen bike 2 weeks ago and nobody has got back to me",
]
COMMENTS_CY = [
    "Da iawn chi 👏", "Diolch am y rhybudd", "Gwaith gwych fel arfer",
    "Diolch o galon i chi gyd", "Ydi'r orsaf yn {place} ar agor ar ddydd Sadwrn?",
    "Mae 'na hogia ar feics modur ar y traeth yn {place} bob nos, mae'n beryg",
    "Oes modd gwneud rhywbeth am y goryrru ar {street}? Mi fydd rhywun yn cael ei ladd",
    "Ges i neges destun yn deud bod fy mharsel yn sownd, sgam ydi o?",
    "Welish i rywun yn trio drysau ceir ar {street} neithiwr tua 2 y bore",
    "Mae rhywun wedi torri i mewn i'r sied acw yn {place} a dwyn y peiriant torri gwair",
    "Haha da 😂", "Grêt, mi ddoi â beic y plant", "Hen bryd!! Mae hyn wedi bod yn mynd ymlaen ers misoedd",
    "Ffendish i oriadau ger y Co-op yn {place}, i bwy dwi'n eu rhoi nhw?",
    "Diolch am ddod i'r ysgol heddiw, roedd y plant wrth eu boddau",
]
MESSAGES_EN = [
    "Hi, I think someone is dealing from the flat above the chip shop on {street}, cars coming and going all night",
    "My neighbour is elderly and I haven't seen her for a week, curtains still shut. Not sure who to ask",
    "Hello, my car was keyed outside my house on {street} in {place} last night, what do I do?",
    "i got scammed out of £300 on marketplace, the seller blocked me. is this a police thing?",
    "hi just wanted to say thanks to the officer who helped my dad in {place} yesterday, he was so kind",
    "There's a man shouting and banging on the door of the house next door right now, I can hear a woman screaming",
    "Is this email from HMRC real? It says I'm owed a tax refund",
    "Someone stole diesel from the tractor on our farm near {place} overnight",
    "Do you have lost property? I lost my wallet in {place} on Friday",
    "My friend posted a goodbye message on facebook and isn't answering her phone, I'm really scared",
    "the lads on the field behind {street} are setting fires again every evening",
    "hiya when's the next drop in at {place}?",
]
MESSAGES_CY = [
    "Helo, dw i'n meddwl bod rhywun yn gwerthu cyffuriau o'r fflat uwchben y siop sglodion ar {street}",
    "Dydw i ddim wedi gweld fy nghymydog oedrannus ers wythnos, mae'r llenni dal ar gau",
    "Mae rhywun wedi crafu fy nghar tu allan i'r tŷ ar {street} neithiwr, be ddylwn i neud?",
    "Diolch yn fawr i'r swyddog helpodd fy nhad yn {place} ddoe",
    "Ydi'r e-bost yma gan CThEF yn go iawn? Mae'n deud bod arnyn nhw ad-daliad treth i mi",
    "Mae rhywun wedi dwyn disel o'r tractor ar y fferm ger {place} dros nos",
    "Mae 'na ddyn yn gweiddi ac yn curo ar ddrws y tŷ drws nesa rŵan, dw i'n clywed dynes yn sgrechian",
    "Pryd mae'r sesiwn galw heibio nesa yn {place}?",
    "Mae fy ffrind wedi postio neges ffarwél a dydi hi ddim yn ateb ei ffôn, dw i'n poeni'n ofnadwy",
    "Mae'r hogia ar y cae tu ôl i {street} yn cynnau tanau eto bob nos",
]
PAGE_REPLIES_EN = [
    "Thanks for letting us know, we've passed this on to the local team.",
    "Please send us a private message with more details.",
    "If anyone is in danger right now please call 999.",
    "Thank you! 😊",
]
PAGE_REPLIES_CY = [
    "Diolch am roi gwybod, rydym wedi pasio hyn i'r tîm lleol.",
    "Anfonwch neges breifat atom gyda mwy o fanylion os gwelwch yn dda.",
    "Os oes unrhyw un mewn perygl rŵan, ffoniwch 999.",
    "Diolch! 😊",
]


def _typo(rng: random.Random, text: str) -> str:
    """Sometimes make a text look typed on a phone: lower case, dropped letter, no stop."""
    roll = rng.random()
    if roll < 0.15:
        text = text.lower()
    elif roll < 0.25 and len(text) > 12:
        cut = rng.randrange(3, len(text) - 3)
        text = text[:cut] + text[cut + 1:]
    return text.rstrip(".") if rng.random() < 0.3 else text


class Traffic:
    """Draws names and texts for the fake page from one seeded RNG."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def person(self) -> tuple[str, str]:
        """(psid-like id, display name)."""
        name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(SURNAMES)}"
        return str(self.rng.randrange(10**15, 10**16)), name

    def _fill(self, template: str) -> str:
        return template.format(place=self.rng.choice(PLACES), street=self.rng.choice(STREETS),
                               first=self.rng.choice(FIRST_NAMES),
                               surname=self.rng.choice(SURNAMES))

    def welsh(self) -> bool:
        """About a third of the island's traffic is in Welsh."""
        return self.rng.random() < 0.35

    def post_text(self) -> str:
        """A page post (sometimes empty: a photo post without message)."""
        pool = POSTS_CY if self.welsh() else POSTS_EN
        return self._fill(self.rng.choice(pool))

    def comment_text(self) -> str:
        """A member of the public's comment (sometimes a sticker: empty text)."""
        if self.rng.random() < 0.03:
            return ""
        pool = COMMENTS_CY if self.welsh() else COMMENTS_EN
        return _typo(self.rng, self._fill(self.rng.choice(pool)))

    def message_text(self) -> str:
        """A private message to the page."""
        pool = MESSAGES_CY if self.welsh() else MESSAGES_EN
        return _typo(self.rng, self._fill(self.rng.choice(pool)))

    def page_reply(self, welsh: bool) -> str:
        """The page's own answer, in the writer's language."""
        return self.rng.choice(PAGE_REPLIES_CY if welsh else PAGE_REPLIES_EN)


# ── photos, stickers, links and files (shapes as in captured Graph answers) ──────────────

SHARED_LINKS = [
    ("https://www.northwales.police.uk/news/north-wales-police/news/2026/lock-your-car", "Lock your car — North Wales Police"),
    ("https://www.bbc.co.uk/news/articles/anglesey-roadworks", "Roadworks on the A55 across Anglesey - BBC News"),
    ("https://www.gov.uk/report-scam-website", "Report a scam website - GOV.UK"),
    ("https://www.facebook.com/groups/ynysmonlostandfound/posts/1234567890", "Anglesey Lost & Found"),
    ("https://www.actionfraud.police.uk/", "Action Fraud"),
]
FILES = [("application/pdf", "statement.pdf", 28_824), ("video/mp4", "dashcam-A55.mp4", 1_994_148),
         ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "llythyr-cyngor.docx", 14_310)]
PHOTO_SIZES = [(1920, 1213), (1080, 1440), (474, 474), (800, 600), (2048, 1536)]
STICKERS = ["851586_126362170881913_763579892_n.png", "10333121_823251601027151_1582826135_n.png",
            "851557_369239266556155_759568595_n.png"]
CDN = "https://scontent.xx.fbcdn.net/v"


class Media:
    """Draws attachments from their own seeded RNG, so adding media to the page leaves the
    texts, authors and ids of a seed exactly as they were."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def _number(self) -> str:
        return str(self.rng.randrange(10**14, 10**15))

    def _image(self) -> dict[str, object]:
        width, height = self.rng.choice(PHOTO_SIZES)
        return {"height": height, "src": f"{CDN}/t1.0-9/{self._number()}_n.jpg?_nc_cat=100&oe=5E706DB7",
                "width": width}

    def comment_photo(self) -> dict[str, object]:
        """A comment's ``attachment`` for a photo (as sns-sdks' comment_by_parent_p1)."""
        fbid = self._number()
        url = f"https://www.facebook.com/photo.php?fbid={fbid}&set=p.{fbid}&type=3"
        return {"media": {"image": self._image()}, "target": {"id": fbid, "url": url},
                "type": "photo", "url": url}

    def comment_sticker(self) -> dict[str, object]:
        """A comment's ``attachment`` for a sticker (its ``message`` is "")."""
        sticker = self._number()
        image = {"height": 240, "width": 240,
                 "src": f"{CDN}/t39.1997-6/{self.rng.choice(STICKERS)}?_nc_cat=1"}
        url = f"https://www.facebook.com/{sticker}"
        return {"media": {"image": image}, "target": {"id": sticker, "url": url},
                "type": "sticker", "url": url}

    def comment_link(self) -> dict[str, object]:
        """A comment's ``attachment`` for a shared link."""
        link, title = self.rng.choice(SHARED_LINKS)
        return {"media": {"image": self._image()}, "target": {"url": link}, "title": title,
                "type": "share", "url": link}

    def comment_attachment(self, has_text: bool) -> dict[str, object] | None:
        """What a public comment carries: a sticker when it has no words, else now and then a
        photo or a link."""
        if not has_text:
            return self.comment_sticker()
        roll = self.rng.random()
        if roll < 0.08:
            return self.comment_photo()
        if roll < 0.11:
            return self.comment_link()
        return None

    def message_photo(self) -> dict[str, object]:
        """A Messenger ``attachments.data`` entry for a photo (as sns-sdks' messages_info)."""
        number = self._number()
        width, height = self.rng.choice(PHOTO_SIZES)
        return {"id": number, "mime_type": "image/jpeg", "name": f"image-{number}",
                "size": self.rng.randrange(40_000, 3_000_000),
                "image_data": {"width": width, "height": height, "max_width": width,
                               "max_height": height,
                               "url": f"{CDN}/t1.15752-9/{number}_n.jpg?_nc_cat=107&oe=60FBDDC4",
                               "preview_url": f"{CDN}/t1.15752-9/p280x280/{number}_n.jpg",
                               "image_type": 1, "render_as_sticker": False}}

    def message_file(self) -> dict[str, object]:
        """A Messenger ``attachments.data`` entry for a file or a video."""
        mime, name, size = self.rng.choice(FILES)
        number = self._number()
        out: dict[str, object] = {"id": number, "mime_type": mime, "name": name, "size": size}
        if mime.startswith("video/"):
            out["video_data"] = {"width": 960, "height": 544, "length": 11,
                                 "url": f"https://video.xx.fbcdn.net/v/t42.3356-2/{number}_n.mp4"}
        else:
            out["file_url"] = f"https://cdn.fbsbx.com/v/t59.2708-21/{number}/{name}"
        return out

    def message_extras(self) -> tuple[list[dict[str, object]], str | None, list[dict[str, str]]]:
        """(attachments, sticker URL, shared links) of a person's message: mostly none."""
        roll = self.rng.random()
        if roll < 0.07:
            return [self.message_photo()], None, []
        if roll < 0.11:
            return [], f"{CDN}/t39.1997-6/{self.rng.choice(STICKERS)}?_nc_cat=1&_nc_ht=scontent.xx", []
        if roll < 0.15:
            link, title = self.rng.choice(SHARED_LINKS)
            return [], None, [{"link": link, "name": title, "id": self._number()}]
        if roll < 0.17:
            return [self.message_file()], None, []
        return [], None, []
