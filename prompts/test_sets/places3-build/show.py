import os as _os
HERE = _os.path.dirname(_os.path.abspath(__file__))
import json,sys
rows=[json.loads(l) for l in open(HERE + '/places3.jsonl')]
hn={json.loads(l)["id"]:json.loads(l)["hard_negatives"] for l in open(HERE + '/places3.hardneg.jsonl')}
lastpost=None
a,b=int(sys.argv[1]),int(sys.argv[2])
for r in rows[a-1:b]:
    if r['post']!=lastpost and r['post']:
        print("\n=== POST:", r['post']); print("    post labels:", [(p['mention'],p['place'],p['kind']) for p in r['places'] if p['in']=='post'])
    lastpost=r['post'] if r['post'] else lastpost
    t=[(p['mention'],p['place'],p['kind'],'' if p['on_island'] else 'OFF') for p in r['places'] if p['in']=='text']
    print(f"{r['id']} {r['kind'][0]} {r['language']:5} | {r['text']}\n      -> {t} {'HN:'+str(hn[r['id']]) if r['id'] in hn else ''}")
