-- Schema 4: the columns of a CMS HSD Provider or Facility table row that carereach keeps without
-- using (carereach.v1.HsdFields): '' when not given (every row of schemas 1-3).
ALTER TABLE providers ADD COLUMN ssa_county_code TEXT NOT NULL DEFAULT '';
ALTER TABLE providers ADD COLUMN contract_type TEXT NOT NULL DEFAULT '';
ALTER TABLE providers ADD COLUMN street_address TEXT NOT NULL DEFAULT '';
ALTER TABLE providers ADD COLUMN city TEXT NOT NULL DEFAULT '';
ALTER TABLE providers ADD COLUMN state TEXT NOT NULL DEFAULT '';
ALTER TABLE providers ADD COLUMN zip_code TEXT NOT NULL DEFAULT '';
ALTER TABLE providers ADD COLUMN medical_group TEXT NOT NULL DEFAULT '';
