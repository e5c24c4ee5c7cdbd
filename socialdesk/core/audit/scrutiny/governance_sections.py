"""The pack's governance sections: the plain-language statement of what the desk does, what
retention removed and keeps, and the audit chain's check.
"""

from __future__ import annotations

from socialdesk.core.audit.scrutiny.bilingual import _both, _day_cy, _day_en, _e, _prose
from socialdesk.core.audit.scrutiny.figures import ScrutinyPack


def _statement(pack: ScrutinyPack) -> str:
    rules = pack.rules
    model_en = [
        "It suggests a category for each comment and message (report, concern or chat) and "
        "notes its language. The suggestion sets the order of the officers' list and the time "
        "by which a first answer is due.",
        "It flags items as urgent, from its own score or from words in English and Welsh "
        "(self-harm, an attack now, a missing child…). It is set to miss as few urgent items "
        "as possible, so it raises false alarms on purpose. It can raise the flag but never "
        "lowers it.",
        "It runs on the team's own computer: no message is sent to an outside AI service. It "
        "learns from examples labelled by the team and from officers' corrections.",
    ]
    model_cy = [
        "Mae'n awgrymu categori ar gyfer pob sylw a neges (adroddiad, pryder neu sgwrs) ac "
        "yn nodi ei iaith. Mae'r awgrym yn pennu trefn rhestr y swyddogion a'r amser erbyn "
        "pryd y dylid rhoi ateb cyntaf.",
        "Mae'n nodi eitemau brys, o'i sgôr ei hun neu o eiriau yn Gymraeg ac yn Saesneg "
        "(hunan-niweidio, ymosodiad nawr, plentyn ar goll…). Fe'i gosodwyd i fethu cyn "
        "lleied o eitemau brys â phosibl, felly mae'n codi larymau ffug yn fwriadol. Gall "
        "osod y nod brys, ond nid yw byth yn ei dynnu.",
        "Mae'n rhedeg ar gyfrifiadur y tîm ei hun: nid anfonir unrhyw neges at wasanaeth "
        "deallusrwydd artiffisial allanol. Mae'n dysgu o enghreifftiau a labelwyd gan y tîm "
        "ac o gywiriadau swyddogion.",
    ]
    if rules.acknowledge_out_of_hours:
        model_en.append(
            "When the desk is not staffed, socialdesk sends one automatic reply to a private "
            "message: the page is not monitored now, ring 999 in an emergency, otherwise 101. "
            "This reply is marked as automatic and is never counted as an answer.")
        model_cy.append(
            "Pan nad yw'r ddesg wedi'i staffio, mae socialdesk yn anfon un ateb awtomatig i "
            "neges breifat: nid oes neb yn monitro'r dudalen nawr, ffoniwch 999 mewn argyfwng, "
            "101 fel arall. Caiff yr ateb hwn ei nodi'n awtomatig ac nid yw byth yn cyfrif fel "
            "ateb.")
    people_en = [
        "Officers read every item and decide what to do with it: answer it, pass it on, or "
        "close it and say why. Every answer on the page is written or chosen, and sent, by an "
        "officer.",
        "Officers correct the model's category or urgent flag; their correction stands and "
        "teaches the next model.",
        "An urgent item stays at the top of the list until an officer acts on it; when nobody "
        f"has claimed it after {rules.escalate_after} minutes, the supervisors are told.",
        "Supervisors assign work, " + ("approve safety posts, " if rules.require_approval
                                       else "") +
        "decide what is exported, and purge personal data under the retention policy.",
        "The model never answers, closes, hides or deletes anything, and never contacts "
        "anyone.",
    ]
    people_cy = [
        "Mae swyddogion yn darllen pob eitem ac yn penderfynu beth i'w wneud â hi: ei hateb, "
        "ei throsglwyddo, neu ei chau a dweud pam. Swyddog sy'n ysgrifennu neu'n dewis, ac yn "
        "anfon, pob ateb ar y dudalen.",
        "Mae swyddogion yn cywiro categori neu nod brys y model; mae eu cywiriad yn sefyll ac "
        "yn dysgu'r model nesaf.",
        "Mae eitem frys yn aros ar frig y rhestr nes i swyddog weithredu arni; os nad oes neb "
        f"wedi'i hawlio ar ôl {rules.escalate_after} munud, rhoddir gwybod i'r goruchwylwyr.",
        "Mae goruchwylwyr yn dyrannu gwaith, " + ("yn cymeradwyo negeseuon diogelwch, "
                                                  if rules.require_approval else "") +
        "yn penderfynu beth a allforir, ac yn dileu data personol yn unol â'r polisi cadw.",
        "Nid yw'r model byth yn ateb, yn cau, yn cuddio nac yn dileu dim, ac nid yw byth yn "
        "cysylltu â neb.",
    ]
    return "".join([
        '<section class="part" id="decisions">',
        f"<h2>{_both('What the model decides and what people decide', 'Beth mae’r model yn ei benderfynu a beth mae pobl yn ei benderfynu')}</h2>",  # noqa: E501
        f"<h3>{_both('The model', 'Y model')}</h3>",
        _prose(model_en, model_cy, bullets=True),
        f"<h3>{_both('People', 'Pobl')}</h3>",
        _prose(people_en, people_cy, bullets=True),
        "</section>"])


