-- The host (and worker) that sent each request: with partitioned runs (scale:), cells of one run are measured by
-- several processes, possibly on several machines. Null only for rows stored before V27.
ALTER TABLE requests ADD COLUMN worker_host text;
