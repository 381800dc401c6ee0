"""Sphinx extension for the dTAO book (listed in ``_config.yml`` under ``sphinx.extra_extensions``).

What it does, so that the built site works offline in a real browser:

1. Sets ``DTAO_BOOK_BUILD=1`` before any notebook executes, so :class:`dtao_lib.interactive.Figure`
   renders its static (client-side) face and no ipywidgets control is created (no dead controls).
2. Adds the vendored JavaScript (``dtao_lib/_vendor``) to ``html_static_path``; the files land in
   ``_build/html/_static/``.
3. Adds vega, vega-lite and vega-embed to every page that embeds a chart (and only those).
4. Points MathJax at the vendored copy instead of a CDN, and loads only the components the book needs
   (:data:`MATHJAX_LOAD`: TeX input with base, AMS and a few extensions, CHTML output) rather than the
   combined ``tex-chtml.js`` with its context menu and accessibility code (0.75 MB instead of 1.2 MB).
5. Removes the sphinx-thebe loader when thebe is disabled: sphinx-book-theme and sphinx-thebe both
   inject it, which logs "Identifier 'THEBE_JS_URL' has already been declared" on every page.
6. After an HTML build, trims the theme's Font Awesome web fonts to the icons the site uses
   (:mod:`dtao_lib.icon_font`; 300 kB less on every page).
7. Makes every citation of the specification a link to the book's protocol reference
   (``chapters/reference/``): the role ``{spec}`3.2``` renders "spec §3.2", and a post-transform turns
   the plain text "spec §3.2", "§3.2", "spec §A2" or a range "§3.1–§3.6" anywhere in a page (prose,
   admonitions, captions, autodoc docstrings, HTML tables in notebook outputs) into the same link.
   Section ``3.2`` resolves to the label ``spec-3-2`` and ``A2`` to ``spec-A2`` (MyST ``(spec-3-2)=``);
   a section with no such label is a build error (it fails ``jupyter-book build -W``). Code, inline
   literals, math and existing links are left alone.
8. Provides the directive ``dtao-api`` for the API reference (``chapters/reference/api/``): one page
   per public module, a summary table of the module's ``__all__`` followed by autodoc of every entry,
   so a name added to ``__all__`` appears without editing the page. A package's page lists its
   re-exported names and links each to the submodule page that documents it.
"""

from __future__ import annotations

import importlib
import inspect
import os
import re
from pathlib import Path
from typing import Any

from docutils import nodes

from .interactive import BUILD_ENV, VEGA_SCRIPTS

VENDOR_DIR = Path(__file__).resolve().parent / "_vendor"
MATHJAX_PATH = "mathjax/startup.js"
MATHJAX_LOAD = ["input/tex-base", "[tex]/ams", "[tex]/newcommand", "[tex]/noundefined", "[tex]/configmacros",
                "output/chtml"]
"""MathJax components every page with math loads (files under ``_vendor/mathjax``)."""
MATHJAX_PACKAGES = ["base", "ams", "newcommand", "noundefined", "configmacros"]


def _config_inited(app: Any, config: Any) -> None:
    os.environ[BUILD_ENV] = "1"
    static = list(config.html_static_path or [])
    if str(VENDOR_DIR) not in static:
        static.append(str(VENDOR_DIR))
    config.html_static_path = static
    path = str(getattr(config, "mathjax_path", "") or "")
    if not path or path.startswith(("http://", "https://", "//")):
        config.mathjax_path = MATHJAX_PATH
    if config.mathjax_path == MATHJAX_PATH:
        mj = dict(config.mathjax3_config or {})
        mj["loader"] = {**mj.get("loader", {}), "load": MATHJAX_LOAD}
        mj["tex"] = {**mj.get("tex", {}), "packages": MATHJAX_PACKAGES}
        mj["options"] = {**mj.get("options", {}), "enableMenu": False}
        config.mathjax3_config = mj


def _page_context(app: Any, pagename: str, templatename: str, context: dict, doctree: Any) -> None:
    body = context.get("body", "") or ""
    if "vegaEmbed(" in body:
        for i, name in enumerate(VEGA_SCRIPTS):
            app.add_js_file(name, priority=450 + i)
    scripts = context.get("script_files")
    if scripts is not None and not getattr(app.config, "dtao_keep_thebe", False):
        context["script_files"] = [s for s in scripts if "thebe" not in str(s)]


