-- Extra properties stored by the database backends (applied by start.sh to a fresh database).
UPDATE g_user_module_instance SET gumi_parameters = json_set(gumi_parameters,
  '$."data-format".given_name', json('{"multiple":false,"read":true,"write":true,"profile-read":true,"profile-write":false}'),
  '$."data-format".family_name', json('{"multiple":false,"read":true,"write":true,"profile-read":true,"profile-write":false}'),
  '$."data-format".email_verified', json('{"multiple":false,"read":true,"write":true,"profile-read":true,"profile-write":false}'),
  '$."data-format".eduperson_entitlement', json('{"multiple":true,"read":true,"write":true,"profile-read":true,"profile-write":false}'),
  '$."data-format".eduperson_scoped_affiliation', json('{"multiple":true,"read":true,"write":true,"profile-read":true,"profile-write":false}'),
  '$."data-format".voperson_id', json('{"multiple":false,"read":true,"write":true,"profile-read":true,"profile-write":false}'))
WHERE gumi_name = 'database';
UPDATE g_client_module_instance SET gcmi_parameters = json_set(gcmi_parameters,
  '$."data-format".sign_kid', json('{"multiple":false,"read":true,"write":true}'))
WHERE gcmi_name = 'database';
