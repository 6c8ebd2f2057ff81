-- A job lead says its hours ("20 hours a week, mornings") beside its role, employer and contract.
ALTER TABLE leads ADD COLUMN hours TEXT;
