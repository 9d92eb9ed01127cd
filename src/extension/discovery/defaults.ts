/** The secret names the wizard and the sandbox use for the pipeline principal (pre-filled, editable). */
export const CLIENT_ID_SECRET_NAME_DEFAULT = 'pipeline-client-id';
export const CLIENT_SECRET_SECRET_NAME_DEFAULT = 'pipeline-client-secret';
