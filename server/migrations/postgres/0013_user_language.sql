-- The language of what is sent to a user (SMS, email, notices): `en` or
-- `nl`; none until they choose, then the language of the request that
-- sends it.
ALTER TABLE users ADD COLUMN language TEXT;
