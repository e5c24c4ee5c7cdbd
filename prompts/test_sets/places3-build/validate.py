import os as _os
HERE = _os.path.dirname(_os.path.abspath(__file__))
import json, re, sys, collections
path = sys.argv[1] if len(sys.argv) > 1 else HERE + '/places3.jsonl'
KINDS = {"town","village","street","road","beach","car park","school","level crossing","landmark"}
errs = []; rows = []
for n, line in enumerate(open(path, encoding='utf-8'), 1):
    try: rows.append(json.loads(line))
    except Exception as e: errs.append(f"line {n}: bad json {e}")
texts = collections.Counter(r["text"] for r in rows)
postplaces = {}
for i, r in enumerate(rows, 1):
    rid = r.get("id")
    if set(r) != {"id","kind","language","text","post","places"}: errs.append(f"{rid}: keys {sorted(r)}")
    if rid != "r%03d" % i: errs.append(f"{rid}: expected r{i:03d}")
    if r["kind"] not in ("comment","message"): errs.append(f"{rid}: kind")
    if r["language"] not in ("en","cy","mixed"): errs.append(f"{rid}: language")
    if not isinstance(r["text"], str) or not r["text"].strip(): errs.append(f"{rid}: empty text")
    if texts[r["text"]] > 1: errs.append(f"{rid}: duplicate text")
    if r["kind"] == "message" and r["post"] is not None: errs.append(f"{rid}: message with post")
    if r["kind"] == "comment" and not (isinstance(r["post"], str) and r["post"].strip()): errs.append(f"{rid}: comment without post")
    seen = set()
    for p in r["places"]:
        if set(p) != {"mention","place","kind","on_island","in"}: errs.append(f"{rid}: place keys {sorted(p)}")
        if p["kind"] not in KINDS: errs.append(f"{rid}: place kind {p['kind']}")
        if not isinstance(p["on_island"], bool): errs.append(f"{rid}: on_island not bool")
        if p["in"] not in ("text","post"): errs.append(f"{rid}: in={p['in']}")
        src = r["text"] if p["in"] == "text" else r["post"]
        if p["in"] == "post" and r["post"] is None: errs.append(f"{rid}: post label on message")
        elif p["mention"] not in (src or ""): errs.append(f"{rid}: mention {p['mention']!r} not in {p['in']}")
        if not p["mention"].strip() or p["mention"] != p["mention"].strip(): errs.append(f"{rid}: bad mention whitespace")
        key = (p["mention"], p["place"], p["in"])
        if key in seen: errs.append(f"{rid}: duplicate label {key}")
        seen.add(key)
    if r["kind"] == "comment":
        pp = sorted(json.dumps(p, sort_keys=True, ensure_ascii=False) for p in r["places"] if p["in"] == "post")
        postplaces.setdefault(r["post"], []).append((rid, pp))
# consistency: same post -> same post labels
for post, lst in postplaces.items():
    if len({tuple(pp) for _, pp in lst}) > 1: errs.append(f"post labels differ across {[i for i,_ in lst]}")
# consistency: same (mention) -> same place everywhere (report, not error)
mp = collections.defaultdict(set)
for r in rows:
    for p in r["places"]: mp[p["mention"]].add((p["place"], p["kind"], p["on_island"]))
incons = {m: v for m, v in mp.items() if len(v) > 1}
print(f"{len(rows)} items, {len(errs)} errors")
for e in errs[:50]: print("  ERR", e)
for m, v in incons.items(): print("  NOTE mention with >1 label:", m, v)
sys.exit(1 if errs else 0)