def _build_finished(app: Any, exc: Exception | None) -> None:
    if exc is not None or getattr(app.builder, "format", "") != "html":
        return
    from sphinx.util import logging

    log = logging.getLogger(__name__)
    try:
        from .icon_font import subset_icon_fonts

        done = subset_icon_fonts(app.outdir)
    except ImportError:  # fontTools/brotli are in the test extras; the site still works without
        log.info("dtao: fontTools or brotli missing, icon fonts left whole")
        return
    saved = sum(before - after for before, after in done.values())
    log.info(f"dtao: icon fonts trimmed to the icons the site uses ({saved / 1e3:.0f} kB less)")


# ---------------------------------------------------------------------------------------------
# Citations of the specification -> links to the protocol reference
# ---------------------------------------------------------------------------------------------

#: A section of the specification: ``3``, ``3.2``, ``0.1``; of the addendum: ``A2``; the HEAD
#: reconstruction: ``H``.
SECTION = r"(?:A\d{1,2}|H|\d{1,2}(?:\.\d{1,2})?)(?![\w])"
#: "spec §3.2", "addendum §A2", "§3.2", "§ 3.2", and ranges "§3.1–§3.6" / "§4.1–4.3" (an end
#: without "§" must be dotted, so that "§9 – 10 blocks" does not become a range).
CITATION = re.compile(
    rf"(?P<first>(?:(?:[Ss]pec|[Aa]ddendum)\s)?§\s?(?P<a>{SECTION}))"
    rf"(?:(?P<dash>\s?[–-]\s?)(?P<second>§\s?(?P<b>{SECTION})|(?P<c>\d{{1,2}}\.\d{{1,2}})(?![\w])))?"
)
#: Elements whose text is never rewritten.
SKIP = (nodes.literal, nodes.literal_block, nodes.doctest_block, nodes.math, nodes.math_block,
        nodes.raw, nodes.reference, nodes.comment, nodes.target, nodes.system_message,
        nodes.FixedTextElement)
RAW_SKIP_TAGS = ("script", "style", "code", "pre", "a", "textarea", "svg")


class spec_reference(nodes.Inline, nodes.TextElement):
    """A ``{spec}`` role before resolution; always replaced by the post-transform."""


def section_label(section: str) -> str:
    """The reference label of a spec section: ``"3.2"`` -> ``"spec-3-2"``, ``"A2"`` -> ``"spec-A2"``."""
    return "spec-" + section.strip().lstrip("§").strip().replace(".", "-")


def spec_role(name: str, rawtext: str, text: str, lineno: int, inliner: Any,
              options: dict | None = None, content: list | None = None) -> tuple[list, list]:
    """``{spec}`3.2``` -> "spec §3.2" linked to the reference section; ``{spec}`the gate <A2>``` sets the text."""
    m = re.fullmatch(r"\s*(?:(?P<title>.*?)\s*<\s*(?P<target>[^<>]+?)\s*>|(?P<plain>[^<>]+?))\s*", text, re.S)
    section = ((m and (m.group("target") or m.group("plain"))) or text).strip().lstrip("§").strip()
    title = (m and m.group("title")) or f"spec §{section}"
    node = spec_reference(rawtext, title, section=section)
    node.source, node.line = inliner.reporter.get_source_and_line(lineno)
    return [node], []


