-- The history measures of the deployed change (docs/scoring.md): null in records written before them.
ALTER TABLE change_record ADD COLUMN developers INTEGER;
ALTER TABLE change_record ADD COLUMN age DOUBLE PRECISION;
ALTER TABLE change_record ADD COLUMN prior_changes INTEGER;
ALTER TABLE change_record ADD COLUMN author_experience DOUBLE PRECISION;
ALTER TABLE change_record ADD COLUMN recent_experience DOUBLE PRECISION;
ALTER TABLE change_record ADD COLUMN subsystem_experience DOUBLE PRECISION;
ALTER TABLE change_record ADD COLUMN fix BOOLEAN;
