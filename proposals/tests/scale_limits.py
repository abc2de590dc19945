"""Limits shared by the page benchmark and the query-count test (no Django imports: the
benchmark reads them before setting Django up)."""

# Search runs a query or two per kind of hit found (proposals, sections, reply paragraphs),
# and a unit with few proposals is searched by scanning them rather than through the index
# (one query fewer): its count moves with what the words match and the unit's size, within
# these bounds, never with the size of the data.
VARIES_WITH_HITS = {"search": 3, "search (unit)": 3}
