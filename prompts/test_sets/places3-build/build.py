import os as _os
HERE = _os.path.dirname(_os.path.abspath(__file__))
import json, sys
sys.path.insert(0, HERE)
from gaz import G
ITEMS = []   # (kind, lang, text, post, post_places, text_places, hn)
CUR = {"post": None, "pp": ""}
def P(text, places=""):
    CUR["post"] = text; CUR["pp"] = places
def c(lang, text, places="", hn=""):
    ITEMS.append(("comment", lang, text, CUR["post"], CUR["pp"], places, hn))
def M(lang, text, places="", hn=""):
    ITEMS.append(("message", lang, text, None, "", places, hn))
def parse(spec, where):
    out = []
    for part in [p.strip() for p in spec.split("|") if p.strip()]:
        mention, key = part.rsplit("=", 1)
        place, kind, on = G[key.strip()]
        d={"mention": mention, "place": place, "kind": kind, "on_island": on, "in": where}
        if d not in out: out.append(d)
    return out
exec(open(HERE + '/data.py', encoding='utf-8').read())
rows, notes = [], []
for i, (kind, lang, text, post, pp, tp, hn) in enumerate(ITEMS, 1):
    rid = "r%03d" % i
    places = parse(tp, "text") + (parse(pp, "post") if post is not None else [])
    rows.append({"id": rid, "kind": kind, "language": lang, "text": text, "post": post, "places": places})
    notes.append({"id": rid, "hard_negatives": [h for h in hn.split("|") if h]})
with open(HERE + '/places3.jsonl', 'w', encoding='utf-8') as f:
    for r in rows: f.write(json.dumps(r, ensure_ascii=False) + "\n")
with open(HERE + '/places3.hardneg.jsonl', 'w', encoding='utf-8') as f:
    for n in notes:
        if n["hard_negatives"]: f.write(json.dumps(n, ensure_ascii=False) + "\n")
print(len(rows), "items")
