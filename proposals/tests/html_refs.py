"""What a screen reader follows on a page: ids that labels and ARIA attributes point to."""

from html.parser import HTMLParser

REFERENCING = ("aria-describedby", "aria-labelledby", "aria-controls", "for")


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str, str]] = []  # (tag, attribute, id)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if attrs.get("id"):
            self.ids.add(attrs["id"])
        for name in REFERENCING:
            if name == "for" and tag != "label":
                continue
            for ref in (attrs.get(name) or "").split():
                self.refs.append((tag, name, ref))


def dangling_references(html: str) -> list[str]:
    """`<textarea aria-describedby="id_body_helptext">` with no element of that id: the
    help text is never read out with the field. One line per reference that leads nowhere."""
    parser = _Refs()
    parser.feed(html)
    return [f"<{tag} {name}={ref!r}>" for tag, name, ref in parser.refs if ref not in parser.ids]
