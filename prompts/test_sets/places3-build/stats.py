import os as _os
HERE = _os.path.dirname(_os.path.abspath(__file__))
import json, collections
rows = [json.loads(l) for l in open(HERE + '/places3.jsonl', encoding='utf-8')]
hn = {json.loads(l)["id"]: json.loads(l)["hard_negatives"] for l in open(HERE + '/places3.hardneg.jsonl', encoding='utf-8')}
C = collections.Counter
print("items", len(rows), C(r["kind"] for r in rows), C(r["language"] for r in rows))
lang = C(r["language"] for r in rows); print("cy+mixed share %.1f%%" % (100*(lang["cy"]+lang["mixed"])/len(rows)))
nop = [r for r in rows if not r["places"]]; print("no place at all", len(nop), "%.1f%%" % (100*len(nop)/len(rows)))
notext = [r for r in rows if not any(p["in"]=="text" for p in r["places"])]; print("no place in text", len(notext))
labs = [p for r in rows for p in r["places"]]
print("labels", len(labs), "text", sum(p["in"]=="text" for p in labs), "post", sum(p["in"]=="post" for p in labs))
print("by kind (all)", C(p["kind"] for p in labs))
print("by kind (text only)", C(p["kind"] for p in labs if p["in"]=="text"))
off = [p for p in labs if not p["on_island"]]; print("off-island labels", len(off), "text", sum(p["in"]=="text" for p in off), C(p["place"] for p in off))
print("distinct places", len({p["place"] for p in labs}))
print("posts", len({r["post"] for r in rows if r["post"]}))
print("hard-negative items", len(hn), "%.1f%%" % (100*len(hn)/len(rows)), "strings", sum(len(v) for v in hn.values()))
for i, v in hn.items():
    r = next(r for r in rows if r["id"]==i)
    for h in v: assert h in r["text"], (i,h)