def _spec_post_transform():
    from sphinx.transforms.post_transforms import SphinxPostTransform
    from sphinx.util import logging

    logger = logging.getLogger(__name__)

    class SpecCitations(SphinxPostTransform):
        """Resolve ``{spec}`` roles and link plain "spec §n" text (after myst-nb picks output mime types)."""

        default_priority = 6

        def target(self, section: str, node: nodes.Node) -> str | None:
            label = section_label(section)
            found = self.env.domaindata["std"]["labels"].get(label.lower())
            if not found or not found[0]:
                logger.error("spec §%s: no section of the protocol reference has the label (%s)= "
                             "(dtao_lib.sphinx_ext; sections live in chapters/reference/)",
                             section, label, location=node, type="dtao", subtype="spec")
                return None
            docname, labelid = found[0], found[1]
            uri = self.app.builder.get_relative_uri(self.env.docname, docname)
            return f"{uri}#{labelid}" if labelid else uri

        def link(self, text: str, section: str, node: nodes.Node) -> nodes.Node:
            uri = self.target(section, node)
            if uri is None:
                return nodes.inline(text, text, classes=["spec-unresolved"])
            return nodes.reference(text, text, refuri=uri, internal=True, classes=["spec-ref"],
                                   reftitle=f"protocol reference, spec §{section}")

        def split(self, text: str, node: nodes.Node) -> list[nodes.Node] | None:
            out: list[nodes.Node] = []
            pos = 0
            for m in CITATION.finditer(text):
                if m.start() > pos:
                    out.append(nodes.Text(text[pos:m.start()]))
                out.append(self.link(m.group("first"), m.group("a"), node))
                if m.group("dash") is not None:
                    out.append(nodes.Text(m.group("dash")))
                    end = m.group("b") or m.group("c")
                    out.append(self.link(m.group("second") or m.group("c"), end, node))
                pos = m.end()
            if not out:
                return None
            if pos < len(text):
                out.append(nodes.Text(text[pos:]))
            return out

        def raw_html(self, html: str, node: nodes.Node) -> str:
            parts = re.split(r"(<[^>]*>)", html)
            depth: dict[str, int] = dict.fromkeys(RAW_SKIP_TAGS, 0)
            for i, part in enumerate(parts):
                if part.startswith("<"):
                    tag = re.match(r"<\s*(/?)\s*([a-zA-Z0-9]+)", part)
                    if tag and tag.group(2).lower() in depth and not part.rstrip().endswith("/>"):
                        depth[tag.group(2).lower()] += -1 if tag.group(1) else 1
                    continue
                if any(v > 0 for v in depth.values()) or "§" not in part:
                    continue

                def repl(m: re.Match) -> str:
                    def a(text: str, section: str) -> str:
                        uri = self.target(section, node)
                        if uri is None:
                            return text
                        return f'<a class="reference internal spec-ref" href="{uri}">{text}</a>'
                    s = a(m.group("first"), m.group("a"))
                    if m.group("dash") is not None:
                        s += m.group("dash") + a(m.group("second") or m.group("c"), m.group("b") or m.group("c"))
                    return s

                parts[i] = CITATION.sub(repl, part)
            return "".join(parts)

        def run(self, **kwargs: Any) -> None:
            for node in list(self.document.findall(spec_reference)):
                text = node.astext()
                node.replace_self(self.link(text, node["section"], node))
            for node in list(self.document.findall(nodes.raw)):
                if "html" in node.get("format", "").split() and "§" in node.astext():
                    html = self.raw_html(node.astext(), node)
                    node.children = []
                    node.append(nodes.Text(html))
            for node in list(self.document.findall(nodes.Text)):
                if "§" not in node or self._skipped(node):
                    continue
                new = self.split(str(node), node.parent)
                if new:
                    node.parent.replace(node, new)

        @staticmethod
        def _skipped(node: nodes.Node) -> bool:
            parent = node.parent
            while parent is not None:
                if isinstance(parent, SKIP) or "spec-unresolved" in parent.get("classes", ()):
                    return True
                if type(parent).__name__ in ("pending_xref", "desc_signature", "desc_name"):
                    return True
                parent = parent.parent
            return False

    return SpecCitations


# ---------------------------------------------------------------------------------------------
# API reference pages
# ---------------------------------------------------------------------------------------------


def public_names(module: Any) -> list[str]:
    """The public API of a module: its ``__all__``, or else the public functions and classes it defines."""
    names = getattr(module, "__all__", None)
    if names is not None:
        return [n for n in names if not (n.startswith("__") and n.endswith("__"))]
    return sorted(
        n for n, obj in vars(module).items()
        if not n.startswith("_") and (inspect.isfunction(obj) or inspect.isclass(obj))
        and getattr(obj, "__module__", None) == module.__name__
    )


