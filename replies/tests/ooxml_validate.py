"""Checks a .docx the way Word reads it: every XML part against the ISO/IEC 29500 schemas,
once as Word 2010+ reads it and once as Word 2007 reads it, plus the package rules whose
breach makes Word offer to repair the file.

    from replies.tests.ooxml_validate import assert_valid_docx, validate_docx
    report = validate_docx(data)        # report.problems: list[Problem]; report.checked
    assert_valid_docx(data)             # AssertionError listing every problem, one a line

The schemas (``data/ooxml-xsd``, see its README) are compiled once per process.

Markup Compatibility (ISO/IEC 29500-3) is applied first, per reader: an ``mc:Choice`` is
kept when the reader understands every namespace its ``Requires`` names, else the
``mc:Fallback``; elements and attributes of ``mc:Ignorable`` namespaces the reader does not
understand are dropped. Word 2010 understands more than the wps namespace (w14, wp14, …),
but this schema set only holds wps, so the others count as not understood by either reader.

The package rules: every part has a content type (Override or Default), fitting the type of
the relationships that point at it; every internal relationship target is in the package;
relationship ids are unique per part and every r:id / r:embed names one of its own part's,
of the right type; wp:docPr ids and VML shape ids (o:spid) are unique across the document
and its headers and footers; complex fields are closed; core.xml's dates are typed W3CDTF.
Two checks are stricter than Word, which would open the file: parts nothing points to
(orphans) and Overrides for parts that are not there; from a generator both are mistakes.
"""

from __future__ import annotations

import copy
import functools
import io
import posixpath
import re
import zipfile
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from lxml import etree

XSD_DIR = Path(__file__).resolve().parent / "data" / "ooxml-xsd"

MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
NS_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
NS_A = "http://schemas.openxmlformats.org/drawingml/2006/main"
NS_V = "urn:schemas-microsoft-com:vml"
NS_O = "urn:schemas-microsoft-com:office:office"
NS_WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
NS_PR = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CORE = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
NS_APP = "http://schemas.openxmlformats.org/officeDocument/2006/extended-properties"

# What Word 2007 understands: the namespaces of ECMA-376 1st edition / ISO 29500 transitional.
_WORD_2007 = frozenset({
    NS_W, NS_R, NS_WP, NS_A, NS_V, NS_O,
    "http://schemas.openxmlformats.org/drawingml/2006/picture",
    "http://schemas.openxmlformats.org/drawingml/2006/chart",
    "http://schemas.openxmlformats.org/drawingml/2006/diagram",
    "http://schemas.openxmlformats.org/drawingml/2006/lockedCanvas",
    "http://schemas.openxmlformats.org/officeDocument/2006/math",
    "http://schemas.openxmlformats.org/officeDocument/2006/sharedTypes",
    "http://schemas.openxmlformats.org/schemaLibrary/2006/main",
    "urn:schemas-microsoft-com:office:word",
    "urn:schemas-microsoft-com:office:excel",
    "urn:schemas-microsoft-com:office:powerpoint",
    "http://www.w3.org/XML/1998/namespace",
})
READERS: dict[str, frozenset[str]] = {
    "Word 2010": _WORD_2007 | {NS_WPS},
    "Word 2007": _WORD_2007,
}

# Schema entry points by the namespace of a part's root element; anything else goes to the
# WordprocessingML set (which also holds DrawingML, e.g. a theme part).
_ENTRY_POINTS = {
    NS_CT: "opc-xsd/opc-contentTypes.xsd",
    NS_PR: "opc-xsd/opc-relationships.xsd",
    NS_CORE: "opc-xsd/opc-coreProperties.xsd",
    NS_APP: "shared-documentPropertiesExtended.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties":
        "shared-documentPropertiesCustom.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/customXml":
        "shared-customXmlDataProperties.xsd",
    "http://schemas.openxmlformats.org/officeDocument/2006/bibliography":
        "shared-bibliography.xsd",
}
# Custom XML data parts hold any XML: with a generic content type and a root no schema here
# knows, a part is listed in Report.skipped, not validated.
_GENERIC_CT = ("application/xml", "text/xml")
_WML_ENTRY = "all-wml.xsd"

