/* dTAO book: replaces the theme's 1.5 MB Font Awesome "SVG + JS" bundle (same path, so Sphinx copies
   this file over the theme's). The theme's stylesheet already draws every icon the site uses from the
   Font Awesome web fonts (the .fa-* classes and --pst-icon-* variables of pydata-sphinx-theme.css), so
   nothing needs the script: pages stay the same and load 1.5 MB less. tests/browser/test_site.py
   checks the icons still render and the page weight. */
