-- 018_times_from_the_service.sql — the dates of rows come from the service's clock
-- (docs/store-contract.md, rule 3): every insert names its time column and binds the
-- time portier's clock gives (clock_text), so that nodes agree and the test clock governs it.
-- PostgreSQL drops the columns' DEFAULTs (migrations/pg/018, same number); SQLite keeps
-- them, unused: it cannot drop a DEFAULT without rebuilding the table, and rebuilding
-- person, account and the others that rows of every module point to is not worth the risk.
-- tests/arch/check_times.sh refuses a statement that would rely on one.
SELECT 1;
