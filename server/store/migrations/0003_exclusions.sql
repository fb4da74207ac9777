-- Schema 3: a roster row may say why it does not count toward network adequacy (42 CFR
-- 422.116(a)(3)(i)): a code of access::kExclusions, or '' (it counts; every row of schemas 1-2).
ALTER TABLE providers ADD COLUMN exclusion TEXT NOT NULL DEFAULT '';
