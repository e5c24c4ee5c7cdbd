"""The scrutiny pack: one quarter of the desk's work for the accountability board.

The rooms: :mod:`.quarters` (which quarter), :mod:`.figures` (what the pack counts, and the
decisions behind each figure), and the HTML document — :mod:`.document` (the whole page in
order), its sections (:mod:`.service_sections`, :mod:`.outcome_sections`,
:mod:`.governance_sections`), :mod:`.charts`, :mod:`.bilingual` (English and Welsh side by side)
and :mod:`.style` (the CSS).
"""
