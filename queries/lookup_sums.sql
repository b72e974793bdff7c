-- Read once per loaded snapshot by kpi/store/lookup.py: the sums behind every target of several
-- atoms (queries/build_target_sums.sql), indexed there by (target, generation, period, indicator).
SELECT target, generation, period, indicator, n_actual, n_plan, n_num, n_den, n_plan_level,
       sum_actual, sum_plan, sum_num, sum_den, sources, notes, estimate_statuses
FROM target_sums