def _summary(obj: Any) -> str:
    doc = inspect.getdoc(obj) if (inspect.isroutine(obj) or inspect.isclass(obj) or inspect.ismodule(obj)) else None
    if not doc:
        return ""
    first = doc.strip().split("\n\n")[0].replace("\n", " ")
    sentence = re.split(r"(?<=[.;])\s", first, maxsplit=1)[0].rstrip(":")
    sentence = rst_escapes(sentence)
    return sentence if sentence.count("`") % 2 == 0 and sentence.count("*") % 2 == 0 else ""


def rst_escapes(text: str) -> str:
    """Escape two notations of this code base's docstrings that reStructuredText misreads.

    A wildcard vector id such as BE-* is not the start of emphasis, and an inline literal directly
    followed by "+" (a release and later) needs an escaped space after its closing backquotes.
    Inline literals themselves are left as they are.
    """
    parts = re.split(r"(``[^`]+``)", text)   # odd items are inline literals
    for i in range(0, len(parts), 2):
        parts[i] = re.sub(r"(?<=[A-Z0-9]-)\*(?!\*)", r"\\*", parts[i])
        if i > 0 and parts[i][:1] in ("+", "×", "·"):
            parts[i] = "\\ " + parts[i]
    return "".join(parts)


_PROSE_ATTRIBUTES: dict[tuple[str, str], list[str]] = {}


def _process_docstring(app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]) -> None:
    """Before napoleon (priority 400 < 500): the escapes of :func:`rst_escapes`; remember an
    attribute docstring whose first line reads "Some words: ...", which is prose, not napoleon's
    "type: description" (restored by :func:`_restore_prose_attribute`)."""
    lines[:] = [rst_escapes(line) for line in lines]
    if what in ("attribute", "data", "property") and lines and re.match(r"^\S+ [^:`]*:(\s|$)", lines[0]):
        _PROSE_ATTRIBUTES[(what, name)] = list(lines)


def _restore_prose_attribute(app: Any, what: str, name: str, obj: Any, options: Any, lines: list[str]) -> None:
    original = _PROSE_ATTRIBUTES.pop((what, name), None)
    if original is not None:
        lines[:] = original


def canonical_module(module_name: str, name: str, obj: Any) -> str:
    """Where the API reference documents ``obj`` (exported as ``name`` by ``module_name``).

    The highest public package below ``dtao_lib`` that re-exports the same object (that is how
    readers import it: ``dtao_lib.sim.Scenario``), unless the name is also a submodule of that
    package (``dtao_lib.sim.run``); failing that, the public module that defines it if it lies
    below ``module_name``; otherwise ``module_name`` itself.
    """
    parts = module_name.split(".")
    for i in range(2, len(parts) + 1):
        pkg = importlib.import_module(".".join(parts[:i]))
        if not hasattr(pkg, "__path__"):
            break
        here = Path(pkg.__file__).parent
        if (name in public_names(pkg) and getattr(pkg, name, None) is obj
                and not (here / f"{name}.py").exists() and not (here / name).is_dir()):
            return pkg.__name__
    owner = getattr(obj, "__module__", None) or ""
    if owner.startswith(module_name + ".") and not any(p.startswith("_") for p in owner.split(".")):
        return owner
    return module_name


def _attr_doc(module_name: str, name: str) -> list[str]:
    """The ``#:`` comment or string docstring of a module constant, as reStructuredText lines."""
    from sphinx.pycode import ModuleAnalyzer

    try:
        lines = ModuleAnalyzer.for_module(module_name).find_attr_docs().get(("", name), [])
    except Exception:  # no source: treat as undocumented
        return []
    return [rst_escapes(line) for line in lines]


