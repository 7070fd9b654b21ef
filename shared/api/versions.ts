import { memberShapeChange } from '#shared/api/members/versions';
import { versionRegistry, type ApiVersion } from '#shared/http/versioning';

/**
 * The public API's dated versions, oldest first: each lists the changes from the one before
 * it. A breaking change is one entry here and one small module beside the resource.
 */
export const API_VERSIONS: readonly ApiVersion[] = [
  {
    date: '2022-05-02',
    summary: 'The first version: members have reference_id, active and gender.',
    changes: [],
  },
  {
    date: '2022-07-19',
    summary: 'Members have status, status_transitions and gender_identity.',
    changes: [memberShapeChange],
  },
];

export const VERSION_HEADER = 'osma-api-version';

export const apiVersions = versionRegistry(API_VERSIONS, VERSION_HEADER);

export const FIRST_VERSION = apiVersions.first;
export const LATEST_VERSION = apiVersions.latest;
export const { isVersion, resolveVersion, upgradeRequest, downgradeResponse } = apiVersions;
