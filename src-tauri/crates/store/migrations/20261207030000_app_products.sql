-- LinkedIn: whether the user's developer app has the Community Management API product, so sign-in
-- may ask for the organization scopes (a self-serve app has only member posting and OpenID).
ALTER TABLE developer_apps ADD COLUMN organization_access INTEGER NOT NULL DEFAULT 0 CHECK (organization_access IN (0, 1));