# Content types a part must have when a relationship of this type points at it.
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_WML_CT = "application/vnd.openxmlformats-officedocument.wordprocessingml."
_EXPECTED_CT = {
    _REL + "officeDocument": (_WML_CT + "document.main+xml",
                              "application/vnd.ms-word.document.macroEnabled.main+xml",
                              _WML_CT + "template.main+xml"),
    _REL + "styles": (_WML_CT + "styles+xml",),
    _REL + "settings": (_WML_CT + "settings+xml",),
    _REL + "fontTable": (_WML_CT + "fontTable+xml",),
    _REL + "webSettings": (_WML_CT + "webSettings+xml",),
    _REL + "numbering": (_WML_CT + "numbering+xml",),
    _REL + "header": (_WML_CT + "header+xml",),
    _REL + "footer": (_WML_CT + "footer+xml",),
    _REL + "footnotes": (_WML_CT + "footnotes+xml",),
    _REL + "endnotes": (_WML_CT + "endnotes+xml",),
    _REL + "theme": ("application/vnd.openxmlformats-officedocument.theme+xml",),
    _REL + "extended-properties": (
        "application/vnd.openxmlformats-officedocument.extended-properties+xml",),
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties": (
        "application/vnd.openxmlformats-package.core-properties+xml",),
}
# Elements whose relationship reference must be of one type.
_REFERENCE_TYPES = {
    f"{{{NS_W}}}headerReference": _REL + "header",
    f"{{{NS_W}}}footerReference": _REL + "footer",
    f"{{{NS_A}}}blip": _REL + "image",
}


@dataclass(frozen=True)
class Problem:
    part: str
    message: str
    line: int | None = None
    reader: str | None = None  # None: a package rule, the same for every reader

    def __str__(self) -> str:
        where = self.part + (f" line {self.line}" if self.line else "")
        return f"{where}" + (f" ({self.reader})" if self.reader else "") + f": {self.message}"


@dataclass
class Report:
    problems: list[Problem] = field(default_factory=list)
    checked: list[tuple[str, str]] = field(default_factory=list)  # (part, reader) validated
    skipped: list[str] = field(default_factory=list)  # custom XML data, which no schema covers

    @property
    def ok(self) -> bool:
        return not self.problems

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


@functools.cache
def schema(entry: str = _WML_ENTRY) -> etree.XMLSchema:
    """The compiled schema of an entry point under XSD_DIR (compiled once per process)."""
    return etree.XMLSchema(etree.parse(str(XSD_DIR / entry)))


@functools.cache
def _vml_names() -> dict[str, frozenset[str]]:
    """namespace -> every element name the VML schemas declare (globally or locally)."""
    names: dict[str, set[str]] = defaultdict(set)
    for path in XSD_DIR.glob("vml-*.xsd"):
        xsd = etree.parse(str(path)).getroot()
        names[xsd.get("targetNamespace")] |= {
            el.get("name") for el in xsd.iter("{http://www.w3.org/2001/XMLSchema}element")
            if el.get("name")}
    return {ns: frozenset(found) for ns, found in names.items()}


@functools.cache
def _wml_namespaces() -> frozenset[str]:
    """The namespaces whose schemas the WordprocessingML entry point imports."""
    entry = etree.parse(str(XSD_DIR / _WML_ENTRY)).getroot()
    return frozenset(el.get("namespace")
                     for el in entry.iter("{http://www.w3.org/2001/XMLSchema}import"))


def assert_valid_docx(data: bytes) -> Report:
    report = validate_docx(data)
    assert report.ok, f"{len(report.problems)} OOXML problem(s):\n{report}"
    return report


