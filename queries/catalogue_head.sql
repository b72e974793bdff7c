-- the snapshots not rejected, newest commit first: the first (that is intact) is the head an
-- import builds on
SELECT id FROM snapshots WHERE state <> 'rejected' ORDER BY seq DESC
