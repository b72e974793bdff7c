-- The indicator catalogue of the snapshot, in domain order.
SELECT * FROM indicators ORDER BY domain_order, code_order