def validate_docx(data: bytes) -> Report:
    report = Report()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            names = zf.namelist()
            parts = {name: zf.read(name) for name in names if not name.endswith("/")}
    except zipfile.BadZipFile as exc:
        report.problems.append(Problem("(package)", f"not a zip file: {exc}"))
        return report
    for name, count in Counter(n.lower() for n in names).items():
        if count > 1:
            report.problems.append(Problem(name, "the zip holds this part name more than once"))
    pkg = _Package(parts, report)
    pkg.check()
    return report


class _Package:
    def __init__(self, parts: dict[str, bytes], report: Report):
        self.parts = parts
        self.report = report
        self.trees: dict[str, etree._Element] = {}
        self.by_lower = {name.lower(): name for name in parts}
        self.content_types: dict[str, str | None] = {}
        # source part ('' for the package) -> relationship id -> (type, target part)
        self.rels: dict[str, dict[str, tuple[str, str | None]]] = {}

    def problem(self, part: str, message: str, line: int | None = None,
                reader: str | None = None) -> None:
        self.report.problems.append(Problem(part, message, line, reader))

    def check(self) -> None:
        if "[Content_Types].xml" not in self.parts:
            self.problem("[Content_Types].xml", "missing: no part has a content type")
        self._content_types()
        for name in self.parts:
            if _is_xml(name, self.content_types.get(name)):
                self._parse(name)
        self._relationships()
        self._reachable()
        self._references()
        self._unique_drawing_ids()
        self._fields()
        self._core_dates()
        for name, tree in self.trees.items():
            self._validate(name, tree)

    # ---- content types -----------------------------------------------------------------
    def _content_types(self) -> None:
        name = "[Content_Types].xml"
        if name not in self.parts or (root := self._parse(name)) is None:
            return
        defaults: dict[str, str] = {}
        overrides: dict[str, str] = {}
        for el in root:
            if el.tag == f"{{{NS_CT}}}Default" and el.get("Extension"):
                ext = el.get("Extension").lower()
                if ext in defaults:
                    self.problem(name, f"two Defaults for extension {ext!r}", el.sourceline)
                defaults[ext] = el.get("ContentType")
            elif el.tag == f"{{{NS_CT}}}Override" and el.get("PartName"):
                part = unquote(el.get("PartName")).lstrip("/").lower()
                if part in overrides:
                    self.problem(name, f"two Overrides for /{part}", el.sourceline)
                overrides[part] = el.get("ContentType")
        lower = {n.lower() for n in self.parts}
        for part in overrides:
            if part not in lower:
                self.problem(name, f"Override for /{part}, which is not in the package")
        for part in self.parts:
            if part == name:
                continue
            ext = part.rsplit(".", 1)[-1].lower() if "." in posixpath.basename(part) else ""
            kind = overrides.get(part.lower()) or defaults.get(ext)
            if kind is None:
                self.problem(part, "no content type (neither an Override nor a Default for "
                                   f"extension {ext!r} in [Content_Types].xml)")
            self.content_types[part] = kind

    # ---- parsing -------------------------------------------------------------------------
    def _parse(self, name: str) -> etree._Element | None:
        if name in self.trees:
            return self.trees[name]
        try:
            root = etree.fromstring(self.parts[name], etree.XMLParser(resolve_entities=False))
        except etree.XMLSyntaxError as exc:
            self.problem(name, f"not well-formed XML: {exc.msg}", exc.lineno)
            return None
        self.trees[name] = root
        return root

    # ---- relationships -------------------------------------------------------------------
    def _relationships(self) -> None:
        for name in self.parts:
            if not name.endswith(".rels"):
                continue
            source = _rels_source(name)
            if source is None:
                self.problem(name, "a relationships part outside a _rels folder")
                continue
            if source and source not in self.parts:
                self.problem(name, f"relationships of /{source}, which is not in the package")
            root = self.trees.get(name)
            if root is None:
                continue
            found: dict[str, tuple[str, str | None]] = {}
            base = posixpath.dirname(source)
            for rel in root.iter(f"{{{NS_PR}}}Relationship"):
                rid, kind, target = rel.get("Id"), rel.get("Type"), rel.get("Target")
                if rid in found:
                    self.problem(name, f"relationship id {rid} used twice", rel.sourceline)
                if rel.get("TargetMode") == "External" or not target:
                    found[rid] = (kind, None)
                    continue
                # Part names compare case-insensitively (OPC); keep the package's spelling.
                part = self.by_lower.get(_resolve(base, target).lower(), _resolve(base, target))
                found[rid] = (kind, part)
                if part not in self.parts:
                    self.problem(name, f"relationship {rid} points to /{part}, which is not "
                                       "in the package", rel.sourceline)
                    continue
                allowed = _EXPECTED_CT.get(kind)
                kind_found = self.content_types.get(part)
                if allowed and kind_found and kind_found not in allowed:
                    self.problem(part, f"content type {kind_found} does not fit relationship "
                                       f"type {kind.rsplit('/', 1)[-1]} ({name} {rid})")
                if kind == _REL + "image" and kind_found and not kind_found.startswith("image/"):
                    self.problem(part, f"an image relationship ({name} {rid}) to content "
                                       f"type {kind_found}")
            self.rels[source] = found
        main = [t for k, t in self.rels.get("", {}).values() if k == _REL + "officeDocument"]
        if len(main) != 1:
            self.problem("_rels/.rels", f"{len(main)} officeDocument relationships, not one")

    def _reachable(self) -> None:
        """Word ignores parts nothing points to; for a generator they mean a mistake."""
        seen: set[str] = set()
        todo = [""]
        while todo:
            source = todo.pop()
            for _kind, target in self.rels.get(source, {}).values():
                if target and target not in seen:
                    seen.add(target)
                    todo.append(target)
        for name in self.parts:
            if name != "[Content_Types].xml" and not name.endswith(".rels") and name not in seen:
                self.problem(name, "no relationship points to this part (an orphan)")

    def _references(self) -> None:
        """Every r:id / r:embed / … names a relationship of its own part, of the right type."""
        for name, root in self.trees.items():
            if name.endswith(".rels") or name == "[Content_Types].xml":
                continue
            rels = self.rels.get(name, {})
            for el in root.iter(tag=etree.Element):
                for key, value in el.attrib.items():
                    if not key.startswith(f"{{{NS_R}}}"):
                        continue
                    if value not in rels:
                        self.problem(name, f"{_short(el)} {_short_name(key, el)}=\"{value}\" "
                                           "names no relationship of this part", el.sourceline)
                    elif (want := _REFERENCE_TYPES.get(el.tag)) and rels[value][0] != want:
                        self.problem(name, f"{_short(el)} refers to {value}, a relationship of "
                                           f"type {rels[value][0].rsplit('/', 1)[-1]}, not "
                                           f"{want.rsplit('/', 1)[-1]}", el.sourceline)

    def _unique_drawing_ids(self) -> None:
        """wp:docPr ids and VML shape ids are unique in the whole document (all its stories)."""
        doc_pr: dict[str, list[str]] = defaultdict(list)
        shape_ids: dict[str, list[str]] = defaultdict(list)
        spids: dict[str, list[str]] = defaultdict(list)
        for name, root in self.trees.items():
            if not _is_wml_story(root):
                continue
            for el in root.iter(f"{{{NS_WP}}}docPr"):
                doc_pr[el.get("id")].append(name)
            for el in root.iter(tag=etree.Element):
                if not el.tag.startswith(f"{{{NS_V}}}") or el.tag == f"{{{NS_V}}}shapetype":
                    continue
                if el.get("id"):
                    shape_ids[el.get("id")].append(name)
                if el.get(f"{{{NS_O}}}spid"):
                    spids[el.get(f"{{{NS_O}}}spid")].append(name)
        for what, found in (("wp:docPr id", doc_pr), ("VML shape id", shape_ids),
                            ("VML o:spid", spids)):
            for value, where in found.items():
                if len(where) > 1:
                    self.problem(where[0], f"{what} {value!r} used {len(where)} times "
                                           f"(in {', '.join(sorted(set(where)))})")

    def _fields(self) -> None:
        """Each story's complex fields nest: begin, at most one separate, end."""
        for name, root in self.trees.items():
            if not _is_wml_story(root):
                continue
            open_fields: list[bool] = []  # per open field: separate seen
            for el in root.iter(f"{{{NS_W}}}fldChar"):
                kind = el.get(f"{{{NS_W}}}fldCharType")
                if kind == "begin":
                    open_fields.append(False)
                elif not open_fields or (kind == "separate" and open_fields[-1]):
                    self.problem(name, f"a field {kind} without its begin", el.sourceline)
                elif kind == "separate":
                    open_fields[-1] = True
                else:
                    open_fields.pop()
            if open_fields:
                self.problem(name, f"{len(open_fields)} field(s) begun and never ended")

    def _core_dates(self) -> None:
        """The Dublin Core stand-in schema takes any date; OPC wants typed W3CDTF ones."""
        for name, root in self.trees.items():
            if etree.QName(root).namespace != NS_CORE:
                continue
            for local in ("created", "modified"):
                for el in root.iter(f"{{http://purl.org/dc/terms/}}{local}"):
                    kind = el.get("{http://www.w3.org/2001/XMLSchema-instance}type", "")
                    prefix, _, type_name = kind.rpartition(":")
                    if type_name != "W3CDTF" or el.nsmap.get(prefix) != "http://purl.org/dc/terms/":
                        self.problem(name, f"dcterms:{local} without xsi:type=\"dcterms:W3CDTF\"",
                                     el.sourceline)
                    if not _W3CDTF.fullmatch((el.text or "").strip()):
                        self.problem(name, f"dcterms:{local} {el.text!r} is not a W3CDTF date",
                                     el.sourceline)

    # ---- schema validation ---------------------------------------------------------------
    def _validate(self, name: str, root: etree._Element) -> None:
        """Validate a part as each reader sees it; an error every reader sees is said once."""
        ns = etree.QName(root).namespace
        if ns not in _ENTRY_POINTS and ns not in _wml_namespaces() \
                and self.content_types.get(name) in _GENERIC_CT:
            self.report.skipped.append(name)
            return
        entry = _ENTRY_POINTS.get(ns, _WML_ENTRY)
        readers: Iterable[str | None] = READERS if entry == _WML_ENTRY else (None,)
        found: dict[tuple[int | None, str], list[str]] = {}
        for reader in readers:
            for line, message in self._validate_as(name, root, entry, reader):
                found.setdefault((line, message), []).append(reader or "")
        for (line, message), seen_by in found.items():
            self.problem(name, message, line, " and ".join(seen_by) or None)

    def _validate_as(self, name, root, entry, reader) -> list[tuple[int | None, str]]:
        tree = copy.deepcopy(root)
        origin = dict(zip(tree.iter(), root.iter(), strict=True))
        out = mc_process(tree, READERS[reader]) if reader else []
        self.report.checked.append((name, reader or "package"))
        # w:pict and w:object take VML under a lax wildcard, which lets undeclared names pass.
        declared = _vml_names()
        for el in tree.iter(tag=etree.Element):
            qname = etree.QName(el)
            if qname.namespace in declared and qname.localname not in declared[qname.namespace]:
                where = origin[el]
                out.append((where.sourceline, f"{_path(where)}: {_short(el)} is not an element "
                                              f"of its namespace near {_excerpt(where)}"))
        xsd = schema(entry)
        if xsd.validate(tree):
            return out
        prefixes = _prefixes(tree)
        for error in xsd.error_log:
            where = _original(tree, origin, error.path, prefixes)
            message = _shorten(error.message, prefixes)
            if where is not None:
                path = _path(where)
                out.append((where.sourceline, f"{path}: {message} near {_excerpt(where)}"))
            else:
                out.append((error.line, f"{error.path}: {message}"))
        return out