def _api_directive():
    from docutils.statemachine import StringList
    from sphinx.util.docutils import SphinxDirective
    from sphinx.util.nodes import nested_parse_with_titles

    class ApiModule(SphinxDirective):
        """``.. dtao-api:: dtao_lib.amm`` — summary of ``__all__`` + autodoc of the module."""

        required_arguments = 1

        def run(self) -> list[nodes.Node]:
            name = self.arguments[0].strip()
            module = importlib.import_module(name)
            lines = [f".. automodule:: {name}", "   :no-members:", ""]
            rows, body = [], []
            for n in public_names(module):
                obj = getattr(module, n)
                home = canonical_module(name, n, obj)
                rows += [f"   * - :py:obj:`{n} <{home}.{n}>`", f"     - {_summary(obj)}"]
                if home != name:
                    continue
                if inspect.isclass(obj):
                    body += [f".. autoclass:: {name}.{n}", "   :members:", "   :undoc-members:",
                             "   :member-order: bysource", ""]
                elif inspect.isroutine(obj):
                    body += [f".. autofunction:: {name}.{n}", ""]
                else:
                    value = repr(obj)
                    body += [f".. py:data:: {n}"] + ([f"   :value: {value}"] if len(value) <= 80 else [])
                    doc = _attr_doc(name, n)
                    body += ["", *(f"   {line}" for line in doc), ""]
            if rows:
                lines += [".. list-table::", "   :widths: 30 70", "   :class: dtao-api-summary", "", *rows, ""]
            lines += body
            content = StringList(lines, source=f"<dtao-api {name}>")
            node = nodes.container(classes=["dtao-api"])
            nested_parse_with_titles(self.state, content, node)
            return node.children

    return ApiModule


def _resolve_dotted(name: str) -> bool:
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        try:
            for attr in parts[i:]:
                obj = getattr(obj, attr)
        except AttributeError:
            return False
        return True
    return False


def _dtao_object_exists(target: str, modname: str, classname: str) -> bool:
    """Whether ``target``, as written in a docstring of ``modname``, names a real object of dtao_lib."""
    import sys

    candidates = [target] + ([f"{modname}.{target}"] if modname else [])
    if modname and classname:
        candidates.append(f"{modname}.{classname}.{target}")
    if any(c.startswith("dtao_lib") and _resolve_dotted(c) for c in candidates):
        return True
    head = target.split(".")[0]
    return any(name.startswith("dtao_lib") and module is not None and hasattr(module, head)
               and _resolve_dotted(f"{name}.{target}") for name, module in list(sys.modules.items()))


def _missing_python_reference(app: Any, env: Any, node: Any, contnode: nodes.Node) -> nodes.Node | None:
    """Resolve a relative Python reference in a docstring (``root_era.cartel_threshold``,
    ``CustomPolicy.trades``) to the one documented object whose full name ends with it."""
    if node.get("refdomain") != "py":
        return None
    target = node.get("reftarget", "").lstrip(".~")
    if not target:
        return None
    domain = env.get_domain("py")
    hits = [full for full, entry in domain.objects.items()
            if (full == target or full.endswith("." + target)) and not entry.aliased]
    modname = node.get("py:module") or ""
    if len(hits) > 1 and modname:   # prefer the closest package
        near = [h for h in hits if h.startswith(modname.rsplit(".", 1)[0] + ".")]
        hits = near or hits
    if len(hits) != 1:
        # a real dtao_lib object that the API reference does not document (private, or not in its
        # module's __all__): plain code, no link; a name that exists nowhere still warns
        return contnode if _dtao_object_exists(target, modname, node.get("py:class") or "") else None
    from sphinx.util.nodes import make_refnode

    obj = domain.objects[hits[0]]
    return make_refnode(app.builder, node["refdoc"], obj.docname, obj.node_id, contnode, hits[0])


def _visit_spec_reference(self: Any, node: nodes.Node) -> None:  # never reached: resolved first
    raise nodes.SkipNode


def setup(app: Any) -> dict[str, Any]:
    app.add_config_value("dtao_keep_thebe", False, "html")
    app.connect("config-inited", _config_inited, priority=900)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _build_finished)
    app.add_node(spec_reference, html=(_visit_spec_reference, None), latex=(_visit_spec_reference, None),
                 text=(_visit_spec_reference, None))
    app.add_role("spec", spec_role)
    app.add_post_transform(_spec_post_transform())
    app.setup_extension("sphinx.ext.autodoc")   # the API directive emits autodoc directives
    app.add_directive("dtao-api", _api_directive())
    app.connect("autodoc-process-docstring", _process_docstring, priority=400)
    app.connect("autodoc-process-docstring", _restore_prose_attribute, priority=600)
    app.connect("missing-reference", _missing_python_reference)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
