-- The indicators the snapshot holds any figure of (an actual or a plan, any unit, any period).
-- Screens list these; catalogue entries never reported are named once, not shown as rows of '–'.
SELECT DISTINCT indicator FROM facts WHERE actual IS NOT NULL OR plan IS NOT NULL ORDER BY indicator