def mc_process(root: etree._Element, understood: frozenset[str]) -> list[tuple[int, str]]:
    """Apply Markup Compatibility for a reader, in place; returns (line, message) problems."""
    problems: list[tuple[int, str]] = []
    _mc_element(root, frozenset(), frozenset(), understood, problems)
    return problems


def _mc_element(el, ignorable, process_content, understood, problems) -> None:
    ignorable, process_content = _mc_attributes(el, ignorable, process_content, understood,
                                                problems)
    for child in list(el):
        if not isinstance(child.tag, str):
            continue
        if child.tag == f"{{{MC}}}AlternateContent":
            chosen = _choose(child, understood, problems)
            _replace(child, chosen)
            for new in chosen:
                _mc_element(new, ignorable, process_content, understood, problems)
            continue
        ns = etree.QName(child).namespace
        if ns == MC:
            problems.append((child.sourceline, f"{_short(child)} outside mc:AlternateContent"))
            el.remove(child)
        elif ns in ignorable and ns not in understood:
            if (ns, etree.QName(child).localname) in process_content or (ns, "*") in \
                    process_content:
                kids = list(child)
                _replace(child, kids)
                for new in kids:
                    _mc_element(new, ignorable, process_content, understood, problems)
            else:
                _replace(child, [])
        else:
            _mc_element(child, ignorable, process_content, understood, problems)


