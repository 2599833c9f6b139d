"""Schema 3: bodies the converter now writes better are converted again, the rest kept.

Starts from the schema-2 fixture database (with its user data), adds articles whose
stored Markdown came from the older converter, and opens it with the current code.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from tui.core.library import Library

DBS = Path(__file__).parent.parent / "fixtures" / "db"

PLAIN = "New video!\n\n0:00 Intro\n1:23 Setup"
GLUED_HTML = (
    '<figure><img src="https://b.example/1.png" alt="One"></figure>'
    '<img src="https://b.example/2.png" alt="Two"><p>Text</p>'
)
GLUED_MD = "![One](https://b.example/1.png)![Two](https://b.example/2.png)\n\nText"
HTML = "<p>An <em>ordinary</em>\narticle.</p>"
KEPT_MD = "An *ordinary*\narticle. (stored)"


def old_database(tmp_path: Path) -> Path:
    """The schema-2 fixture plus three articles converted by the old converter."""
    path = tmp_path / "old.db"
    shutil.copy(DBS / "schema-v2.db", path)
    conn = sqlite3.connect(path)
    (feed_id,) = conn.execute("SELECT id FROM feeds").fetchone()
    rows = [
        ("plain", None, PLAIN, "New video! 0:00 Intro 1:23 Setup"),  # summary only
        ("glued", GLUED_HTML, None, GLUED_MD),
        ("kept", HTML, None, KEPT_MD),
    ]
    for key, html, summary, md in rows:
        conn.execute(
            "INSERT INTO articles (uid, feed_id, key, published, first_seen, version, title, "
            "summary, content_html, content_md) VALUES (?, ?, ?, 1, 1, 'v', ?, ?, ?, ?)",
            (key, feed_id, key, key, summary, html, md),
        )
    conn.commit()
    conn.close()
    return path


def test_plain_text_and_glued_images_are_converted_again(tmp_path: Path) -> None:
    path = old_database(tmp_path)
    lib = Library(path)
    try:
        ids = dict(lib.store.conn.execute("SELECT key, id FROM articles"))
        md = {key: lib.store.article_body(aid)[0] for key, aid in ids.items()}
        assert md["plain"] is None and md["glued"] is None  # to be converted again
        assert md["kept"] == KEPT_MD  # everything else keeps its Markdown
        assert lib.markdown(ids["plain"]) == "New video!\n\n0:00 Intro  \n1:23 Setup"
        assert lib.markdown(ids["glued"]) == (
            "![One](https://b.example/1.png)\n\n![Two](https://b.example/2.png)\n\nText"
        )
        assert lib.markdown(ids["kept"]) == KEPT_MD
        # The user data of the fixture is untouched.
        mine = {ids["plain"], ids["glued"], ids["kept"]}
        (art,) = [a for a in lib.articles() if a.id not in mine]
        assert art.read and art.starred and art.has_note
    finally:
        lib.close()
