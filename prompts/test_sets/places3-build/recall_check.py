import os as _os
HERE = _os.path.dirname(_os.path.abspath(__file__))
import json, re
rows=[json.loads(l) for l in open(HERE + '/places3.jsonl')]
hn={json.loads(l)["id"]:json.loads(l)["hard_negatives"] for l in open(HERE + '/places3.hardneg.jsonl')}
forms=set()
for r in rows:
    for p in r['places']: forms.add(p['mention'].lower())
# add some base names
forms |= {"holyhead","caergybi","llangefni","amlwch","beaumaris","biwmares","menai bridge","porthaethwy","benllech","rhosneigr","cemaes","valley","fali","newborough","niwbwrch","moelfre","star","mona","bangor","dublin","chester","penrhos","britannia","cemlyn","trefor","alaw","cefni","menai","gwalchmai","seiriol","eilian","carmel","market street","high street","church street"}
def uncovered(text, labels):
    out=[]
    tl=text.lower()
    for f in forms:
        for m in re.finditer(r'(?<![\w])'+re.escape(f)+r'(?![\w])', tl):
            covered=any(tl.find(l.lower())!=-1 and any(s<=m.start() and m.end()<=s+len(l) for s in [x.start() for x in re.finditer(re.escape(l.lower()), tl)]) for l in labels)
            if not covered: out.append(f)
    return sorted(set(out))
seenpost=set()
for r in rows:
    u=uncovered(r['text'],[p['mention'] for p in r['places'] if p['in']=='text'])
    if u: print(r['id'],'TEXT',u,'| HN:',hn.get(r['id']),'|',r['text'][:90])
    if r['post'] and r['post'] not in seenpost:
        seenpost.add(r['post'])
        u=uncovered(r['post'],[p['mention'] for p in r['places'] if p['in']=='post'])
        if u: print(r['id'],'POST',u,'|',r['post'][:90])