def _mc_attributes(el, ignorable, process_content, understood, problems):
    def namespaces(attr_name: str) -> list[str]:
        out = []
        for prefix in (el.get(attr_name) or "").split():
            ns = el.nsmap.get(prefix)
            if ns is None:
                problems.append((el.sourceline, f"{_short(el)}: mc:{attr_name.split('}')[1]} "
                                                f"names the undeclared prefix {prefix!r}"))
            else:
                out.append(ns)
        return out

    ignorable = ignorable | set(namespaces(f"{{{MC}}}Ignorable"))
    for ns in namespaces(f"{{{MC}}}MustUnderstand"):
        if ns not in understood:
            problems.append((el.sourceline, f"{_short(el)}: mc:MustUnderstand {ns}, which "
                                            "this reader does not understand"))
    for item in (el.get(f"{{{MC}}}ProcessContent") or "").split():
        prefix, _, local = item.partition(":")
        if prefix in el.nsmap:
            process_content = process_content | {(el.nsmap[prefix], local)}
    for key in list(el.attrib):
        ns = etree.QName(key).namespace
        if ns == MC or (ns in ignorable and ns not in understood):
            del el.attrib[key]
    return frozenset(ignorable), frozenset(process_content)


def _choose(alternate, understood, problems) -> list:
    for choice in alternate:
        if choice.tag == f"{{{MC}}}Choice":
            required = []
            for prefix in (choice.get("Requires") or "").split():
                if prefix not in choice.nsmap:
                    problems.append((choice.sourceline, f"mc:Choice Requires the undeclared "
                                                        f"prefix {prefix!r}"))
                required.append(choice.nsmap.get(prefix))
            if not required:
                problems.append((choice.sourceline, "mc:Choice without Requires"))
            elif all(ns in understood for ns in required):
                return list(choice)
        elif choice.tag == f"{{{MC}}}Fallback":
            return list(choice)
        elif isinstance(choice.tag, str):
            problems.append((choice.sourceline, f"{_short(choice)} inside mc:AlternateContent"))
    return []


