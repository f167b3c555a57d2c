-- 017_registry_name_search.sql — the registry's name search on PostgreSQL, served by an
-- index and giving the answers SQLite's FTS5 gives (tokenize 'unicode61 remove_diacritics 2').
--
-- A name's words are what FTS5's tokenizer makes of it: runs of letters and digits, folded to
-- lower case, accents removed (Unicode decomposition, combining marks dropped: "Société"
-- -> "societe", "L’Oréal" -> "l oreal"); every other character separates words.
-- registry_name_words gives them as one text, single spaces between, and the GIN index holds
-- them as a tsvector (the 'simple' configuration: no stemming, no stop words). The query
-- (registry/query_sql.c) hands FTS5's query text ('"zorgtech" "distri"*': quoted words, all
-- required, a quoted word of several tokens a phrase, '*' making the last one a prefix) to
-- registry_name_query, which makes the same tsquery ('zorgtech' & 'distri':*).
--
-- Built-in functions only (normalize, regexp_replace, lower, to_tsvector): no extension, so
-- no CREATE EXTENSION right is needed. The ICU collation makes lower() and [[:alnum:]]
-- follow Unicode whatever the database's locale (Debian's postgresql-15 is built with ICU);
-- the database must be UTF8 (normalize() refuses other encodings).
-- Known difference: PostgreSQL's word parser drops the few "other number" characters FTS5
-- keeps in a word (superscripts, fractions: "x²" is "x" here), so "x" finds "x²" here only.

CREATE FUNCTION registry_name_words(name text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN btrim(regexp_replace(lower(regexp_replace(normalize(name COLLATE "und-x-icu", NFD),
    '[\u0300-\u036f]+', '', 'g')), '[^[:alnum:]]+', ' ', 'g'));

-- The tsquery of an FTS5 query made by registry/query.c; NULL when no word is left (FTS5
-- ignores a quoted word without any token, and a query of such words finds nothing).
CREATE FUNCTION registry_name_query(q text) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
RETURN (
    SELECT to_tsquery('simple', string_agg(w.t, ' & ' ORDER BY w.n) ||
        CASE WHEN q LIKE '%"*' AND max(w.n) = (SELECT count(*)
            FROM regexp_matches(q, '"([^"]*)"', 'g')) THEN ':*' ELSE '' END)
    FROM (SELECT m.n, '''' || replace(registry_name_words(m.w[1]), ' ', ''' <-> ''') || '''' AS t
        FROM regexp_matches(q, '"([^"]*)"', 'g') WITH ORDINALITY AS m(w, n)
        WHERE registry_name_words(m.w[1]) <> '') w
    HAVING count(*) > 0);

-- Dropped before a full KBO load and built after it by the import (registry/sql_sqlite.c,
-- SQL_KBO_INDEX_DROP_DENOMINATION and SQL_KBO_FTS_REBUILD): keep the three in step.
CREATE INDEX kbo_denomination_words ON kbo_denomination
    USING gin (to_tsvector('simple', registry_name_words(denomination)));
