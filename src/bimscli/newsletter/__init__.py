"""Newsletter issues: kept in the library (:mod:`.issues`), written out as a BiomedNews issue
(:mod:`.biomednews`, which bims reads back), a web page (:mod:`.html_page`) or Markdown for a
blog (:mod:`.markdown_post`); :mod:`.export` chooses the works and the writer."""