def _replace(el, new: list) -> None:
    parent = el.getparent()
    index = parent.index(el)
    parent.remove(el)
    for offset, child in enumerate(new):
        parent.insert(index + offset, child)


# ---- helpers -------------------------------------------------------------------------------
def _is_xml(name: str, content_type: str | None) -> bool:
    if content_type:
        return content_type.endswith(("+xml", "/xml"))
    return name.endswith((".xml", ".rels"))


def _is_wml_story(root) -> bool:
    return etree.QName(root).namespace == NS_W


def _rels_source(name: str) -> str | None:
    """The part a relationships part belongs to ('' for the package), None if misplaced."""
    folder, base = posixpath.split(name)
    if posixpath.basename(folder) != "_rels" or not base.endswith(".rels"):
        return None
    return posixpath.join(posixpath.dirname(folder), base[: -len(".rels")]).lstrip("/")


def _resolve(base: str, target: str) -> str:
    target = unquote(target.split("#", 1)[0])
    path = target.lstrip("/") if target.startswith("/") else posixpath.join(base, target)
    return posixpath.normpath(path).lstrip("/")


def _prefixes(tree) -> dict[str, str]:
    """prefix -> namespace of every prefix declared in the tree (for XPath)."""
    out: dict[str, str] = {}
    for el in tree.iter(tag=etree.Element):
        for prefix, ns in el.nsmap.items():
            if prefix:
                out.setdefault(prefix, ns)
    return out


