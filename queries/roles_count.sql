-- How many grant and revocation rows the catalogue holds (none: the roles file may seed it)
SELECT COUNT(*) AS n FROM role_grants
