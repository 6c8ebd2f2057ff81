-- A lab belongs to a territory (its coordinators change it, its sessions are held there) or,
-- with none, to the whole project (only admins change it; its sessions are in any territory).
-- An existing lab goes to the territory of the coordinator who created it when every one of
-- its sessions is there; any other stays project-wide.
ALTER TABLE labs ADD COLUMN territory TEXT REFERENCES territories(code);
UPDATE labs SET territory = (SELECT s.territory FROM staff s WHERE s.id = labs.created_by AND s.role = 'coordinator')
WHERE NOT EXISTS (
    SELECT 1 FROM lab_sessions ls JOIN lab_modules m ON m.id = ls.module_id JOIN staff s ON s.id = labs.created_by
    WHERE m.lab_id = labs.id AND ls.territory <> s.territory);