def _original(tree, origin, path, nsmap):
    if not path:
        return None
    try:
        found = tree.xpath(path, namespaces=nsmap)
    except etree.XPathError:
        return None
    if not found or not isinstance(found[0], etree._Element):
        return None
    return origin.get(found[0])


def _path(el) -> str:
    """/w:document/w:body/w:p[3]/w:pPr: prefixed names, an index where a name repeats."""
    steps = []
    while el is not None:
        step = _short(el)
        parent = el.getparent()
        if parent is not None:
            same = [s for s in parent if s.tag == el.tag]
            if len(same) > 1:
                step += f"[{same.index(el) + 1}]"
        steps.append(step)
        el = parent
    return "/" + "/".join(reversed(steps))


def _short_name(name: str, el) -> str:
    qname = etree.QName(name)
    for prefix, ns in el.nsmap.items():
        if ns == qname.namespace and prefix:
            return f"{prefix}:{qname.localname}"
    return qname.localname


def _short(el) -> str:
    return _short_name(el.tag, el)


_CLARK = re.compile(r"\{([^}]*)\}")
# W3CDTF (https://www.w3.org/TR/NOTE-datetime): YYYY, YYYY-MM, YYYY-MM-DD, or a time with zone.
_W3CDTF = re.compile(r"\d{4}(-\d{2}(-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?"
                     r"(Z|[+-]\d{2}:\d{2}))?)?)?")


def _shorten(message: str, prefixes: dict[str, str]) -> str:
    """'{uri}name' in a schema message as 'prefix:name' (or 'name' for an undeclared prefix)."""
    by_ns = {ns: prefix for prefix, ns in prefixes.items()}
    return _CLARK.sub(lambda m: f"{by_ns[m.group(1)]}:" if m.group(1) in by_ns else "", message)


def _excerpt(el, limit: int = 160) -> str:
    text = etree.tostring(el, encoding="unicode", with_tail=False)
    text = re.sub(r' xmlns(:\w+)?="[^"]*"', "", text)
    return text if len(text) <= limit else text[:limit] + "…"


if __name__ == "__main__":  # python -m replies.tests.ooxml_validate letter.docx …
    import sys

    failed = False
    for arg in sys.argv[1:]:
        result = validate_docx(Path(arg).read_bytes())
        print(f"{arg}: {len(result.checked)} part validations, {len(result.problems)} problems"
              + (f", not validated: {', '.join(result.skipped)}" if result.skipped else ""))
        for problem in result.problems:
            print(f"  {problem}")
        failed = failed or not result.ok
    sys.exit(1 if failed else 0)
