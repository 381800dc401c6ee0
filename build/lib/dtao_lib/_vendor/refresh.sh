#!/usr/bin/env bash
# Re-vendor the JavaScript the static site loads offline, from the npm registry.
# Versions must match altair's VEGA_VERSION / VEGALITE_VERSION / VEGAEMBED_VERSION
# (tests/test_interactive.py checks this). Usage: bash dtao_lib/_vendor/refresh.sh
set -euo pipefail
VEGA=${VEGA:-6.3.0}; VEGALITE=${VEGALITE:-6.4.1}; VEGAEMBED=${VEGAEMBED:-7.3.0}; MATHJAX=${MATHJAX:-3.2.2}
here=$(cd "$(dirname "$0")" && pwd); tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
for p in "vega@$VEGA" "vega-lite@$VEGALITE" "vega-embed@$VEGAEMBED" "mathjax@$MATHJAX"; do
  npm pack "$p" --silent >/dev/null; done
for f in *.tgz; do mkdir -p "${f%.tgz}"; tar xzf "$f" -C "${f%.tgz}"; done
rm -rf "$here/mathjax" "$here"/*.min.js; mkdir -p "$here/mathjax/input/tex" "$here/mathjax/output/chtml" "$here/licenses"
cp "vega-$VEGA/package/build/vega.min.js" "vega-lite-$VEGALITE/package/build/vega-lite.min.js" \
   "vega-embed-$VEGAEMBED/package/build/vega-embed.min.js" "$here/"
m="mathjax-$MATHJAX/package/es5"
# Only the components the book loads (dtao_lib.sphinx_ext.MATHJAX_LOAD): the loader, the core, TeX
# input (base + the extensions it names) and CHTML output with its fonts. Not the combined
# tex-chtml.js, which adds the 426 kB context menu and accessibility code to every page.
cp "$m/startup.js" "$m/core.js" "$here/mathjax/"; mkdir -p "$here/mathjax/output"
cp "$m/input/tex-base.js" "$here/mathjax/input/"; cp -r "$m/input/tex/extensions" "$here/mathjax/input/tex/"
cp "$m/output/chtml.js" "$here/mathjax/output/"; cp -r "$m/output/chtml/fonts" "$here/mathjax/output/chtml/"
for p in vega vega-lite vega-embed mathjax; do d=$(ls -d "$p"-[0-9]*/ | head -1); cp "$d/package/LICENSE" "$here/licenses/$p-LICENSE"; done
sed -i 's|//# sourceMappingURL=.*$||' "$here"/*.min.js   # the maps are not shipped
python3 - "$here" "$VEGA" "$VEGALITE" "$VEGAEMBED" "$MATHJAX" <<'PY'
import hashlib, json, pathlib, sys
here, vega, vl, ve, mj = sys.argv[1:]
root = pathlib.Path(here)
files = {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
         for p in sorted(root.rglob("*")) if p.is_file() and p.name not in {"MANIFEST.json", "refresh.sh", "README.md"}}
manifest = {"source": "npm registry (npm pack)", "packages": {"vega": vega, "vega-lite": vl, "vega-embed": ve, "mathjax": mj},
            "licenses": {"vega": "BSD-3-Clause", "vega-lite": "BSD-3-Clause", "vega-embed": "BSD-3-Clause", "mathjax": "Apache-2.0"},
            "sha256": files}
(root / "MANIFEST.json").write_text(json.dumps(manifest, indent=1) + "\n")
PY
echo "vendored into $here"