def _retention(pack: ScrutinyPack) -> str:
    r = pack.retention
    if r.last_purge_at:
        last = (f"{_day_en(r.last_purge_at, pack)} (words written before "
                f"{_day_en(r.last_purge_cutoff, pack) or '—'})",
                f"{_day_cy(r.last_purge_at, pack)} (geiriau a ysgrifennwyd cyn "
                f"{_day_cy(r.last_purge_cutoff, pack) or '—'})")
    else:
        last = ("none yet", "dim eto")
    oldest = ((_day_en(r.oldest_kept, pack), _day_cy(r.oldest_kept, pack)) if r.oldest_kept
              else ("none", "dim"))
    rows = [
        (_both("Retention period", "Cyfnod cadw"), (f"{r.days:,} days", f"{r.days:,} diwrnod")),
        (_both("Last purge", "Y dileu diwethaf"), last),
        (_both("Items whose words were purged in the quarter",
               "Eitemau y dilëwyd eu geiriau yn ystod y chwarter"),
         (f"{r.purged_in_quarter:,}", f"{r.purged_in_quarter:,}")),
        (_both("Items whose words were purged, in all",
               "Eitemau y dilëwyd eu geiriau, i gyd"), (f"{r.purged_all:,}", f"{r.purged_all:,}")),
        (_both("Oldest item still holding its words", "Yr eitem hynaf sy'n dal i gadw ei geiriau"),
         oldest),
    ]
    body = "".join(
        f"<tr><th>{h}</th><td>{_e(en)}"
        + (f' / <span class="cy" lang="cy">{_e(cy)}</span>' if cy != en else "") + "</td></tr>"
        for h, (en, cy) in rows)
    return "".join([
        '<section class="part" id="retention">',
        f"<h2>{_both('Retention of personal data', 'Cadw data personol')}</h2>",
        _prose([f"The words of each message, the writer's name and id, attachments and links "
                f"are purged {r.days:,} days after the message arrived. Times, categories, "
                "languages and officers stay, so the figures in this pack do not change. "
                "Purged words leave the database file."],
               [f"Caiff geiriau pob neges, enw a dynodydd yr awdur, atodiadau a dolenni eu "
                f"dileu {r.days:,} diwrnod ar ôl i'r neges gyrraedd. Mae'r amseroedd, y "
                "categorïau, yr ieithoedd a'r swyddogion yn aros, felly nid yw'r ffigurau yn "
                "y pecyn hwn yn newid. Mae'r geiriau a ddilëwyd yn gadael ffeil y gronfa "
                "ddata."]),
        f'<table class="facts" id="retention-facts">{body}</table>',
        "</section>"])


def _audit(pack: ScrutinyPack) -> str:
    chain = pack.chain
    if chain is None:
        verdict, bad = ("not checked", "heb ei gwirio"), True
        rows_text, head = "—", "—"
    elif chain.ok:
        verdict, bad = ("Intact: every row chains to the one before it and matches its hash, "
                        "and the chain agrees with its anchors.",
                        "Cyfan: mae pob rhes yn cysylltu â'r un o'i blaen ac yn cyfateb i'w "
                        "stwnsh, ac mae'r gadwyn yn cytuno â'i hangorau."), False
        rows_text, head = f"{chain.rows:,}", chain.head
    else:
        verdict = (f"BROKEN at row {chain.broken_id}: it {chain.reason}.",
                   f"WEDI'I THORRI yn rhes {chain.broken_id}: mae'r rhes hon wedi'i newid, "
                   "neu mae rhes wedi'i dileu, ei hychwanegu neu ei symud.")
        bad = True
        rows_text, head = f"{chain.rows:,}", chain.head
    return "".join([
        '<section class="part" id="audit">',
        f"<h2>{_both('The audit chain', 'Y gadwyn archwilio')}</h2>",
        _prose(["Every action of officers and of the system is a row of a hash chain "
                "(SHA-256): a changed, deleted or inserted row breaks it. The chain was checked "
                "when this pack was made, against the anchors kept outside the database."],
               ["Mae pob cam gan swyddogion a chan y system yn rhes mewn cadwyn stwnsh "
                "(SHA-256): mae rhes a newidiwyd, a ddilëwyd neu a fewnosodwyd yn ei thorri. "
                "Gwiriwyd y gadwyn pan grëwyd y pecyn hwn, yn erbyn yr angorau a gedwir y tu "
                "allan i'r gronfa ddata."]),
        f'<div class="verdict{" bad" if bad else ""}" id="chain-verdict"><div class="both">'
        f'<div lang="en">{_e(verdict[0])}</div>'
        f'<div lang="cy" class="cy">{_e(verdict[1])}</div></div></div>',
        '<table class="facts" id="chain-facts">'
        f"<tr><th>{_both('Rows checked', 'Rhesi a wiriwyd')}</th>"
        f'<td class="n">{_e(rows_text)}</td></tr>'
        f"<tr><th>{_both('Head (the last row’s hash)', 'Pen y gadwyn (stwnsh y rhes olaf)')}"
        f'</th><td><code id="chain-head">{_e(head)}</code></td></tr></table>',
        _prose(["Anyone with access can check it again with: socialdesk audit verify. This "
                "export is itself recorded in the chain, after the head above."],
               ["Gall unrhyw un sydd â mynediad ei gwirio eto gyda: socialdesk audit verify. "
                "Cofnodir yr allforio hwn yn y gadwyn hefyd, ar ôl y pen uchod."]),
        "</section>"])
