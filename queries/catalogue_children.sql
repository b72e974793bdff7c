-- the snapshots built on this one that are not rejected
SELECT id FROM snapshots WHERE parent = :id AND state <> 'rejected' ORDER BY seq
